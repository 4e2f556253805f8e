// keystone/identity/schema.py (users, groups, password change) and
// keystone/identity/backends/resource_options.py (user options).

#include "actors/identity/service/schemas.hpp"

namespace strato::identity::internal {

using json = nlohmann::json;

namespace {

json federated_type() {
  json protocol{{"type", "object"},
                {"properties",
                 {{"protocol_id", {{"type", "string"}}},
                  {"unique_id", {{"type", "string"}}}}},
                {"required", json::array({"protocol_id", "unique_id"})}};
  json idp{{"type", "object"},
           {"properties",
            {{"idp_id", {{"type", "string"}}},
             {"protocols",
              {{"type", "array"}, {"items", protocol}, {"minItems", 1}}}}},
           {"required", json::array({"idp_id", "protocols"})}};
  return {{"type", "array"}, {"items", std::move(idp)}};
}

json user_options() {
  auto options = boolean_options(
    {"ignore_change_password_upon_first_use", "ignore_password_expiry",
     "ignore_lockout_failure_attempts", "lock_password",
     "ignore_user_inactivity", "multi_factor_auth_enabled"});
  json rules{{"type", "array"},
             {"items",
              {{"type", "array"},
               {"items", {{"type", "string"}}},
               {"minItems", 1},
               {"uniqueItems", true}}},
             {"uniqueItems", true}};
  options["properties"]["multi_factor_auth_rules"] = nullable(std::move(rules));
  return options;
}

json user_properties() {
  return {{"default_project_id", nullable(id_string())},
          {"description", nullable(description_type())},
          {"domain_id", id_string()},
          {"enabled", boolean_type()},
          {"federated", federated_type()},
          {"name", name_type()},
          {"password", {{"type", json::array({"string", "null"})}}},
          {"options", user_options()},
          // Strato: Keystone keeps undeclared properties verbatim, but we
          // store only an email string, so a wrong type is refused rather
          // than dropped.
          {"email", nullable(description_type())}};
}

json group_properties() {
  return {{"description", nullable(description_type())},
          {"domain_id", id_string()},
          {"name", name_type()}};
}

} // namespace

json user_create() {
  // Keystone also writes a stray top-level "options": {"type": "object"},
  // which is not a keyword and so has no effect; it is left out.
  return {{"type", "object"},
          {"properties", user_properties()},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json user_update() {
  return {{"type", "object"},
          {"properties", user_properties()},
          {"minProperties", 1},
          {"additionalProperties", true}};
}

json password_change() {
  // With the default configuration: no strict_password_check maxLength and
  // no security_compliance.password_regex.
  return {{"type", "object"},
          {"properties",
           {{"original_password", {{"type", "string"}}},
            {"password", {{"type", "string"}}}}},
          {"required", json::array({"original_password", "password"})},
          {"additionalProperties", false}};
}

json group_create() {
  return {{"type", "object"},
          {"properties", group_properties()},
          {"required", json::array({"name"})},
          {"additionalProperties", true}};
}

json group_update() {
  return {{"type", "object"},
          {"properties", group_properties()},
          {"minProperties", 1},
          {"additionalProperties", true}};
}

} // namespace strato::identity::internal
