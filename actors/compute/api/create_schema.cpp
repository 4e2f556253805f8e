// Nova's POST /servers schema (nova/api/openstack/compute/schemas/
// servers.py) for the parts that change with the microversion: networks
// (a list, or "none"/"auto" and required from 2.37) and the block device
// mappings (tag from 2.42, volume_type from 2.67).

#include "actors/compute/api/create_request.hpp"

namespace strato::compute {

namespace {

json uuid_type() {
  return {{"type", "string"}, {"format", "uuid"}};
}

json boolean_type() {
  return {{"type", json::array({"boolean", "string"})},
          {"enum", json::array({true, "True", "TRUE", "true", "1", "ON",
                                "On", "on", "YES", "Yes", "yes", false,
                                "False", "FALSE", "false", "0", "OFF", "Off",
                                "off", "NO", "No", "no"})}};
}

json tag_type() {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 60},
          {"pattern", "^[^,/]*$"}};
}

json short_string() {
  return {{"type", "string"}, {"maxLength", 255}};
}

json legacy_bdm_properties() {
  return {
    {"virtual_name", short_string()},
    {"volume_id", uuid_type()},
    {"snapshot_id", uuid_type()},
    {"volume_size", {{"type", json::array({"integer", "string"})},
                     {"pattern", "^[0-9]+$"},
                     {"minimum", 1},
                     {"maximum", 0x7FFFFFFF}}},
    {"device_name", {{"type", "string"},
                     {"minLength", 1},
                     {"maxLength", 255},
                     {"pattern", "^[a-zA-Z0-9._-r/]*$"}}},
    {"delete_on_termination", boolean_type()},
    {"no_device", json::object()},
    {"connection_info", {{"type", "string"}, {"maxLength", 16777215}}},
  };
}

json bdm_v2_item(bool with_tag, bool with_volume_type) {
  auto props = legacy_bdm_properties();
  props["source_type"] = {{"type", "string"},
                          {"enum", {"volume", "image", "snapshot", "blank"}}};
  props["uuid"] = {{"type", "string"},
                   {"minLength", 1},
                   {"maxLength", 255},
                   {"pattern", "^[a-zA-Z0-9._-]*$"}};
  props["image_id"] = uuid_type();
  props["destination_type"] = {{"type", "string"},
                               {"enum", {"local", "volume"}}};
  props["guest_format"] = short_string();
  props["device_type"] = short_string();
  props["disk_bus"] = short_string();
  props["boot_index"] = {{"type", json::array({"integer", "string", "null"})},
                         {"pattern", "^-?[0-9]+$"}};
  if (with_tag) {
    props["tag"] = tag_type();
  }
  if (with_volume_type) {
    props["volume_type"] = {{"type", json::array({"string", "null"})},
                            {"minLength", 0},
                            {"maxLength", 255}};
  }
  return {{"type", "object"},
          {"properties", props},
          {"additionalProperties", false}};
}

json network_item(bool uuid_format, bool with_tag) {
  json props{
    {"fixed_ip", {{"type", "string"}}},
    {"port", {{"oneOf", json::array({uuid_type(), {{"type", "null"}}})}}},
    {"uuid", uuid_format ? uuid_type() : json{{"type", "string"}}},
  };
  if (with_tag) {
    props["tag"] = tag_type();
  }
  return {{"type", "object"},
          {"properties", props},
          {"additionalProperties", false}};
}

json networks_type(uint32_t minor) {
  if (minor < 37) {
    return {{"type", "array"}, {"items", network_item(false, minor == 32)}};
  }
  return {{"oneOf", json::array({
             {{"type", "array"}, {"items", network_item(true, minor >= 42)}},
             {{"type", "string"}, {"enum", {"none", "auto"}}},
           })}};
}

json server_schema(uint32_t minor) {
  json props{
    {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
    {"imageRef", {{"type", json::array({"string", "null"})}}},
    {"flavorRef",
     {{"type", json::array({"string", "integer"})}, {"minLength", 1}}},
    {"min_count", {{"type", json::array({"integer", "string"})},
                   {"pattern", "^[0-9]*$"}, {"minimum", 1}}},
    {"max_count", {{"type", json::array({"integer", "string"})},
                   {"pattern", "^[0-9]*$"}, {"minimum", 1}}},
    {"metadata", {{"type", "object"},
                  {"additionalProperties",
                   {{"type", "string"}, {"maxLength", 255}}}}},
    {"key_name", {{"type", "string"}}},
    {"tags", {{"type", "array"}, {"maxItems", 50},
              {"items", {{"type", "string"}, {"maxLength", 60}}}}},
    {"networks", networks_type(minor)},
    {"block_device_mapping",
     {{"type", "array"},
      {"items", {{"type", "object"},
                 {"properties", legacy_bdm_properties()},
                 {"additionalProperties", false}}}}},
    {"block_device_mapping_v2",
     {{"type", "array"},
      {"items", bdm_v2_item(minor == 32 || minor >= 42, minor >= 67)}}},
  };
  auto required = json::array({"name", "flavorRef"});
  if (minor >= 37) {
    required.push_back("networks");
  }
  return {{"type", "object"},
          {"properties", {{"server", {{"type", "object"},
                                      {"properties", props},
                                      {"required", required}}}}},
          {"required", json::array({"server"})}};
}

} // namespace

const api::schema& create_schema(const call& c) {
  // The versions at which the schema changes: 2.32 (tags), 2.37 (networks),
  // 2.42 (tags again), 2.67 (volume_type).
  static const api::schema before_32 = compile_schema(server_schema(31));
  static const api::schema at_32 = compile_schema(server_schema(32));
  static const api::schema from_37 = compile_schema(server_schema(37));
  static const api::schema from_42 = compile_schema(server_schema(42));
  static const api::schema from_67 = compile_schema(server_schema(67));
  if (c.at_least(67)) {
    return from_67;
  }
  if (c.at_least(42)) {
    return from_42;
  }
  if (c.at_least(37)) {
    return from_37;
  }
  return c.at_least(32) && !c.at_least(33) ? at_32 : before_32;
}

} // namespace strato::compute
