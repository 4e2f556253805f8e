#pragma once

/// Keystone's request-body schemas and the request handling that surrounds
/// them, so that every identity route refuses a bad body (400, Keystone's
/// wording) before it reads the directory or asks an actor.
///
/// The definitions are transcribed from Keystone (python3-keystone:
/// keystone/{resource,identity,assignment,application_credential,auth}/
/// schema.py and common/validation/parameter_types.py), including where
/// Keystone allows properties it does not declare ("additionalProperties":
/// true on every create/update) and where it does not (password change,
/// role references, options). Deviations are marked where they are made.
///
/// Every schema is compiled once, on first use, and shared: the functions
/// here are safe to call from many threads at once. Nothing here throws.
/// This library depends only on strato_api, so the unit tests and the
/// fuzzer can use it in their builds that have no HTTP services.

#include <array>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/api/json_schema.hpp"
#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::identity {

/// Each request body the identity API accepts, by Keystone's schema name.
enum class keystone_body : uint8_t {
  project_create,
  project_update,
  domain_create,
  domain_update,
  user_create,
  user_update,
  password_change,
  group_create,
  group_update,
  role_create,
  role_update,
  application_credential_create,
  token_issue,
};

inline constexpr std::array all_keystone_bodies{
  keystone_body::project_create,
  keystone_body::project_update,
  keystone_body::domain_create,
  keystone_body::domain_update,
  keystone_body::user_create,
  keystone_body::user_update,
  keystone_body::password_change,
  keystone_body::group_create,
  keystone_body::group_update,
  keystone_body::role_create,
  keystone_body::role_update,
  keystone_body::application_credential_create,
  keystone_body::token_issue,
};

/// Keystone's name for the schema ("project_create").
[[nodiscard]] std::string_view to_string(keystone_body kind) noexcept;

/// The schema as JSON, as Keystone writes it.
[[nodiscard]] const nlohmann::json& keystone_definition(keystone_body kind);

/// The compiled schema; compiled on first use.
[[nodiscard]] const api::schema& keystone_schema(keystone_body kind);

/// `errc::invalid_argument` with Keystone's message ("Invalid input for
/// field 'name': 5 is not of type 'string'") when `value` does not match.
[[nodiscard]] status validate_keystone(keystone_body kind,
                                       const nlohmann::json& value);

/// Keystone's ValidationError text: "Expecting to find <attribute> in
/// <target>. The server could not comply ...".
[[nodiscard]] std::string expecting_to_find(std::string_view attribute,
                                            std::string_view target);

/// The body as Keystone's JSON middleware sees it: an empty body is `{}`;
/// a body that is not a JSON object (or declares a non-JSON Content-Type)
/// is a 400.
[[nodiscard]] result<nlohmann::json>
keystone_request_json(const http::request& req);

/// `body[key]` (or `{}` when absent, as Keystone's `.get(key, {})`),
/// validated against `kind`; what the resource handlers work from.
[[nodiscard]] result<nlohmann::json>
validated_member(const http::request& req, std::string_view key,
                 keystone_body kind);

/// The `auth` object of a token request, checked as Keystone checks it
/// before authenticating: the schema, "id or name must be present" for
/// users, projects and domains, each listed method having its object, and
/// exactly one scope. An unsupported method is a 401 and an unsupported
/// scope (trusts) a 501.
[[nodiscard]] result<nlohmann::json> validated_auth(const http::request& req);

namespace internal {

// The definitions, one file per Keystone schema module.
nlohmann::json project_create();
nlohmann::json project_update();
nlohmann::json domain_create();
nlohmann::json domain_update();
nlohmann::json user_create();
nlohmann::json user_update();
nlohmann::json password_change();
nlohmann::json group_create();
nlohmann::json group_update();
nlohmann::json role_create();
nlohmann::json role_update();
nlohmann::json application_credential_create();
nlohmann::json token_issue();

/// parameter_types.py and validation.nullable().
nlohmann::json name_type(int max_length = 255);
nlohmann::json id_string();
nlohmann::json boolean_type();
nlohmann::json description_type();
nlohmann::json nullable(nlohmann::json schema);
/// A ResourceOptionRegistry's json_schema: boolean options, nullable.
nlohmann::json boolean_options(std::initializer_list<const char*> names);

} // namespace internal

} // namespace strato::identity
