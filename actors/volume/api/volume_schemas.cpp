#include "actors/volume/api/volume_schemas.hpp"

namespace strato::volume {

namespace {

using json = nlohmann::json;

const json nullable_text = {{"type", {"string", "null"}}, {"maxLength", 255}};
const json metadata = {{"type", {"object", "null"}},
                       {"patternProperties",
                        {{"^[a-zA-Z0-9-_:. /]{1,255}$",
                          {{"type", "string"}, {"maxLength", 255}}}}},
                       {"additionalProperties", false}};
const json optional_uuid = {{"type", {"string", "null"}}, {"format", "uuid"}};
const json size = {{"type", {"integer", "string", "null"}},
                   {"pattern", "^[0-9]+$"},
                   {"minimum", 1},
                   {"maximum", 2147483647}};
const json boolean = {{"type", {"boolean", "string"}},
                      {"enum", {true, false, "True", "False", "true", "false",
                                "1", "0", "yes", "no", "on", "off", "t", "f",
                                "y", "n"}}};

json wrap(const char* key, json inner, bool required_inner = true) {
  (void)required_inner;
  return {{"type", "object"},
          {"properties", {{key, std::move(inner)}}},
          {"required", {key}},
          {"additionalProperties", false}};
}

json object(json properties, json required = json::array(),
            bool additional = false) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", additional}};
}

api::schema compile(const json& def) {
  api::schema_options options;
  options.numeric_strings = true;
  auto compiled = api::schema::compile(def, options);
  if (!compiled) {
    throw std::logic_error("volume schema: " + compiled.error().message());
  }
  return *compiled;
}

volume_schemas build() {
  volume_schemas s{
    compile(
      {{"type", "object"},
       {"properties",
        {{"volume",
          object({{"name", nullable_text},
                  {"description", nullable_text},
                  {"display_name", nullable_text},
                  {"display_description", nullable_text},
                  {"volume_type", {{"type", {"string", "null"}}, {"maxLength", 255}}},
                  {"metadata", metadata},
                  {"snapshot_id", optional_uuid},
                  {"source_volid", optional_uuid},
                  {"backup_id", optional_uuid},
                  {"consistencygroup_id", optional_uuid},
                  {"size", size},
                  {"availability_zone", nullable_text},
                  {"multiattach", boolean},
                  {"image_id", nullable_text},
                  {"imageRef", nullable_text}},
                 json::array(), true)},
         {"OS-SCH-HNT:scheduler_hints", {{"type", {"object", "null"}}}}}},
       {"required", {"volume"}},
       {"additionalProperties", false}}),
    compile(wrap("volume", object({{"name", nullable_text},
                                   {"description", nullable_text},
                                   {"display_name", nullable_text},
                                   {"display_description", nullable_text},
                                   {"metadata", metadata}}))),
    compile(wrap("os-extend", object({{"new_size", size}}, {"new_size"}))),
    compile(wrap("os-reset_status",
                 object({{"status", {{"type", "string"}}},
                         {"attach_status", {{"type", "string"}, {"enum", {"attached", "detached"}}}},
                         {"migration_status", {{"type", "string"}}}}))),
    compile(wrap("snapshot", object({{"name", nullable_text},
                                     {"display_name", nullable_text},
                                     {"description", nullable_text},
                                     {"display_description", nullable_text},
                                     {"volume_id", {{"type", "string"}, {"format", "uuid"}}},
                                     {"force", boolean},
                                     {"metadata", metadata}},
                                    {"volume_id"}))),
    compile(wrap("snapshot", object({{"name", nullable_text},
                                     {"display_name", nullable_text},
                                     {"description", nullable_text},
                                     {"display_description", nullable_text}}))),
    compile(wrap("backup", object({{"volume_id", {{"type", "string"}, {"format", "uuid"}}},
                                   {"container", nullable_text},
                                   {"description", nullable_text},
                                   {"incremental", boolean},
                                   {"force", boolean},
                                   {"name", nullable_text},
                                   {"snapshot_id", optional_uuid},
                                   {"metadata", metadata},
                                   {"availability_zone", nullable_text}},
                                  {"volume_id"}))),
    compile(wrap("backup", object({{"name", nullable_text},
                                   {"description", nullable_text},
                                   {"metadata", metadata}}))),
    compile(wrap("restore", object({{"volume_id", optional_uuid},
                                    {"name", nullable_text}}))),
    compile(wrap("attachment",
                 object({{"instance_uuid", {{"type", "string"}, {"format", "uuid"}}},
                         {"connector", {{"type", {"object", "null"}}}},
                         {"volume_uuid", {{"type", "string"}, {"format", "uuid"}}},
                         {"mode", {{"type", "string"}, {"enum", {"rw", "ro"}}}}},
                        {"volume_uuid"}))),
    compile(wrap("attachment", object({{"connector", {{"type", "object"}, {"minProperties", 1}}}},
                                      {"connector"}))),
    compile(wrap("volume_type",
                 object({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
                         {"description", nullable_text},
                         {"is_public", boolean},
                         {"os-volume-type-access:is_public", boolean},
                         {"extra_specs", metadata}},
                        {"name"}))),
    compile(wrap("volume_type",
                 object({{"name", {{"type", {"string", "null"}}, {"minLength", 1}, {"maxLength", 255}}},
                         {"description", nullable_text},
                         {"is_public", boolean}}))),
    compile(wrap("extra_specs", metadata)),
    compile({{"type", "object"},
             {"properties",
              {{"quota_set", {{"type", "object"},
                              {"minProperties", 1},
                              {"additionalProperties",
                               {{"type", {"integer", "string"}}, {"pattern", "^-?[0-9]+$"}}}}}}},
             {"required", {"quota_set"}},
             {"additionalProperties", false}}),
    compile(wrap("metadata", metadata)),
    compile(wrap("meta", [] {
      auto one = metadata;
      one["type"] = "object";
      one["minProperties"] = 1;
      one["maxProperties"] = 1;
      return one;
    }())),
  };
  return s;
}

} // namespace

const volume_schemas& schemas() {
  static const volume_schemas compiled = build();
  return compiled;
}

result<uint64_t> parse_size(const json& value) {
  int64_t n = -1;
  if (value.is_number_integer()) {
    n = value.get<int64_t>();
  } else if (value.is_string()) {
    try {
      n = std::stoll(value.get<std::string>());
    } catch (const std::exception&) {
      n = -1;
    }
  }
  if (n <= 0) {
    return status{errc::invalid_argument,
                  "Invalid input received: Invalid volume size provided for "
                  "create request: " + (value.is_string() ? value.get<std::string>() : value.dump())
                    + " (size argument must be an integer (or string "
                      "representation of an integer) and greater than zero)."};
  }
  return static_cast<uint64_t>(n);
}

} // namespace strato::volume
