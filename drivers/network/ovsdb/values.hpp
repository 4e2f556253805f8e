#pragma once

/// OVSDB's JSON encodings of atoms, sets, maps and conditions (RFC 7047
/// 5.1), so that transactions read like the schema.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace strato::network::ovsdb {

using json = nlohmann::json;

inline json uuid(const std::string& id) {
  return json::array({"uuid", id});
}
inline json named_uuid(const std::string& name) {
  return json::array({"named-uuid", name});
}
inline json set(json elements) {
  return json::array({"set", std::move(elements)});
}
inline json empty_set() {
  return set(json::array());
}
inline json map(const std::map<std::string, std::string>& pairs) {
  auto entries = json::array();
  for (const auto& [key, value] : pairs) {
    entries.push_back(json::array({key, value}));
  }
  return json::array({"map", std::move(entries)});
}
inline json condition(const std::string& column, const std::string& op,
                      json value) {
  return json::array({column, op, std::move(value)});
}
inline json where_name(const std::string& name) {
  return json::array({condition("name", "==", name)});
}

/// The elements of a set column: a bare atom is a one-element set.
inline json set_elements(const json& value) {
  if (value.is_array() && value.size() == 2 && value[0] == "set") {
    return value[1];
  }
  return json::array({value});
}

/// A map column as a std::map; atoms are kept as their JSON text when not
/// strings.
inline std::map<std::string, std::string> map_entries(const json& value) {
  std::map<std::string, std::string> out;
  if (!value.is_array() || value.size() != 2 || value[0] != "map") {
    return out;
  }
  for (const auto& pair : value[1]) {
    out[pair[0].get<std::string>()] =
      pair[1].is_string() ? pair[1].get<std::string>() : pair[1].dump();
  }
  return out;
}

} // namespace strato::network::ovsdb
