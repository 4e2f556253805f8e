/// Fuzzes request-body decoding and schema validation: bytes through
/// parse_json_body (depth limit, malformed input), then two representative
/// schemas (Keystone's user create, a Nova server create) and every schema
/// the identity service applies (actors/identity/service/schemas.hpp) in
/// every message style, and the bytes as an identity request body through
/// validated_member/validated_auth. Checks that validation agrees with
/// is_valid, that failures carry a message, and that every message
/// serializes as JSON (valid UTF-8).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/identity/service/schemas.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/api/json_schema.hpp"
#include "runtime/api/python_repr.hpp"

namespace {

using strato::api::message_style;
using strato::api::schema;

nlohmann::json keystone_user_create() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": "[\\S]+"},
      "default_project_id": {"type": ["string", "null"], "minLength": 1,
                             "maxLength": 64, "pattern": "^[a-zA-Z0-9-]+$"},
      "description": {"type": ["string", "null"]},
      "domain_id": {"type": "string", "minLength": 1, "maxLength": 64,
                    "pattern": "^[a-zA-Z0-9-]+$"},
      "enabled": {"type": "boolean"},
      "password": {"type": ["string", "null"]},
      "federated": {"type": "array", "items": {"type": "object",
        "properties": {"idp_id": {"type": "string"},
                       "protocols": {"type": "array", "minItems": 1,
                         "items": {"type": "object",
                           "properties": {"protocol_id": {"type": "string"},
                                          "unique_id": {"type": "string"}},
                           "required": ["protocol_id", "unique_id"],
                           "additionalProperties": false}}},
        "required": ["idp_id", "protocols"]}},
      "options": {"type": "object", "patternProperties": {
        "^ignore_[a-z_]+$": {"type": ["boolean", "null"]},
        "^multi_factor_auth_rules$": {"type": ["array", "null"],
          "items": {"type": "array", "items": {"type": "string"},
                    "uniqueItems": true}}},
        "additionalProperties": false}
    },
    "required": ["name"],
    "additionalProperties": true
  })");
}

nlohmann::json nova_server_create() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "server": {
        "type": "object",
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 255},
          "imageRef": {"type": "string", "format": "uuid"},
          "flavorRef": {"type": ["string", "integer"], "minLength": 1},
          "adminPass": {"type": "string"},
          "min_count": {"type": ["integer", "string"], "pattern": "^[0-9]*$",
                        "minimum": 1, "minLength": 1},
          "metadata": {"type": "object",
            "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$":
              {"type": "string", "maxLength": 255}},
            "additionalProperties": false},
          "networks": {"oneOf": [
            {"type": "array", "items": {"type": "object",
              "properties": {"uuid": {"type": "string", "format": "uuid"},
                             "port": {"type": ["string", "null"],
                                      "format": "uuid"},
                             "fixed_ip": {"type": "string",
                               "oneOf": [{"format": "ipv4"},
                                         {"format": "ipv6"}]},
                             "tag": {"type": "string", "maxLength": 60}},
              "additionalProperties": false}},
            {"type": "string", "enum": ["none", "auto"]}]},
          "block_device_mapping_v2": {"type": "array", "uniqueItems": true,
            "items": {"type": "object", "properties": {
              "boot_index": {"type": ["integer", "string", "null"]},
              "volume_size": {"type": ["integer", "string"],
                              "pattern": "^[0-9]+$", "minimum": 1,
                              "maximum": 2147483647},
              "source_type": {"enum": ["volume", "image", "snapshot",
                                       "blank"]},
              "delete_on_termination": {"type": ["boolean", "string"],
                "enum": [true, "True", "true", false, "False", "false"]}},
              "dependencies": {"volume_size": ["source_type"]}}},
          "accessIPv4": {"type": "string", "format": "ipv4"},
          "accessIPv6": {"type": "string", "format": "ipv6"},
          "description": {"type": ["string", "null"], "maxLength": 255},
          "hostname": {"type": "string", "minLength": 1, "maxLength": 255,
                       "pattern": "^[a-zA-Z0-9]([a-zA-Z0-9-.]*[a-zA-Z0-9])?$"},
          "scheduled_at": {"type": "string", "format": "date-time"},
          "not_null": {"not": {"type": "null"}},
          "ratio": {"type": "number", "exclusiveMinimum": 0,
                    "multipleOf": 0.5},
          "tags": {"type": "array", "maxItems": 50,
                   "items": {"type": "string", "minLength": 1,
                             "maxLength": 60},
                   "additionalItems": false},
          "cidr": {"type": "string", "format": "cidr"},
          "link": {"type": "string", "format": "uri"},
          "contact": {"type": "string", "format": "email"},
          "mode": {"const": "fast"},
          "limits": {"type": "object", "minProperties": 1,
                     "maxProperties": 3,
                     "additionalProperties": {"type": "integer"}},
          "shape": {"anyOf": [{"type": "string"},
                              {"allOf": [{"type": "array"},
                                         {"items": [{"type": "integer"}]}]}]}
        },
        "required": ["name", "flavorRef"],
        "additionalProperties": false
      }
    },
    "required": ["server"],
    "additionalProperties": false
  })");
}

void check(const schema& s, const nlohmann::json& value) {
  auto error = s.check(value);
  if (error.has_value() == s.is_valid(value)) {
    std::abort();
  }
  for (auto style : {message_style::nova_body, message_style::nova_query,
                     message_style::keystone}) {
    auto st = s.validate(value, style);
    if (st.ok() != !error || (!st.ok() && st.message().empty())) {
      std::abort();
    }
    if (!st.ok()) {
      // Throws (and so crashes the fuzzer) on invalid UTF-8.
      (void) nlohmann::json(st.message()).dump();
    }
  }
}

/// The identity service's own path from bytes to a validated body.
void check_identity_request(std::string_view text) {
  strato::http::request req;
  req.body = std::string{text};
  auto report = [](const auto& outcome) {
    if (!outcome.ok()) {
      if (outcome.error().message().empty()) {
        std::abort();
      }
      (void) nlohmann::json(outcome.error().message()).dump();
    }
  };
  report(strato::identity::validated_auth(req));
  report(strato::identity::validated_member(
    req, "user", strato::identity::keystone_body::user_create));
  report(strato::identity::validated_member(
    req, "application_credential",
    strato::identity::keystone_body::application_credential_create));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const schema keystone =
    *schema::compile(keystone_user_create());
  static const schema nova =
    *schema::compile(nova_server_create(), {.numeric_strings = true});
  std::string_view text{reinterpret_cast<const char*>(data), size};
  check_identity_request(text);
  auto body = strato::api::parse_json_body(text, {.require_object = false});
  if (!body.ok()) {
    return 0;
  }
  check(keystone, *body);
  check(nova, *body);
  for (auto kind : strato::identity::all_keystone_bodies) {
    check(strato::identity::keystone_schema(kind), *body);
  }
  // Fuzz inputs are usually not shaped like a server: also validate them
  // where the schema's inner object would be.
  check(nova, nlohmann::json{{"server", *body}});
  (void) nlohmann::json(strato::api::python_repr(*body)).dump();
  return 0;
}
