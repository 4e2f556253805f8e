#include <algorithm>
#include <array>

#include "runtime/api/formats.hpp"
#include "runtime/api/schema_node.hpp"

namespace strato::api {

namespace {

using internal::node;
using internal::node_ptr;

constexpr std::array<std::pair<std::string_view, uint8_t>, 7> type_table{{
  {"array", internal::type_array},
  {"boolean", internal::type_boolean},
  {"integer", internal::type_integer},
  {"null", internal::type_null},
  {"number", internal::type_number},
  {"object", internal::type_object},
  {"string", internal::type_string},
}};

/// Compiles one (sub)schema; `where` is its JSON pointer, for messages.
class compiler {
public:
  explicit compiler(schema::impl& target) : target_(target) {
  }

  status compile(const nlohmann::json& def, node& out, const std::string& where);

private:
  static status bad(const std::string& where, std::string_view keyword,
                    std::string_view problem) {
    return {errc::invalid_argument, "invalid schema at '" + where + "': '"
                                      + std::string{keyword} + "' "
                                      + std::string{problem}};
  }

  status child(const nlohmann::json& def, node_ptr& out,
               const std::string& where) {
    out = std::make_unique<node>();
    return compile(def, *out, where);
  }

  status children(const nlohmann::json& defs, std::vector<node_ptr>& out,
                  const std::string& where, std::string_view keyword) {
    if (!defs.is_array() || defs.empty()) {
      return bad(where, keyword, "must be a non-empty array of schemas");
    }
    for (size_t i = 0; i < defs.size(); ++i) {
      out.emplace_back();
      auto st = child(defs[i], out.back(),
                      where + "/" + std::string{keyword} + "/"
                        + std::to_string(i));
      if (!st.ok()) {
        return st;
      }
    }
    return {};
  }

  static status count(const nlohmann::json& value, std::optional<uint64_t>& out,
                      const std::string& where, std::string_view keyword) {
    if (value.is_number_unsigned()) {
      out = value.get<uint64_t>();
      return {};
    }
    if (value.is_number_integer() && value.get<int64_t>() >= 0) {
      out = static_cast<uint64_t>(value.get<int64_t>());
      return {};
    }
    return bad(where, keyword, "must be a non-negative integer");
  }

  status pattern(const nlohmann::json& value, internal::compiled_pattern& out,
                 const std::string& where, std::string_view keyword) {
    if (!value.is_string()) {
      return bad(where, keyword, "must be a string");
    }
    out.source = value.get<std::string>();
    try {
      // libstdc++'s default (depth-first) matcher recurses once per input
      // character and overflows the stack on long strings; the polynomial
      // (breadth-first) mode keeps recursion bounded by the pattern's size.
      auto flags = std::regex::ECMAScript;
#ifdef __GLIBCXX__
      flags |= std::regex_constants::__polynomial;
#endif
      out.regex = std::regex{out.source, flags};
    } catch (const std::regex_error& e) {
      return bad(where, keyword,
                 "is not a supported regular expression ('" + out.source
                   + "': " + e.what() + ")");
    }
    return {};
  }

  status types(const nlohmann::json& value, node& out,
               const std::string& where);
  status strings(const nlohmann::json& def, node& out,
                 const std::string& where);
  status numbers(const nlohmann::json& def, node& out,
                 const std::string& where);
  status arrays(const nlohmann::json& def, node& out, const std::string& where);
  status objects(const nlohmann::json& def, node& out,
                 const std::string& where);
  status object_extras(const nlohmann::json& def, node& out,
                       const std::string& where);
  status combinators(const nlohmann::json& def, node& out,
                     const std::string& where);

  schema::impl& target_;
};

status compiler::compile(const nlohmann::json& def, node& out,
                         const std::string& where) {
  if (!def.is_object()) {
    return {errc::invalid_argument,
            "invalid schema at '" + where + "': a schema must be an object"};
  }
  if (def.contains("$ref")) {
    return bad(where, "$ref", "is not supported; inline the schema");
  }
  out.definition = &def;
  for (auto step : {&compiler::strings, &compiler::numbers, &compiler::arrays,
                    &compiler::objects, &compiler::object_extras,
                    &compiler::combinators}) {
    if (auto st = (this->*step)(def, out, where); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("type"); it != def.end()) {
    if (auto st = types(*it, out, where); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("enum"); it != def.end()) {
    if (!it->is_array()) {
      return bad(where, "enum", "must be an array");
    }
    out.enum_values = &*it;
  }
  if (auto it = def.find("const"); it != def.end()) {
    out.const_value = &*it;
  }
  return {};
}

status compiler::types(const nlohmann::json& value, node& out,
                       const std::string& where) {
  auto names = value.is_array() ? value : nlohmann::json::array({value});
  for (const auto& name : names) {
    if (!name.is_string()) {
      return bad(where, "type", "must be a type name or an array of them");
    }
    auto found = std::find_if(type_table.begin(), type_table.end(),
                              [&](const auto& entry) {
                                return entry.first
                                       == name.get_ref<const std::string&>();
                              });
    if (found == type_table.end()) {
      return bad(where, "type",
                 "names an unknown type '" + name.get<std::string>() + "'");
    }
    out.types |= found->second;
    out.type_names.push_back(name.get<std::string>());
  }
  if (out.types == 0) {
    return bad(where, "type", "must name at least one type");
  }
  return {};
}

status compiler::strings(const nlohmann::json& def, node& out,
                         const std::string& where) {
  if (auto it = def.find("minLength"); it != def.end()) {
    if (auto st = count(*it, out.min_length, where, "minLength"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("maxLength"); it != def.end()) {
    if (auto st = count(*it, out.max_length, where, "maxLength"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("pattern"); it != def.end()) {
    out.pattern.emplace();
    if (auto st = pattern(*it, *out.pattern, where, "pattern"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("format"); it != def.end()) {
    if (!it->is_string()) {
      return bad(where, "format", "must be a string");
    }
    out.format_name = it->get<std::string>();
    for (const auto& [name, checker] : target_.formats) {
      if (name == out.format_name) {
        out.format = &checker;
      }
    }
  }
  return {};
}

status compiler::numbers(const nlohmann::json& def, node& out,
                         const std::string& where) {
  auto number = [&](std::string_view keyword, const nlohmann::json*& slot) {
    if (auto it = def.find(keyword); it != def.end()) {
      if (!it->is_number()) {
        return bad(where, keyword, "must be a number");
      }
      slot = &*it;
    }
    return status{};
  };
  auto exclusive = [&](std::string_view keyword, bool& flag,
                       const nlohmann::json*& slot) {
    if (auto it = def.find(keyword); it != def.end()) {
      if (it->is_boolean()) {
        flag = it->get<bool>();
      } else if (it->is_number()) {
        slot = &*it;
      } else {
        return bad(where, keyword, "must be a boolean or a number");
      }
    }
    return status{};
  };
  for (auto st : {number("minimum", out.minimum),
                  number("maximum", out.maximum),
                  number("multipleOf", out.multiple_of),
                  exclusive("exclusiveMinimum", out.exclusive_minimum,
                            out.exclusive_minimum_value),
                  exclusive("exclusiveMaximum", out.exclusive_maximum,
                            out.exclusive_maximum_value)}) {
    if (!st.ok()) {
      return st;
    }
  }
  if (out.multiple_of != nullptr && !(out.multiple_of->get<double>() > 0)) {
    return bad(where, "multipleOf", "must be greater than 0");
  }
  return {};
}

status compiler::arrays(const nlohmann::json& def, node& out,
                        const std::string& where) {
  if (auto it = def.find("items"); it != def.end()) {
    if (it->is_array()) {
      out.has_tuple_items = true;
      for (size_t i = 0; i < it->size(); ++i) {
        out.tuple_items.emplace_back();
        auto st = child((*it)[i], out.tuple_items.back(),
                        where + "/items/" + std::to_string(i));
        if (!st.ok()) {
          return st;
        }
      }
    } else if (auto st = child(*it, out.items, where + "/items"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("additionalItems"); it != def.end()) {
    if (it->is_boolean()) {
      out.additional_items_allowed = it->get<bool>();
    } else if (auto st = child(*it, out.additional_items,
                               where + "/additionalItems");
               !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("minItems"); it != def.end()) {
    if (auto st = count(*it, out.min_items, where, "minItems"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("maxItems"); it != def.end()) {
    if (auto st = count(*it, out.max_items, where, "maxItems"); !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("uniqueItems"); it != def.end()) {
    if (!it->is_boolean()) {
      return bad(where, "uniqueItems", "must be a boolean");
    }
    out.unique_items = it->get<bool>();
  }
  return {};
}

status compiler::objects(const nlohmann::json& def, node& out,
                         const std::string& where) {
  if (auto it = def.find("properties"); it != def.end()) {
    if (!it->is_object()) {
      return bad(where, "properties", "must be an object of schemas");
    }
    for (auto prop = it->begin(); prop != it->end(); ++prop) {
      out.properties.emplace_back(prop.key(), nullptr);
      auto st = child(*prop, out.properties.back().second,
                      where + "/properties/" + prop.key());
      if (!st.ok()) {
        return st;
      }
    }
  }
  if (auto it = def.find("patternProperties"); it != def.end()) {
    if (!it->is_object()) {
      return bad(where, "patternProperties", "must be an object of schemas");
    }
    for (auto prop = it->begin(); prop != it->end(); ++prop) {
      out.pattern_properties.emplace_back();
      auto& [compiled, sub] = out.pattern_properties.back();
      auto st = pattern(prop.key(), compiled, where, "patternProperties");
      if (st.ok()) {
        st = child(*prop, sub, where + "/patternProperties/" + prop.key());
      }
      if (!st.ok()) {
        return st;
      }
    }
  }
  if (auto it = def.find("additionalProperties"); it != def.end()) {
    if (it->is_boolean()) {
      out.additional_properties_allowed = it->get<bool>();
    } else if (auto st = child(*it, out.additional_properties,
                               where + "/additionalProperties");
               !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("required"); it != def.end()) {
    if (!it->is_array()) {
      return bad(where, "required", "must be an array of property names");
    }
    for (const auto& name : *it) {
      if (!name.is_string()) {
        return bad(where, "required", "must be an array of property names");
      }
      out.required.push_back(name.get<std::string>());
    }
  }
  return {};
}

status compiler::object_extras(const nlohmann::json& def, node& out,
                               const std::string& where) {
  if (auto it = def.find("minProperties"); it != def.end()) {
    if (auto st = count(*it, out.min_properties, where, "minProperties");
        !st.ok()) {
      return st;
    }
  }
  if (auto it = def.find("maxProperties"); it != def.end()) {
    if (auto st = count(*it, out.max_properties, where, "maxProperties");
        !st.ok()) {
      return st;
    }
  }
  auto it = def.find("dependencies");
  if (it == def.end()) {
    return {};
  }
  if (!it->is_object()) {
    return bad(where, "dependencies", "must be an object");
  }
  for (auto dep = it->begin(); dep != it->end(); ++dep) {
    auto& entry = out.dependencies.emplace_back();
    entry.property = dep.key();
    if (dep->is_array()) {
      for (const auto& name : *dep) {
        if (!name.is_string()) {
          return bad(where, "dependencies", "lists must hold property names");
        }
        entry.required.push_back(name.get<std::string>());
      }
    } else if (auto st = child(*dep, entry.schema,
                               where + "/dependencies/" + dep.key());
               !st.ok()) {
      return st;
    }
  }
  return {};
}

status compiler::combinators(const nlohmann::json& def, node& out,
                             const std::string& where) {
  std::array<std::pair<std::string_view, std::vector<node_ptr>*>, 3> lists{{
    {"allOf", &out.all_of},
    {"anyOf", &out.any_of},
    {"oneOf", &out.one_of},
  }};
  for (auto& [keyword, target] : lists) {
    if (auto it = def.find(keyword); it != def.end()) {
      if (auto st = children(*it, *target, where, keyword); !st.ok()) {
        return st;
      }
    }
  }
  if (auto it = def.find("not"); it != def.end()) {
    return child(*it, out.not_schema, where + "/not");
  }
  return {};
}

std::vector<std::pair<std::string, format_checker>>
merged_formats(std::vector<std::pair<std::string, format_checker>> custom) {
  std::vector<std::pair<std::string, format_checker>> all{
    {"uuid", is_uuid_like}, {"date-time", is_date_time},
    {"email", is_email},    {"ipv4", is_ipv4},
    {"ipv6", is_ipv6},      {"cidr", is_cidr},
    {"uri", is_uri},
  };
  // Later entries win in the compiler's lookup, so custom ones override.
  for (auto& entry : custom) {
    all.push_back(std::move(entry));
  }
  return all;
}

} // namespace

result<schema> schema::compile(const nlohmann::json& definition,
                               schema_options options) {
  // The nodes point into impl's copy of the definition and its format
  // list, so both are in place before compiling and never change after.
  auto self = std::make_shared<impl>();
  self->definition = definition;
  self->numeric_strings = options.numeric_strings;
  self->max_depth = options.max_depth;
  self->formats = merged_formats(std::move(options.formats));
  if (json_depth(self->definition, 256) > 256) {
    return status{errc::invalid_argument, "invalid schema: nested too deeply"};
  }
  compiler c{*self};
  if (auto st = c.compile(self->definition, self->root, "#"); !st.ok()) {
    return st;
  }
  return schema{std::move(self)};
}

} // namespace strato::api
