// keystone/common/validation/parameter_types.py and
// keystone/resource/schema.py: projects and domains.

#include <algorithm>

#include "actors/identity/service/schemas.hpp"

namespace strato::identity::internal {

using json = nlohmann::json;

json name_type(int max_length) {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", max_length},
          {"pattern", R"([\S]+)"}};
}

json id_string() {
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 64},
          {"pattern", "^[a-zA-Z0-9-]+$"}};
}

json boolean_type() {
  return {{"type", "boolean"}, {"enum", {true, false}}};
}

json description_type() {
  return {{"type", "string"}};
}

json nullable(json schema) {
  schema["type"] = json::array({schema["type"], "null"});
  if (auto it = schema.find("enum");
      it != schema.end() && std::find(it->begin(), it->end(), nullptr) == it->end()) {
    it->push_back(nullptr);
  }
  return schema;
}

json boolean_options(std::initializer_list<const char*> names) {
  json properties = json::object();
  for (const auto* name : names) {
    properties[name] = nullable(boolean_type());
  }
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"additionalProperties", false}};
}

namespace {

/// Tags follow the API-WG guideline: no '/' or ','.
json project_tags() {
  return {{"type", "array"},
          {"items",
           {{"type", "string"},
            {"minLength", 1},
            {"maxLength", 255},
            {"pattern", "^[^,/]*$"}}},
          {"required", json::array()},
          {"maxItems", 80},
          {"uniqueItems", true}};
}

json project_properties() {
  return {{"description", nullable(description_type())},
          // Nullable for projects acting as a domain.
          {"domain_id", nullable(id_string())},
          {"enabled", boolean_type()},
          {"is_domain", boolean_type()},
          {"parent_id", nullable(id_string())},
          {"name", name_type(64)},
          {"tags", project_tags()},
          {"options", boolean_options({"immutable"})}};
}

json domain_properties() {
  return {{"description", nullable(description_type())},
          {"enabled", boolean_type()},
          {"name", name_type(64)},
          {"tags", project_tags()}};
}

} // namespace

json project_create() {
  return {{"type", "object"},
          {"properties", project_properties()},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json project_update() {
  return {{"type", "object"},
          {"properties", project_properties()},
          {"minProperties", 1},
          {"additionalProperties", true}};
}

json domain_create() {
  return {{"type", "object"},
          {"properties", domain_properties()},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json domain_update() {
  return {{"type", "object"},
          {"properties", domain_properties()},
          {"minProperties", 1},
          {"additionalProperties", true}};
}

} // namespace strato::identity::internal
