// keystone/assignment/schema.py (roles), keystone/application_credential/
// schema.py and keystone/auth/schema.py (token issue).

#include "actors/identity/service/schemas.hpp"

namespace strato::identity::internal {

using json = nlohmann::json;

namespace {

json string_type() {
  return {{"type", "string"}};
}

/// `{"id": ..., "name": ...}`, both strings, as token_issue names domains.
json id_name_ref() {
  return {{"type", "object"},
          {"properties", {{"id", string_type()}, {"name", string_type()}}}};
}

json role_properties() {
  return {{"name", name_type()},
          {"description", description_type()},
          {"options", boolean_options({"immutable"})},
          // Strato: Keystone reads domain_id as an undeclared property and
          // fails on a wrong type only when looking the domain up.
          {"domain_id", nullable(id_string())}};
}

json role_references() {
  return {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"id", id_string()}, {"name", name_type()}}},
            {"minProperties", 1},
            {"maxProperties", 1},
            {"additionalProperties", false}}}};
}

json access_rules() {
  return {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"path",
               {{"type", "string"},
                {"minLength", 0},
                {"maxLength", 225},
                {"pattern", R"(^\/.*)"}}},
              {"method",
               {{"type", "string"},
                {"pattern", "^(POST|GET|HEAD|PATCH|PUT|DELETE)$"}}},
              {"service", id_string()},
              {"id", id_string()}}},
            {"additionalProperties", false}}}};
}

json password_method() {
  json user{{"type", "object"},
            {"properties",
             {{"id", string_type()},
              {"name", string_type()},
              {"password", string_type()},
              {"domain", id_name_ref()}}}};
  return {{"type", "object"}, {"properties", {{"user", std::move(user)}}}};
}

/// Strato: Keystone has no schema for this method (its plugin checks the
/// fields by hand and fails on a wrong type later); we type the same
/// fields so that a wrong type is a 400 like the other methods'.
json application_credential_method() {
  json user{{"type", "object"},
            {"properties",
             {{"id", string_type()},
              {"name", string_type()},
              {"domain", id_name_ref()}}}};
  return {{"type", "object"},
          {"properties",
           {{"id", string_type()},
            {"name", string_type()},
            {"secret", string_type()},
            {"user", std::move(user)}}}};
}

json identity_type() {
  return {{"type", "object"},
          {"properties",
           {{"methods", {{"type", "array"}, {"items", string_type()}}},
            {"password", password_method()},
            {"token",
             {{"type", "object"},
              {"properties", {{"id", string_type()}}},
              {"required", json::array({"id"})}}},
            {"application_credential", application_credential_method()}}},
          {"required", json::array({"methods"})}};
}

json scope_type() {
  json project = id_name_ref();
  project["properties"]["domain"] = id_name_ref();
  // "unscoped" as a string; old keystoneauth sends {"unscoped": {}}.
  return {{"type", json::array({"object", "string"})},
          {"properties",
           {{"project", std::move(project)},
            {"domain", id_name_ref()},
            {"OS-TRUST:trust",
             {{"type", "object"}, {"properties", {{"id", string_type()}}}}},
            {"system",
             {{"type", "object"},
              {"properties", {{"all", boolean_type()}}}}}}}};
}

} // namespace

json role_create() {
  return {{"type", "object"},
          {"properties", role_properties()},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json role_update() {
  return {{"type", "object"},
          {"properties", role_properties()},
          {"minProperties", 1},
          {"additionalProperties", true}};
}

json application_credential_create() {
  return {{"type", "object"},
          {"properties",
           {{"name", name_type()},
            {"description", nullable(description_type())},
            {"secret", {{"type", json::array({"null", "string"})}}},
            {"expires_at", {{"type", json::array({"null", "string"})}}},
            {"roles", role_references()},
            {"unrestricted", boolean_type()},
            {"access_rules", access_rules()}}},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json token_issue() {
  return {{"type", "object"},
          {"properties",
           {{"identity", identity_type()}, {"scope", scope_type()}}},
          {"required", json::array({"identity"})}};
}

} // namespace strato::identity::internal
