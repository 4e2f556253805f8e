#include <algorithm>
#include <charconv>
#include <cmath>

#include "runtime/api/json_values.hpp"
#include "runtime/api/python_repr.hpp"
#include "runtime/api/schema_node.hpp"
#include "runtime/api/utf8.hpp"

namespace strato::api {

namespace {

using internal::node;
using value_t = nlohmann::json::value_t;

/// One validation run. With `want_message` off (inside anyOf/oneOf/not,
/// and for is_valid) failures cost no string building.
struct context {
  const schema::impl& owner;
  bool want_message;
  validation_error error; ///< Path is collected leaf-first.
};

template <class Reason>
bool fail(context& ctx, const nlohmann::json& value, Reason&& reason) {
  if (ctx.want_message) {
    ctx.error.path.clear();
    ctx.error.value = valid_utf8(python_str(value));
    ctx.error.reason = reason();
  }
  return false;
}

bool run(context& ctx, const node& n, const nlohmann::json& value);

bool descend(context& ctx, const node& n, const nlohmann::json& value,
             std::string_view segment) {
  if (run(ctx, n, value)) {
    return true;
  }
  if (ctx.want_message) {
    ctx.error.path.push_back(valid_utf8(segment));
  }
  return false;
}

bool descend(context& ctx, const node& n, const nlohmann::json& value,
             size_t index) {
  if (run(ctx, n, value)) {
    return true;
  }
  if (ctx.want_message) {
    ctx.error.path.push_back(std::to_string(index));
  }
  return false;
}

bool probe(const context& ctx, const node& n, const nlohmann::json& value) {
  context quiet{ctx.owner, false, {}};
  return run(quiet, n, value);
}

uint8_t type_of(const nlohmann::json& value) {
  switch (value.type()) {
    case value_t::null:
      return internal::type_null;
    case value_t::boolean:
      return internal::type_boolean;
    case value_t::number_integer:
    case value_t::number_unsigned:
      return internal::type_integer | internal::type_number;
    case value_t::number_float:
      return internal::type_number;
    case value_t::string:
      return internal::type_string;
    case value_t::array:
      return internal::type_array;
    case value_t::object:
      return internal::type_object;
    default:
      return 0;
  }
}

std::string joined_reprs(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += python_quote(item);
  }
  return out;
}

bool check_type(context& ctx, const node& n, const nlohmann::json& value) {
  if (n.types == 0 || (type_of(value) & n.types) != 0) {
    return true;
  }
  return fail(ctx, value, [&] {
    return python_repr(value) + " is not of type " + joined_reprs(n.type_names);
  });
}

bool check_values(context& ctx, const node& n, const nlohmann::json& value) {
  if (n.enum_values != nullptr
      && std::none_of(n.enum_values->begin(), n.enum_values->end(),
                      [&](const auto& e) { return json_equal(value, e); })) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " is not one of "
             + python_repr(*n.enum_values);
    });
  }
  if (n.const_value != nullptr && !json_equal(value, *n.const_value)) {
    return fail(ctx, value,
                [&] { return python_repr(*n.const_value) + " was expected"; });
  }
  return true;
}

bool check_string(context& ctx, const node& n, const nlohmann::json& value) {
  if (!value.is_string()) {
    return true;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (n.min_length || n.max_length) {
    auto length = code_point_count(text);
    if (n.min_length && length < *n.min_length) {
      return fail(ctx, value,
                  [&] { return python_repr(value) + " is too short"; });
    }
    if (n.max_length && length > *n.max_length) {
      return fail(ctx, value,
                  [&] { return python_repr(value) + " is too long"; });
    }
  }
  if (n.pattern && !std::regex_search(text, n.pattern->regex)) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " does not match "
             + python_quote(n.pattern->source);
    });
  }
  if (n.format != nullptr && !(*n.format)(text)) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " is not a " + python_quote(n.format_name);
    });
  }
  return true;
}

/// Python's int(text), then float(text): what Nova's validator applies
/// minimum/maximum to when a numeric field arrives as a string.
std::optional<nlohmann::json> number_from_string(std::string_view text) {
  constexpr std::string_view space = " \t\n\r\v\f";
  auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  text = text.substr(first, text.find_last_not_of(space) - first + 1);
  bool negative = text.front() == '-';
  auto body = (text.front() == '+' || negative) ? text.substr(1) : text;
  if (body.empty() || body.front() == '+' || body.front() == '-') {
    return std::nullopt;
  }
  auto end = body.data() + body.size();
  int64_t integer = 0;
  auto [int_end, int_ec] = std::from_chars(negative ? text.data() : body.data(),
                                           end, integer);
  if (int_ec == std::errc{} && int_end == end) {
    return nlohmann::json(integer);
  }
  double real = 0;
  auto [real_end, real_ec] = std::from_chars(body.data(), end, real);
  if ((real_ec == std::errc{} || real_ec == std::errc::result_out_of_range)
      && real_end == end) {
    return nlohmann::json(negative ? -real : real);
  }
  return std::nullopt;
}

bool check_bounds(context& ctx, const node& n, const nlohmann::json& original,
                  const nlohmann::json& number) {
  auto bound = [&](const nlohmann::json* limit, bool exclusive, bool lower,
                   std::string_view which) {
    if (limit == nullptr) {
      return true;
    }
    auto order = compare_numbers(number, *limit);
    auto ok = lower ? (exclusive ? order > 0 : order >= 0)
                    : (exclusive ? order < 0 : order <= 0);
    if (ok) {
      return true;
    }
    return fail(ctx, original, [&] {
      std::string relation = lower ? "less than" : "greater than";
      if (exclusive) {
        relation += " or equal to";
      }
      return python_repr(number) + " is " + relation + " the "
             + std::string{which} + " of " + python_repr(*limit);
    });
  };
  return bound(n.minimum, n.exclusive_minimum, true, "minimum")
         && bound(n.maximum, n.exclusive_maximum, false, "maximum")
         && bound(n.exclusive_minimum_value, true, true, "minimum")
         && bound(n.exclusive_maximum_value, true, false, "maximum");
}

bool is_multiple(const nlohmann::json& value, const nlohmann::json& divisor) {
  if (!value.is_number_float() && !divisor.is_number_float()) {
    if (value.is_number_unsigned() || value.get<int64_t>() >= 0) {
      return value.get<uint64_t>() % divisor.get<uint64_t>() == 0;
    }
    auto magnitude = 0 - static_cast<uint64_t>(value.get<int64_t>());
    return magnitude % divisor.get<uint64_t>() == 0;
  }
  auto x = value.get<double>();
  auto d = divisor.get<double>();
  if (divisor.is_number_float()) {
    auto quotient = x / d;
    if (std::isfinite(quotient)) {
      return std::trunc(quotient) == quotient;
    }
  }
  return std::fmod(x, d) == 0;
}

bool check_number(context& ctx, const node& n, const nlohmann::json& value) {
  if (value.is_number()) {
    if (!check_bounds(ctx, n, value, value)) {
      return false;
    }
    if (n.multiple_of != nullptr && !is_multiple(value, *n.multiple_of)) {
      return fail(ctx, value, [&] {
        return python_repr(value) + " is not a multiple of "
               + python_str(*n.multiple_of);
      });
    }
    return true;
  }
  if (ctx.owner.numeric_strings && value.is_string()
      && (n.minimum != nullptr || n.maximum != nullptr)) {
    if (auto number = number_from_string(value.get_ref<const std::string&>())) {
      return check_bounds(ctx, n, value, *number);
    }
  }
  return true;
}

std::string extras_message(const std::vector<std::string>& names,
                           std::string_view what) {
  auto verb = names.size() == 1 ? "was" : "were";
  return "Additional " + std::string{what} + " are not allowed ("
         + joined_reprs(names) + " " + verb + " unexpected)";
}

bool check_array(context& ctx, const node& n, const nlohmann::json& value) {
  if (!value.is_array()) {
    return true;
  }
  if (n.items) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (!descend(ctx, *n.items, value[i], i)) {
        return false;
      }
    }
  }
  if (n.has_tuple_items) {
    auto shared = std::min(value.size(), n.tuple_items.size());
    for (size_t i = 0; i < shared; ++i) {
      if (!descend(ctx, *n.tuple_items[i], value[i], i)) {
        return false;
      }
    }
    for (size_t i = shared; i < value.size() && n.additional_items; ++i) {
      if (!descend(ctx, *n.additional_items, value[i], i)) {
        return false;
      }
    }
    if (!n.additional_items_allowed && value.size() > n.tuple_items.size()) {
      return fail(ctx, value, [&] {
        std::string extras;
        for (size_t i = n.tuple_items.size(); i < value.size(); ++i) {
          extras += extras.empty() ? "" : ", ";
          extras += python_repr(value[i]);
        }
        auto verb = value.size() - n.tuple_items.size() == 1 ? "was" : "were";
        return "Additional items are not allowed (" + extras + " " + verb
               + " unexpected)";
      });
    }
  }
  if (n.min_items && value.size() < *n.min_items) {
    return fail(ctx, value,
                [&] { return python_repr(value) + " is too short"; });
  }
  if (n.max_items && value.size() > *n.max_items) {
    return fail(ctx, value, [&] { return python_repr(value) + " is too long"; });
  }
  if (n.unique_items && value.size() > 1) {
    std::vector<std::string> keys;
    keys.reserve(value.size());
    for (const auto& item : value) {
      keys.push_back(canonical_key(item));
    }
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
      return fail(ctx, value, [&] {
        return python_repr(value) + " has non-unique elements";
      });
    }
  }
  return true;
}

bool matches_any_pattern(const node& n, const std::string& key) {
  return std::any_of(n.pattern_properties.begin(), n.pattern_properties.end(),
                     [&](const auto& entry) {
                       return std::regex_search(key, entry.first.regex);
                     });
}

bool is_declared(const node& n, const std::string& key) {
  auto it = std::lower_bound(
    n.properties.begin(), n.properties.end(), key,
    [](const auto& entry, const std::string& k) { return entry.first < k; });
  return it != n.properties.end() && it->first == key;
}

bool check_additional(context& ctx, const node& n,
                      const nlohmann::json& value) {
  if (n.additional_properties_allowed && !n.additional_properties) {
    return true;
  }
  std::vector<std::string> extras;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!is_declared(n, it.key()) && !matches_any_pattern(n, it.key())) {
      if (n.additional_properties) {
        if (!descend(ctx, *n.additional_properties, *it, it.key())) {
          return false;
        }
      } else {
        extras.push_back(it.key());
      }
    }
  }
  if (extras.empty()) {
    return true;
  }
  return fail(ctx, value, [&] {
    if (n.pattern_properties.empty()) {
      return extras_message(extras, "properties");
    }
    std::vector<std::string> patterns;
    for (const auto& entry : n.pattern_properties) {
      patterns.push_back(entry.first.source);
    }
    std::sort(patterns.begin(), patterns.end());
    auto verb = extras.size() == 1 ? " does" : " do";
    return joined_reprs(extras) + verb + " not match any of the regexes: "
           + joined_reprs(patterns);
  });
}

bool check_object(context& ctx, const node& n, const nlohmann::json& value) {
  if (!value.is_object()) {
    return true;
  }
  for (const auto& [name, sub] : n.properties) {
    auto it = value.find(name);
    if (it != value.end() && !descend(ctx, *sub, *it, name)) {
      return false;
    }
  }
  for (const auto& [pattern, sub] : n.pattern_properties) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (std::regex_search(it.key(), pattern.regex)
          && !descend(ctx, *sub, *it, it.key())) {
        return false;
      }
    }
  }
  for (const auto& name : n.required) {
    if (!value.contains(name)) {
      return fail(ctx, value,
                  [&] { return python_quote(name) + " is a required property"; });
    }
  }
  if (!check_additional(ctx, n, value)) {
    return false;
  }
  if (n.min_properties && value.size() < *n.min_properties) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " does not have enough properties";
    });
  }
  if (n.max_properties && value.size() > *n.max_properties) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " has too many properties";
    });
  }
  for (const auto& dep : n.dependencies) {
    if (!value.contains(dep.property)) {
      continue;
    }
    for (const auto& name : dep.required) {
      if (!value.contains(name)) {
        return fail(ctx, value, [&] {
          return python_quote(name) + " is a dependency of "
                 + python_quote(dep.property);
        });
      }
    }
    if (dep.schema && !run(ctx, *dep.schema, value)) {
      return false;
    }
  }
  return true;
}

bool check_combinators(context& ctx, const node& n,
                       const nlohmann::json& value) {
  for (const auto& sub : n.all_of) {
    if (!run(ctx, *sub, value)) {
      return false;
    }
  }
  auto none_valid = [&] {
    return fail(ctx, value, [&] {
      return python_repr(value) + " is not valid under any of the given schemas";
    });
  };
  if (!n.any_of.empty()
      && std::none_of(n.any_of.begin(), n.any_of.end(),
                      [&](const auto& sub) { return probe(ctx, *sub, value); })) {
    return none_valid();
  }
  if (!n.one_of.empty()) {
    auto first = std::find_if(
      n.one_of.begin(), n.one_of.end(),
      [&](const auto& sub) { return probe(ctx, *sub, value); });
    if (first == n.one_of.end()) {
      return none_valid();
    }
    std::vector<const node*> also;
    for (auto it = std::next(first); it != n.one_of.end(); ++it) {
      if (probe(ctx, **it, value)) {
        also.push_back(it->get());
      }
    }
    if (!also.empty()) {
      also.push_back(first->get());
      return fail(ctx, value, [&] {
        std::string schemas;
        for (const auto* sub : also) {
          schemas += schemas.empty() ? "" : ", ";
          schemas += python_repr(*sub->definition);
        }
        return python_repr(value) + " is valid under each of " + schemas;
      });
    }
  }
  if (n.not_schema && probe(ctx, *n.not_schema, value)) {
    return fail(ctx, value, [&] {
      return python_repr(value) + " should not be valid under "
             + python_repr(*n.not_schema->definition);
    });
  }
  return true;
}

bool run(context& ctx, const node& n, const nlohmann::json& value) {
  return check_type(ctx, n, value) && check_values(ctx, n, value)
         && check_string(ctx, n, value) && check_number(ctx, n, value)
         && check_array(ctx, n, value) && check_object(ctx, n, value)
         && check_combinators(ctx, n, value);
}

std::optional<validation_error> too_deep(size_t limit) {
  return validation_error{
    {}, {}, "The value is nested deeper than " + std::to_string(limit) + " levels"};
}

} // namespace

std::string validation_error::message(message_style style) const {
  if (path.empty()) {
    return reason;
  }
  switch (style) {
    case message_style::nova_query:
      return "Invalid input for query parameters " + path.front()
             + ". Value: " + value + ". " + reason;
    case message_style::keystone: {
      std::string joined;
      for (const auto& segment : path) {
        joined += joined.empty() ? "" : "/";
        joined += segment;
      }
      return "Invalid input for field '" + joined + "': " + reason;
    }
    case message_style::nova_body:
      break;
  }
  return "Invalid input for field/attribute " + path.back() + ". Value: "
         + value + ". " + reason;
}

std::optional<validation_error>
schema::check(const nlohmann::json& instance) const {
  // Checked up front so that nothing below (comparisons, repr) recurses
  // deeper than the limit, whatever built the value.
  if (json_depth(instance, self_->max_depth) > self_->max_depth) {
    return too_deep(self_->max_depth);
  }
  context ctx{*self_, true, {}};
  if (run(ctx, self_->root, instance)) {
    return std::nullopt;
  }
  std::reverse(ctx.error.path.begin(), ctx.error.path.end());
  return std::move(ctx.error);
}

status schema::validate(const nlohmann::json& instance,
                        message_style style) const {
  auto error = check(instance);
  if (!error) {
    return status::success();
  }
  return {errc::invalid_argument, error->message(style)};
}

bool schema::is_valid(const nlohmann::json& instance) const {
  if (json_depth(instance, self_->max_depth) > self_->max_depth) {
    return false;
  }
  context ctx{*self_, false, {}};
  return run(ctx, self_->root, instance);
}

const nlohmann::json& schema::definition() const noexcept {
  return self_->definition;
}

} // namespace strato::api
