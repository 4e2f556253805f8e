#include "actors/image/model/image_patch.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace strato::image {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 13> read_only{
  "id",         "status",     "checksum",   "os_hash_algo", "os_hash_value",
  "size",       "virtual_size", "created_at", "updated_at",  "direct_url",
  "self",       "file",       "schema"};

constexpr std::array<std::string_view, 3> reserved{"location", "deleted",
                                                    "deleted_at"};

bool one_of(std::string_view name, auto const& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

status bad(std::string message) {
  return {errc::invalid_argument, std::move(message)};
}

status type_error(const std::string& name, const char* type) {
  return bad("Invalid value for '" + name + "': expected " + type + ".");
}

/// Sets base attribute `name` from `value`; false when `name` is no
/// settable base attribute.
result<bool> set_base(v1::ImageAttributes& attrs, const std::string& name,
                      const json& value) {
  auto set_optional_string = [&](auto set, auto clear) -> result<bool> {
    if (value.is_null()) {
      clear();
    } else if (value.is_string()) {
      set(value.get<std::string>());
    } else {
      return type_error(name, "a string or null");
    }
    return true;
  };
  auto set_int = [&](auto set) -> result<bool> {
    if (!value.is_number_integer()) {
      return type_error(name, "an integer");
    }
    set(value.get<int64_t>());
    return true;
  };
  auto set_bool = [&](auto set) -> result<bool> {
    if (!value.is_boolean()) {
      return type_error(name, "a boolean");
    }
    set(value.get<bool>());
    return true;
  };
  if (name == "name") {
    return set_optional_string([&](std::string v) { attrs.set_name(v); },
                               [&] { attrs.clear_name(); });
  }
  if (name == "disk_format") {
    return set_optional_string([&](std::string v) { attrs.set_disk_format(v); },
                               [&] { attrs.clear_disk_format(); });
  }
  if (name == "container_format") {
    return set_optional_string(
      [&](std::string v) { attrs.set_container_format(v); },
      [&] { attrs.clear_container_format(); });
  }
  if (name == "visibility") {
    if (!value.is_string()) {
      return type_error(name, "a string");
    }
    attrs.set_visibility(value.get<std::string>());
    return true;
  }
  if (name == "min_ram") {
    return set_int([&](int64_t v) { attrs.set_min_ram(v); });
  }
  if (name == "min_disk") {
    return set_int([&](int64_t v) { attrs.set_min_disk(v); });
  }
  if (name == "protected") {
    return set_bool([&](bool v) { attrs.set_protected_(v); });
  }
  if (name == "os_hidden") {
    return set_bool([&](bool v) { attrs.set_os_hidden(v); });
  }
  if (name == "tags") {
    if (!value.is_array()) {
      return type_error(name, "an array of strings");
    }
    attrs.clear_tags();
    for (const auto& tag : value) {
      if (!tag.is_string()) {
        return type_error(name, "an array of strings");
      }
      auto text = tag.get<std::string>();
      const auto& tags = attrs.tags();
      if (std::find(tags.begin(), tags.end(), text) == tags.end()) {
        attrs.add_tags(text);
      }
    }
    return true;
  }
  return false;
}

/// add/remove/replace at "/tags/<index>" or "/tags/-".
status patch_tag(v1::ImageAttributes& attrs, const std::string& op,
                 const std::string& index, const json& value) {
  std::vector<std::string> tags(attrs.tags().begin(), attrs.tags().end());
  size_t pos = tags.size();
  if (index != "-") {
    if (index.empty() || !std::all_of(index.begin(), index.end(), ::isdigit)) {
      return bad("Invalid JSON pointer for this resource: '/tags/" + index + "'");
    }
    pos = std::stoul(index);
  }
  if (op == "add") {
    if (!value.is_string() || pos > tags.size()) {
      return bad("Invalid tag operation.");
    }
    tags.insert(tags.begin() + static_cast<long>(pos), value.get<std::string>());
  } else if (pos >= tags.size()) {
    return {errc::conflict, "Tag index " + index + " does not exist."};
  } else if (op == "remove") {
    tags.erase(tags.begin() + static_cast<long>(pos));
  } else {
    if (!value.is_string()) {
      return bad("Invalid tag operation.");
    }
    tags[pos] = value.get<std::string>();
  }
  auto set = set_base(attrs, "tags", json(tags));
  return set ? status{} : set.error();
}

status apply_op(v1::ImageAttributes& attrs, const json& op) {
  if (!op.is_object() || !op.contains("op") || !op.contains("path")
      || !op["op"].is_string() || !op["path"].is_string()) {
    return bad("Unable to find 'op' or 'path' in JSON Schema change");
  }
  auto kind = op["op"].get<std::string>();
  auto path = op["path"].get<std::string>();
  if (kind != "add" && kind != "replace" && kind != "remove") {
    return bad("Operation objects must contain exactly one member named "
               "\"add\", \"remove\", or \"replace\".");
  }
  if ((kind != "remove") && !op.contains("value")) {
    return bad("Operation \"" + kind + "\" requires a member named \"value\".");
  }
  if (path.size() < 2 || path[0] != '/') {
    return bad("Pointer `" + path + "` does not start with \"/\".");
  }
  auto name = path.substr(1);
  if (name.rfind("tags/", 0) == 0) {
    return patch_tag(attrs, kind, name.substr(5), op.value("value", json{}));
  }
  if (name.find('/') != std::string::npos) {
    return bad("Nested paths are not allowed");
  }
  if (one_of(name, read_only)) {
    return {errc::forbidden, "Attribute '" + name + "' is read-only."};
  }
  if (one_of(name, reserved)) {
    return {errc::forbidden, "Attribute '" + name + "' is reserved."};
  }
  if (name == "owner" || name == "locations") {
    return {errc::forbidden, "Attribute '" + name + "' may not be changed."};
  }
  if (is_base_attribute(name)) {
    if (kind == "remove") {
      return {errc::forbidden, "Properties " + name + " can't be removed."};
    }
    auto set = set_base(attrs, name, op["value"]);
    return set ? status{} : set.error();
  }
  auto& props = *attrs.mutable_properties();
  bool exists = props.contains(name);
  if (kind != "add" && !exists) {
    return {errc::conflict, "Property " + name + " does not exist."};
  }
  if (kind == "remove") {
    props.erase(name);
    return {};
  }
  if (!op["value"].is_string()) {
    return bad("Provided object does not match schema 'image': "
               + op["value"].dump() + " is not of type 'string'");
  }
  props[name] = op["value"].get<std::string>();
  return {};
}

} // namespace

result<v1::ImageAttributes> apply_patch(const v1::ImageAttributes& current,
                                        const json& ops) {
  if (!ops.is_array()) {
    return bad("Request body must be a JSON array of operation objects.");
  }
  auto next = current;
  for (const auto& op : ops) {
    if (auto ok = apply_op(next, op); !ok.ok()) {
      return ok;
    }
  }
  return next;
}

result<v1::ImageAttributes> attributes_from_create(const json& body) {
  if (!body.is_object()) {
    return bad("Body expected in request.");
  }
  v1::ImageAttributes attrs;
  attrs.set_visibility("shared"); // Glance's default for new images.
  for (const auto& [key, value] : body.items()) {
    if (key == "id") {
      continue; // A client may choose the id; the caller reads it.
    }
    if (one_of(key, read_only) || one_of(key, reserved)) {
      return status{errc::forbidden, "Attribute '" + key + "' is read-only."};
    }
    if (key == "owner" || key == "locations") {
      continue; // Owner comes from the token; locations are not supported.
    }
    if (is_base_attribute(key)) {
      auto set = set_base(attrs, key, value);
      if (!set) {
        return set.error();
      }
      continue;
    }
    if (!value.is_string()) {
      return bad("Provided object does not match schema 'image': "
                 + value.dump() + " is not of type 'string'");
    }
    (*attrs.mutable_properties())[key] = value.get<std::string>();
  }
  if (auto ok = validate_attributes(attrs); !ok.ok()) {
    return ok;
  }
  return attrs;
}

} // namespace strato::image
