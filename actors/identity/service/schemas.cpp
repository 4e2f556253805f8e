// The schema registry and Keystone's request checks around the schemas.

#include "actors/identity/service/schemas.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "runtime/api/json_body.hpp"

namespace strato::identity {

namespace {

using json = nlohmann::json;

constexpr size_t body_count = all_keystone_bodies.size();

json definition_of(keystone_body kind) {
  switch (kind) {
    case keystone_body::project_create:
      return internal::project_create();
    case keystone_body::project_update:
      return internal::project_update();
    case keystone_body::domain_create:
      return internal::domain_create();
    case keystone_body::domain_update:
      return internal::domain_update();
    case keystone_body::user_create:
      return internal::user_create();
    case keystone_body::user_update:
      return internal::user_update();
    case keystone_body::password_change:
      return internal::password_change();
    case keystone_body::group_create:
      return internal::group_create();
    case keystone_body::group_update:
      return internal::group_update();
    case keystone_body::role_create:
      return internal::role_create();
    case keystone_body::role_update:
      return internal::role_update();
    case keystone_body::application_credential_create:
      return internal::application_credential_create();
    case keystone_body::token_issue:
      return internal::token_issue();
  }
  return json::object();
}

/// Every schema, compiled together on first use (thread-safe static).
struct registry {
  std::array<json, body_count> definitions;
  std::vector<api::schema> compiled;

  registry() {
    compiled.reserve(body_count);
    for (auto kind : all_keystone_bodies) {
      auto index = static_cast<size_t>(kind);
      definitions[index] = definition_of(kind);
      auto schema = api::schema::compile(definitions[index]);
      if (!schema) {
        // The definitions are constants: failing to compile one is a bug.
        std::fprintf(stderr, "identity schema %s: %s\n",
                     std::string{to_string(kind)}.c_str(),
                     schema.error().message().c_str());
        std::abort();
      }
      compiled.push_back(std::move(*schema));
    }
  }
};

const registry& schemas() {
  static const registry instance;
  return instance;
}

status bad_request(std::string message) {
  return {errc::invalid_argument, std::move(message)};
}

status unauthorized(std::string message) {
  return {errc::unauthorized, std::move(message)};
}

/// flask's request.is_json: application/json or application/*+json.
bool is_json_type(std::string_view content_type) {
  auto mime = content_type.substr(0, content_type.find(';'));
  while (!mime.empty() && (mime.back() == ' ' || mime.back() == '\t')) {
    mime.remove_suffix(1);
  }
  std::string lower;
  for (auto c : mime) {
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lower == "application/json"
         || (lower.starts_with("application/") && lower.ends_with("+json"));
}

bool has_id_or_name(const json& ref) {
  return ref.contains("id") || ref.contains("name");
}

/// validate_issue_token_auth's checks after the schema.
status check_references(const json& auth) {
  const auto& identity = auth.at("identity");
  if (auto pw = identity.find("password"); pw != identity.end()) {
    if (auto user = pw->find("user"); user != pw->end() && !user->is_null()) {
      if (!has_id_or_name(*user)) {
        return bad_request("Invalid input for field identity/password/user: "
                           "id or name must be present.");
      }
      if (auto dom = user->find("domain");
          dom != user->end() && !has_id_or_name(*dom)) {
        return bad_request("Invalid input for field "
                           "identity/password/user/domain: id or name must "
                           "be present.");
      }
    }
  }
  auto scope = auth.find("scope");
  if (scope == auth.end() || !scope->is_object()) {
    return {};
  }
  if (auto project = scope->find("project"); project != scope->end()) {
    if (!has_id_or_name(*project)) {
      return bad_request("Invalid input for field scope/project: id or name "
                         "must be present.");
    }
    if (auto dom = project->find("domain");
        dom != project->end() && !has_id_or_name(*dom)) {
      return bad_request("Invalid input for field scope/project/domain: id "
                         "or name must be present.");
    }
  }
  if (auto dom = scope->find("domain");
      dom != scope->end() && !has_id_or_name(*dom)) {
    return bad_request("Invalid input for field scope/domain: id or name "
                       "must be present.");
  }
  return {};
}

/// AuthInfo._validate_auth_methods: each method has its object and is one
/// we implement.
status check_methods(const json& identity) {
  const auto& methods = identity.at("methods");
  for (const auto& method : methods) {
    if (!identity.contains(method.get_ref<const std::string&>())) {
      return bad_request(
        expecting_to_find(method.get_ref<const std::string&>(), "identity"));
    }
  }
  for (const auto& method : methods) {
    const auto& name = method.get_ref<const std::string&>();
    if (name != "password" && name != "token"
        && name != "application_credential") {
      return unauthorized("Attempted to authenticate with an unsupported "
                          "method.");
    }
  }
  if (methods.empty()) {
    return unauthorized("User not found by auth plugin; authentication "
                        "failed");
  }
  for (const auto& method : methods) {
    if (method != methods.front()) {
      // Keystone requires every listed method to succeed (multi-factor);
      // we authenticate with one.
      return {errc::not_implemented,
              "Authenticating with more than one method is not implemented."};
    }
  }
  return {};
}

/// AuthInfo._validate_and_normalize_scope_data, before any lookup.
status check_scope(const json& auth) {
  auto scope = auth.find("scope");
  if (scope == auth.end()) {
    return {};
  }
  const auto& methods = auth.at("identity").at("methods");
  if (std::find(methods.begin(), methods.end(), "application_credential")
      != methods.end()) {
    return unauthorized("Error authenticating with application credential: "
                        "Application credentials cannot request a scope.");
  }
  // Python's `in`: a key of an object, a substring of a string.
  auto has = [&](const char* what) {
    return scope->is_object()
             ? scope->contains(what)
             : scope->get_ref<const std::string&>().find(what)
                 != std::string::npos;
  };
  int named = 0;
  for (const auto* kind :
       {"project", "domain", "unscoped", "system", "OS-TRUST:trust"}) {
    named += has(kind) ? 1 : 0;
  }
  if (named != 1) {
    return bad_request(expecting_to_find(
      "system, project, domain, OS-TRUST:trust or unscoped", "scope"));
  }
  if (has("OS-TRUST:trust")) {
    return {errc::not_implemented, "Trusts are not implemented."};
  }
  return {};
}

} // namespace

std::string_view to_string(keystone_body kind) noexcept {
  switch (kind) {
    case keystone_body::project_create:
      return "project_create";
    case keystone_body::project_update:
      return "project_update";
    case keystone_body::domain_create:
      return "domain_create";
    case keystone_body::domain_update:
      return "domain_update";
    case keystone_body::user_create:
      return "user_create";
    case keystone_body::user_update:
      return "user_update";
    case keystone_body::password_change:
      return "password_change";
    case keystone_body::group_create:
      return "group_create";
    case keystone_body::group_update:
      return "group_update";
    case keystone_body::role_create:
      return "role_create";
    case keystone_body::role_update:
      return "role_update";
    case keystone_body::application_credential_create:
      return "application_credential_create";
    case keystone_body::token_issue:
      return "token_issue";
  }
  return "unknown";
}

const nlohmann::json& keystone_definition(keystone_body kind) {
  return schemas().definitions[static_cast<size_t>(kind)];
}

const api::schema& keystone_schema(keystone_body kind) {
  return schemas().compiled[static_cast<size_t>(kind)];
}

status validate_keystone(keystone_body kind, const nlohmann::json& value) {
  return keystone_schema(kind).validate(value, api::message_style::keystone);
}

std::string expecting_to_find(std::string_view attribute,
                              std::string_view target) {
  std::string out = "Expecting to find ";
  out += attribute;
  out += " in ";
  out += target;
  out += ". The server could not comply with the request since it is either "
         "malformed or otherwise incorrect. The client is assumed to be in "
         "error.";
  return out;
}

result<nlohmann::json> keystone_request_json(const http::request& req) {
  if (req.body.empty()) {
    return json::object();
  }
  auto type = req.header("Content-Type");
  if (type && !type->empty() && !is_json_type(*type)) {
    return bad_request(expecting_to_find("application/json",
                                         "Content-Type header"));
  }
  auto parsed = api::parse_json_body(req.body);
  if (!parsed) {
    // Keystone answers one message for invalid JSON and for a non-object.
    return bad_request(expecting_to_find("valid JSON", "request body"));
  }
  return parsed;
}

result<nlohmann::json> validated_member(const http::request& req,
                                        std::string_view key,
                                        keystone_body kind) {
  auto body = keystone_request_json(req);
  if (!body) {
    return body.error();
  }
  auto it = body->find(key);
  json member = it != body->end() ? std::move(*it) : json::object();
  if (auto st = validate_keystone(kind, member); !st.ok()) {
    return st;
  }
  return member;
}

result<nlohmann::json> validated_auth(const http::request& req) {
  auto body = keystone_request_json(req);
  if (!body) {
    return body.error();
  }
  auto it = body->find("auth");
  if (it == body->end() || it->is_null()) {
    return bad_request(expecting_to_find("auth", "request body"));
  }
  json auth = std::move(*it);
  // In Keystone's order; each check relies on the ones before it for the
  // shape of `auth`.
  if (auto st = validate_keystone(keystone_body::token_issue, auth); !st.ok()) {
    return st;
  }
  if (auto st = check_references(auth); !st.ok()) {
    return st;
  }
  if (auto st = check_methods(auth.at("identity")); !st.ok()) {
    return st;
  }
  if (auto st = check_scope(auth); !st.ok()) {
    return st;
  }
  return auth;
}

} // namespace strato::identity
