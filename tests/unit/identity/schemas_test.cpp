// Keystone's request-body schemas: valid and invalid bodies for each
// resource, with the messages Keystone gives (their first line).

#include <doctest/doctest.h>

#include <string>

#include "actors/identity/service/schemas.hpp"

using namespace strato;
using namespace strato::identity;
using json = nlohmann::json;

namespace {

/// The message of the refusal, or "" when `value` is valid.
std::string refusal(keystone_body kind, const json& value) {
  auto st = validate_keystone(kind, value);
  if (st.ok()) {
    return "";
  }
  CHECK(st.code() == errc::invalid_argument);
  return st.message();
}

bool accepts(keystone_body kind, const json& value) {
  return refusal(kind, value).empty();
}

} // namespace

TEST_SUITE("actors/identity/service/schemas") {

TEST_CASE("every Keystone schema compiles and rejects a non-object") {
  for (auto kind : all_keystone_bodies) {
    CAPTURE(to_string(kind));
    CHECK(keystone_definition(kind).at("type") == "object");
    CHECK(refusal(kind, json::array()) == "[] is not of type 'object'");
    CHECK(refusal(kind, nullptr) == "None is not of type 'object'");
  }
}

TEST_CASE("project create needs a name and allows extra properties") {
  auto kind = keystone_body::project_create;
  CHECK(accepts(kind, {{"name", "demo"}}));
  CHECK(accepts(kind, {{"name", "demo"},
                       {"description", nullptr},
                       {"domain_id", "default"},
                       {"parent_id", nullptr},
                       {"enabled", false},
                       {"is_domain", false},
                       {"tags", {"a", "b"}},
                       {"options", {{"immutable", true}}},
                       {"something_else", 5}}));
  CHECK(refusal(kind, json::object()) == "'name' is a required property");
  CHECK(refusal(kind, {{"name", 5}})
        == "Invalid input for field 'name': 5 is not of type 'string'");
  CHECK(refusal(kind, {{"name", std::string(65, 'p')}})
        == "Invalid input for field 'name': '" + std::string(65, 'p')
             + "' is too long");
  CHECK(refusal(kind, {{"name", ""}})
        == "Invalid input for field 'name': '' is too short");
  CHECK(refusal(kind, {{"name", "   "}})
        == "Invalid input for field 'name': '   ' does not match '[\\\\S]+'");
  CHECK(refusal(kind, {{"name", "p"}, {"enabled", "yes"}})
        == "Invalid input for field 'enabled': 'yes' is not of type "
           "'boolean'");
  CHECK(refusal(kind, {{"name", "p"}, {"domain_id", "not/an/id"}})
        == "Invalid input for field 'domain_id': 'not/an/id' does not match "
           "'^[a-zA-Z0-9-]+$'");
  CHECK(refusal(kind, {{"name", "p"}, {"parent_id", 7}})
        == "Invalid input for field 'parent_id': 7 is not of type 'string', "
           "'null'");
}

TEST_CASE("project tags follow the API-WG rules and options are closed") {
  auto kind = keystone_body::project_create;
  CHECK(refusal(kind, {{"name", "p"}, {"tags", {"a/b"}}})
        == "Invalid input for field 'tags/0': 'a/b' does not match "
           "'^[^,/]*$'");
  CHECK(refusal(kind, {{"name", "p"}, {"tags", {"x", "x"}}})
        == "Invalid input for field 'tags': ['x', 'x'] has non-unique "
           "elements");
  CHECK(refusal(kind, {{"name", "p"}, {"tags", "x"}})
        == "Invalid input for field 'tags': 'x' is not of type 'array'");
  json many = json::array();
  for (int i = 0; i < 81; ++i) {
    many.push_back("t" + std::to_string(i));
  }
  CHECK(refusal(kind, {{"name", "p"}, {"tags", many}}).ends_with(
    "is too long"));
  CHECK(refusal(kind, {{"name", "p"}, {"options", {{"colour", true}}}})
        == "Invalid input for field 'options': Additional properties are not "
           "allowed ('colour' was unexpected)");
  CHECK(refusal(kind, {{"name", "p"}, {"options", {{"immutable", "y"}}}})
        == "Invalid input for field 'options/immutable': 'y' is not of type "
           "'boolean', 'null'");
}

TEST_CASE("project and domain updates need at least one property") {
  for (auto kind :
       {keystone_body::project_update, keystone_body::domain_update}) {
    CHECK(refusal(kind, json::object())
          == "{} does not have enough properties");
    CHECK(accepts(kind, {{"description", "new"}}));
    CHECK(accepts(kind, {{"anything", 1}}));
    CHECK(refusal(kind, {{"enabled", 1}})
          == "Invalid input for field 'enabled': 1 is not of type 'boolean'");
  }
}

TEST_CASE("domain create checks name, description and tags") {
  auto kind = keystone_body::domain_create;
  CHECK(accepts(kind, {{"name", "d"}, {"description", nullptr}, {"x", 1}}));
  CHECK(refusal(kind, {{"description", "d"}})
        == "'name' is a required property");
  CHECK(refusal(kind, {{"name", "d"}, {"description", 5}})
        == "Invalid input for field 'description': 5 is not of type "
           "'string', 'null'");
  CHECK(refusal(kind, {{"name", "d"}, {"tags", {"a,b"}}})
        == "Invalid input for field 'tags/0': 'a,b' does not match "
           "'^[^,/]*$'");
}

TEST_CASE("user create and update follow identity/schema.py") {
  auto kind = keystone_body::user_create;
  CHECK(accepts(kind, {{"name", "alice"},
                       {"password", "pw"},
                       {"default_project_id", "abc123"},
                       {"domain_id", "default"},
                       {"enabled", true},
                       {"email", "a@example.com"},
                       {"options", {{"lock_password", nullptr}}},
                       {"extra_field", {1, 2}}}));
  CHECK(accepts(kind, {{"name", "alice"}, {"password", nullptr}}));
  CHECK(refusal(kind, {{"name", std::string(256, 'u')}}).ends_with(
    "is too long"));
  CHECK(accepts(kind, {{"name", std::string(255, 'u')}}));
  CHECK(refusal(kind, {{"name", "alice"}, {"password", 5}})
        == "Invalid input for field 'password': 5 is not of type 'string', "
           "'null'");
  CHECK(refusal(kind, {{"name", "alice"}, {"domain_id", nullptr}})
        == "Invalid input for field 'domain_id': None is not of type "
           "'string'");
  CHECK(refusal(kind, {{"name", "alice"}, {"email", 5}})
        == "Invalid input for field 'email': 5 is not of type 'string', "
           "'null'");
  CHECK(refusal(kind, {{"name", "a"}, {"options", {{"lock_password", 1}}}})
        == "Invalid input for field 'options/lock_password': 1 is not of "
           "type 'boolean', 'null'");
  CHECK(refusal(kind, {{"name", "a"},
                       {"options",
                        {{"multi_factor_auth_rules",
                          json::array({json::array()})}}}})
        == "Invalid input for field 'options/multi_factor_auth_rules/0': [] "
           "is too short");
  CHECK(refusal(kind, {{"name", "a"}, {"federated", {{{"idp_id", "x"}}}}})
        == "Invalid input for field 'federated/0': 'protocols' is a "
           "required property");
  CHECK(refusal(keystone_body::user_update, json::object())
        == "{} does not have enough properties");
  CHECK(accepts(keystone_body::user_update, {{"password", "new"}}));
}

TEST_CASE("password change is strict") {
  auto kind = keystone_body::password_change;
  CHECK(accepts(kind, {{"original_password", "a"}, {"password", "b"}}));
  CHECK(refusal(kind, {{"password", "b"}})
        == "'original_password' is a required property");
  CHECK(refusal(kind, {{"original_password", "a"}, {"password", nullptr}})
        == "Invalid input for field 'password': None is not of type "
           "'string'");
  CHECK(refusal(kind, {{"original_password", "a"},
                       {"password", "b"},
                       {"extra", 1}})
        == "Additional properties are not allowed ('extra' was unexpected)");
}

TEST_CASE("group create and update") {
  CHECK(accepts(keystone_body::group_create,
                {{"name", "devs"}, {"domain_id", "default"}, {"x", 1}}));
  CHECK(refusal(keystone_body::group_create, {{"domain_id", "default"}})
        == "'name' is a required property");
  CHECK(refusal(keystone_body::group_create,
                {{"name", "devs"}, {"domain_id", ""}})
        == "Invalid input for field 'domain_id': '' is too short");
  CHECK(refusal(keystone_body::group_update, json::object())
        == "{} does not have enough properties");
  CHECK(refusal(keystone_body::group_update, {{"description", false}})
        == "Invalid input for field 'description': False is not of type "
           "'string', 'null'");
}

TEST_CASE("role create and update") {
  auto kind = keystone_body::role_create;
  CHECK(accepts(kind, {{"name", "reader"}, {"description", "d"}, {"x", 1}}));
  CHECK(accepts(kind, {{"name", "r"}, {"domain_id", nullptr}}));
  CHECK(refusal(kind, {{"name", "r"}, {"description", nullptr}})
        == "Invalid input for field 'description': None is not of type "
           "'string'");
  CHECK(refusal(kind, {{"name", "r"}, {"options", {{"immutable", true},
                                                   {"other", 1}}}})
        == "Invalid input for field 'options': Additional properties are not "
           "allowed ('other' was unexpected)");
  CHECK(refusal(kind, {{"name", "r"}, {"domain_id", 3}})
        == "Invalid input for field 'domain_id': 3 is not of type 'string', "
           "'null'");
  CHECK(refusal(keystone_body::role_update, json::object())
        == "{} does not have enough properties");
}

TEST_CASE("application credential create") {
  auto kind = keystone_body::application_credential_create;
  CHECK(accepts(kind, {{"name", "ci"},
                       {"secret", nullptr},
                       {"expires_at", "2030-01-01T00:00:00"},
                       {"roles", {{{"id", "abc"}}, {{"name", "reader"}}}},
                       {"unrestricted", false},
                       {"access_rules",
                        {{{"path", "/v2.1/servers"},
                          {"method", "GET"},
                          {"service", "compute"}}}},
                       {"other", 1}}));
  CHECK(refusal(kind, {{"name", "ci"},
                       {"roles", {{{"id", "abc"}, {"name", "reader"}}}}})
        == "Invalid input for field 'roles/0': {'id': 'abc', 'name': "
           "'reader'} has too many properties");
  CHECK(refusal(kind, {{"name", "ci"}, {"roles", {json::object()}}})
        == "Invalid input for field 'roles/0': {} does not have enough "
           "properties");
  CHECK(refusal(kind, {{"name", "ci"}, {"roles", {{{"colour", "red"}}}}})
        == "Invalid input for field 'roles/0': Additional properties are not "
           "allowed ('colour' was unexpected)");
  CHECK(refusal(kind, {{"name", "ci"},
                       {"access_rules", {{{"method", "FETCH"}}}}})
        == "Invalid input for field 'access_rules/0/method': 'FETCH' does "
           "not match '^(POST|GET|HEAD|PATCH|PUT|DELETE)$'");
  CHECK(refusal(kind, {{"name", "ci"}, {"unrestricted", "true"}})
        == "Invalid input for field 'unrestricted': 'true' is not of type "
           "'boolean'");
  CHECK(refusal(kind, {{"name", "ci"}, {"expires_at", 5}})
        == "Invalid input for field 'expires_at': 5 is not of type 'null', "
           "'string'");
  CHECK(refusal(kind, {{"secret", "s"}}) == "'name' is a required property");
}

TEST_CASE("token issue: methods, method objects and scope types") {
  auto kind = keystone_body::token_issue;
  json password_auth{
    {"identity",
     {{"methods", {"password"}},
      {"password",
       {{"user",
         {{"name", "admin"},
          {"domain", {{"name", "Default"}}},
          {"password", "pw"}}}}}}},
    {"scope", {{"project", {{"name", "admin"}, {"domain", {{"id", "default"}}}}}}}};
  CHECK(accepts(kind, password_auth));
  CHECK(accepts(kind, {{"identity", {{"methods", {"token"}},
                                     {"token", {{"id", "t"}}}}},
                       {"scope", "unscoped"}}));
  CHECK(refusal(kind, json::object()) == "'identity' is a required property");
  CHECK(refusal(kind, {{"identity", json::object()}})
        == "Invalid input for field 'identity': 'methods' is a required "
           "property");
  CHECK(refusal(kind, {{"identity", {{"methods", "password"}}}})
        == "Invalid input for field 'identity/methods': 'password' is not of "
           "type 'array'");
  CHECK(refusal(kind, {{"identity", {{"methods", {1}}}}})
        == "Invalid input for field 'identity/methods/0': 1 is not of type "
           "'string'");
  CHECK(refusal(kind, {{"identity", {{"methods", {"token"}},
                                     {"token", json::object()}}}})
        == "Invalid input for field 'identity/token': 'id' is a required "
           "property");
  auto bad_password = password_auth;
  bad_password["identity"]["password"]["user"]["password"] = 1234;
  CHECK(refusal(kind, bad_password)
        == "Invalid input for field 'identity/password/user/password': 1234 "
           "is not of type 'string'");
  auto bad_scope = password_auth;
  bad_scope["scope"] = 5;
  CHECK(refusal(kind, bad_scope)
        == "Invalid input for field 'scope': 5 is not of type 'object', "
           "'string'");
  bad_scope["scope"] = {{"system", {{"all", "yes"}}}};
  CHECK(refusal(kind, bad_scope)
        == "Invalid input for field 'scope/system/all': 'yes' is not of type "
           "'boolean'");
  // Keystone's token_issue allows undeclared properties everywhere.
  password_auth["identity"]["totp"] = {{"x", 1}};
  password_auth["extra"] = true;
  CHECK(accepts(kind, password_auth));
}

} // TEST_SUITE
