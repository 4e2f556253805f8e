#include <doctest/doctest.h>

#include "actors/identity/crypto/token_payload.hpp"

using namespace strato;
using namespace strato::identity;
using namespace std::chrono;

namespace {

token_payload sample() {
  token_payload p;
  p.user_id = "a5d4b3c2e1f0a9b8c7d6e5f4a3b2c1d0";
  p.methods = {auth_method::password};
  p.scope = scope_kind::project;
  p.scope_id = "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";
  p.issued_at = timestamp{microseconds{1'764'065'472'123'456}};
  p.expires_at = p.issued_at + hours{1};
  p.audit_ids = {*random_audit_id()};
  return p;
}

token_payload roundtrip(const token_payload& p) {
  auto packed = pack_payload(p);
  REQUIRE_MESSAGE(packed.ok(), packed.error().describe());
  auto unpacked = unpack_payload(*packed);
  REQUIRE_MESSAGE(unpacked.ok(), unpacked.error().describe());
  return *unpacked;
}

} // namespace

TEST_SUITE("actors/identity/crypto") {

TEST_CASE("payloads round-trip with uuids packed and other ids kept") {
  auto p = sample();
  CHECK(roundtrip(p) == p);
  auto packed = pack_payload(p);
  REQUIRE(packed.ok());
  // 2 header bytes, two packed uuids, 2 varint times, one audit id.
  CHECK(packed->size() < 2 + 2 * 17 + 8 + 6 + 1 + 16);
  for (const std::string& id : std::vector<std::string>{
         "default", "A5D4B3C2E1F0A9B8C7D6E5F4A3B2C1D0",
        "a5d4b3c2e1f0a9b8c7d6e5f4a3b2c1d",
        "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5",
        "0b1c2d3e04f5a-6b7c-8d9e-0f1a2b3c4d5e", std::string(255, 'x'),
        "\xc3\xa9t\xc3\xa9"}) {
    CAPTURE(id);
    p.user_id = id;
    p.scope_id = id;
    p.application_credential_id = id;
    p.trust_id = id;
    CHECK(roundtrip(p) == p);
  }
}

TEST_CASE("every scope kind and method set round-trips") {
  auto p = sample();
  for (auto [kind, id] : {std::pair{scope_kind::unscoped, ""},
                          std::pair{scope_kind::project, "p1"},
                          std::pair{scope_kind::domain, "default"},
                          std::pair{scope_kind::system, "all"}}) {
    p.scope = kind;
    p.scope_id = id;
    p.methods = {auth_method::token, auth_method::application_credential};
    CHECK(roundtrip(p) == p);
  }
  p.methods = {};
  p.audit_ids.clear();
  CHECK(roundtrip(p) == p);
}

TEST_CASE("payloads that cannot be tokens are rejected") {
  auto check_rejected = [](const token_payload& p) {
    auto packed = pack_payload(p);
    REQUIRE_FALSE(packed.ok());
    CHECK(packed.error().code() == errc::invalid_argument);
  };
  auto p = sample();
  p.user_id.clear();
  check_rejected(p);
  p = sample();
  p.user_id = std::string(256, 'x');
  check_rejected(p);
  p = sample();
  p.scope_id.clear();
  check_rejected(p);
  p = sample();
  p.scope = scope_kind::unscoped;
  check_rejected(p);
  p = sample();
  p.trust_id = "";
  check_rejected(p);
  p = sample();
  p.expires_at = p.issued_at - microseconds{1};
  check_rejected(p);
  p = sample();
  p.issued_at = timestamp{microseconds{-1}};
  check_rejected(p);
  p = sample();
  p.audit_ids.resize(9);
  check_rejected(p);
}

TEST_CASE("truncated or extended payload bytes do not unpack") {
  auto p = sample();
  p.application_credential_id = "app";
  auto packed = pack_payload(p);
  REQUIRE(packed.ok());
  for (size_t n = 0; n < packed->size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(unpack_payload(packed->substr(0, n)).ok());
  }
  CHECK_FALSE(unpack_payload(*packed + "x").ok());
  auto bad_method = *packed;
  bad_method[0] = static_cast<char>(0x80);
  CHECK_FALSE(unpack_payload(bad_method).ok());
  auto bad_flags = *packed;
  bad_flags[1] = static_cast<char>(0x41);
  CHECK_FALSE(unpack_payload(bad_flags).ok());
}

TEST_CASE("audit ids print as 22 url-safe characters and parse back") {
  for (int i = 0; i < 50; ++i) {
    auto id = random_audit_id();
    REQUIRE(id.ok());
    auto text = format_audit_id(*id);
    CHECK(text.size() == 22);
    CHECK(text.find_first_of("+/=") == std::string::npos);
    auto parsed = parse_audit_id(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == *id);
  }
  CHECK_FALSE(parse_audit_id("short").ok());
  CHECK_FALSE(parse_audit_id("AAAAAAAAAAAAAAAAAAAAA+").ok());
  CHECK_FALSE(parse_audit_id("AAAAAAAAAAAAAAAAAAAAAB").ok());
}

TEST_CASE("auth methods map to Keystone's names") {
  auth_methods m{auth_method::application_credential, auth_method::password};
  CHECK(m.names()
        == std::vector<std::string_view>{"password", "application_credential"});
  CHECK(parse_auth_method("token") == auth_method::token);
  CHECK_FALSE(parse_auth_method("totp").has_value());
  CHECK_FALSE(auth_methods::from_bits(0x08).has_value());
}

} // TEST_SUITE
