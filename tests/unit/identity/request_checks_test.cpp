// What the identity routes do with a request body before any actor sees
// it: Keystone's JSON middleware, `.get(key, {})` and the token request's
// checks beyond its schema.

#include <doctest/doctest.h>

#include <string>

#include "actors/identity/service/schemas.hpp"

using namespace strato;
using namespace strato::identity;
using json = nlohmann::json;

namespace {

http::request with_body(std::string body,
                        std::string content_type = "application/json") {
  http::request req;
  req.body = std::move(body);
  if (!content_type.empty()) {
    req.headers.add("Content-Type", content_type);
  }
  return req;
}

const std::string not_json
  = "Expecting to find valid JSON in request body. The server could not "
    "comply with the request since it is either malformed or otherwise "
    "incorrect. The client is assumed to be in error.";

/// A password request for user "admin" in "Default", with `scope`.
json password_request(const json& scope = nullptr) {
  json auth{{"identity",
             {{"methods", {"password"}},
              {"password",
               {{"user",
                 {{"name", "admin"},
                  {"domain", {{"name", "Default"}}},
                  {"password", "pw"}}}}}}}};
  if (!scope.is_null()) {
    auth["scope"] = scope;
  }
  return {{"auth", auth}};
}

status auth_refusal(const json& body) {
  auto auth = validated_auth(with_body(body.dump()));
  return auth ? status{} : auth.error();
}

} // namespace

TEST_SUITE("actors/identity/service/request_checks") {

TEST_CASE("a body that is not a JSON object is Keystone's 400") {
  for (const auto* body : {"{", "[]", "\"name\"", "5", "{\"a\": 1} x"}) {
    CAPTURE(body);
    auto member = validated_member(with_body(body), "project",
                                   keystone_body::project_create);
    REQUIRE_FALSE(member.ok());
    CHECK(member.error().code() == errc::invalid_argument);
    CHECK(member.error().message() == not_json);
  }
}

TEST_CASE("a declared non-JSON content type is refused") {
  auto member = validated_member(with_body(R"({"project": {"name": "p"}})",
                                           "text/plain"),
                                 "project", keystone_body::project_create);
  REQUIRE_FALSE(member.ok());
  CHECK(member.error().message().starts_with(
    "Expecting to find application/json in Content-Type header."));
  CHECK(validated_member(with_body(R"({"project": {"name": "p"}})",
                                   "application/json; charset=UTF-8"),
                         "project", keystone_body::project_create)
          .ok());
  CHECK(validated_member(with_body(R"({"project": {"name": "p"}})", ""),
                         "project", keystone_body::project_create)
          .ok());
}

TEST_CASE("a missing member validates as an empty object") {
  for (const auto* body : {"", "{}", R"({"projects": {"name": "p"}})"}) {
    CAPTURE(body);
    auto member = validated_member(with_body(body), "project",
                                   keystone_body::project_create);
    REQUIRE_FALSE(member.ok());
    CHECK(member.error().message() == "'name' is a required property");
  }
  auto null_member = validated_member(with_body(R"({"project": null})"),
                                      "project", keystone_body::project_create);
  REQUIRE_FALSE(null_member.ok());
  CHECK(null_member.error().message() == "None is not of type 'object'");
}

TEST_CASE("a valid member comes back as sent") {
  auto member = validated_member(
    with_body(R"({"user": {"name": "alice", "extra": [1]}, "other": 1})"),
    "user", keystone_body::user_create);
  REQUIRE(member.ok());
  CHECK(*member == json{{"name", "alice"}, {"extra", {1}}});
}

TEST_CASE("a token request without auth names what is missing") {
  for (const auto* body : {"", "{}", R"({"auth": null})"}) {
    CAPTURE(body);
    auto auth = validated_auth(with_body(body));
    REQUIRE_FALSE(auth.ok());
    CHECK(auth.error().message()
          == "Expecting to find auth in request body. The server could not "
             "comply with the request since it is either malformed or "
             "otherwise incorrect. The client is assumed to be in error.");
  }
  CHECK(auth_refusal({{"auth", 5}}).message() == "5 is not of type 'object'");
}

TEST_CASE("a valid password request passes with each kind of scope") {
  CHECK(auth_refusal(password_request()).ok());
  CHECK(auth_refusal(password_request("unscoped")).ok());
  CHECK(auth_refusal(password_request({{"unscoped", json::object()}})).ok());
  CHECK(auth_refusal(password_request({{"system", {{"all", true}}}})).ok());
  CHECK(auth_refusal(password_request({{"domain", {{"id", "default"}}}})).ok());
  CHECK(auth_refusal(password_request(
                       {{"project", {{"name", "admin"},
                                     {"domain", {{"name", "Default"}}}}}}))
          .ok());
}

TEST_CASE("users, projects and domains need an id or a name") {
  auto body = password_request();
  body["auth"]["identity"]["password"]["user"].erase("name");
  CHECK(auth_refusal(body).message()
        == "Invalid input for field identity/password/user: id or name must "
           "be present.");
  body = password_request();
  body["auth"]["identity"]["password"]["user"]["domain"] = json::object();
  CHECK(auth_refusal(body).message()
        == "Invalid input for field identity/password/user/domain: id or "
           "name must be present.");
  CHECK(auth_refusal(password_request({{"project", json::object()}})).message()
        == "Invalid input for field scope/project: id or name must be "
           "present.");
  CHECK(auth_refusal(password_request(
                       {{"project", {{"name", "p"}, {"domain", json::object()}}}}))
          .message()
        == "Invalid input for field scope/project/domain: id or name must be "
           "present.");
  CHECK(auth_refusal(password_request({{"domain", {{"x", 1}}}})).message()
        == "Invalid input for field scope/domain: id or name must be "
           "present.");
}

TEST_CASE("each method needs its object and must be one we implement") {
  json missing{{"auth", {{"identity", {{"methods", {"password"}}}}}}};
  auto st = auth_refusal(missing);
  CHECK(st.code() == errc::invalid_argument);
  CHECK(st.message().starts_with("Expecting to find password in identity."));

  json unknown{{"auth",
                {{"identity", {{"methods", {"totp"}}, {"totp", json::object()}}}}}};
  st = auth_refusal(unknown);
  CHECK(st.code() == errc::unauthorized);
  CHECK(st.message() == "Attempted to authenticate with an unsupported method.");

  json none{{"auth", {{"identity", {{"methods", json::array()}}}}}};
  CHECK(auth_refusal(none).code() == errc::unauthorized);

  auto two = password_request();
  two["auth"]["identity"]["methods"] = {"password", "token"};
  two["auth"]["identity"]["token"] = {{"id", "t"}};
  CHECK(auth_refusal(two).code() == errc::not_implemented);
  two["auth"]["identity"]["methods"] = {"password", "password"};
  CHECK(auth_refusal(two).ok());
}

TEST_CASE("a scope names exactly one target") {
  auto st = auth_refusal(password_request(
    {{"project", {{"id", "p"}}}, {"domain", {{"id", "d"}}}}));
  CHECK(st.code() == errc::invalid_argument);
  CHECK(st.message().starts_with(
    "Expecting to find system, project, domain, OS-TRUST:trust or unscoped "
    "in scope."));
  CHECK(auth_refusal(password_request(json::object())).code()
        == errc::invalid_argument);
  CHECK(auth_refusal(password_request("everything")).code()
        == errc::invalid_argument);
  CHECK(auth_refusal(password_request({{"OS-TRUST:trust", {{"id", "t"}}}}))
          .code()
        == errc::not_implemented);
}

TEST_CASE("application credentials cannot choose a scope") {
  json body{{"auth",
             {{"identity",
               {{"methods", {"application_credential"}},
                {"application_credential", {{"id", "c"}, {"secret", "s"}}}}}}}};
  CHECK(auth_refusal(body).ok());
  body["auth"]["identity"]["application_credential"]["secret"] = 5;
  CHECK(auth_refusal(body).message()
        == "Invalid input for field 'identity/application_credential/secret': "
           "5 is not of type 'string'");
  body["auth"]["identity"]["application_credential"]["secret"] = "s";
  body["auth"]["scope"] = {{"project", {{"id", "p"}}}};
  auto st = auth_refusal(body);
  CHECK(st.code() == errc::unauthorized);
  CHECK(st.message().ends_with("Application credentials cannot request a "
                               "scope."));
}

} // TEST_SUITE
