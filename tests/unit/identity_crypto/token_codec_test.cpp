#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "actors/identity/crypto/base64.hpp"
#include "actors/identity/crypto/key_repository.hpp"
#include "actors/identity/crypto/token_codec.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::identity;
using namespace std::chrono;

namespace {

const timestamp issued = timestamp{microseconds{1'764'065'472'123'456}};

token_payload sample() {
  token_payload p;
  p.user_id = "a5d4b3c2e1f0a9b8c7d6e5f4a3b2c1d0";
  p.methods = {auth_method::password};
  p.scope = scope_kind::project;
  p.scope_id = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
  p.issued_at = issued;
  p.expires_at = issued + hours{1};
  p.audit_ids = {*random_audit_id()};
  return p;
}

key_set random_keys() {
  auto keys = key_set::random();
  REQUIRE(keys.ok());
  return *keys;
}

std::string encode(const token_payload& p, const key_set& keys) {
  auto token = encode_token(p, keys);
  REQUIRE_MESSAGE(token.ok(), token.error().describe());
  return *token;
}

void check_rejected(std::string_view token, const key_set& keys) {
  auto decoded = decode_token(token, keys, issued);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code() == errc::unauthorized);
  CHECK(decoded.error().message() == unauthenticated_message);
  CHECK_FALSE(is_token_expired(decoded.error()));
}

} // namespace

TEST_SUITE("actors/identity/crypto") {

TEST_CASE("tokens round-trip for every scope kind") {
  auto keys = random_keys();
  auto p = sample();
  for (auto [kind, id] :
       {std::pair{scope_kind::unscoped, ""},
        std::pair{scope_kind::project, "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"},
        std::pair{scope_kind::domain, "default"},
        std::pair{scope_kind::system, "all"}}) {
    CAPTURE(static_cast<int>(kind));
    p.scope = kind;
    p.scope_id = id;
    auto token = encode(p, keys);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                  "qrstuvwxyz0123456789-_")
          == std::string::npos);
    auto decoded = decode_token(token, keys, issued);
    REQUIRE_MESSAGE(decoded.ok(), decoded.error().describe());
    CHECK(*decoded == p);
  }
}

TEST_CASE("typical tokens stay well under 255 characters") {
  auto keys = random_keys();
  auto p = sample();
  p.methods = {auth_method::token, auth_method::application_credential};
  p.audit_ids.push_back(*random_audit_id());
  p.application_credential_id = "f3a1b2c3d4e5f60718293a4b5c6d7e8f";
  auto token = encode(p, keys);
  MESSAGE("typical token: " << token.size() << " characters");
  CHECK(token.size() < 200);
}

TEST_CASE("the same payload encrypts differently each time") {
  auto keys = random_keys();
  auto p = sample();
  CHECK(encode(p, keys) != encode(p, keys));
}

TEST_CASE("flipping any bit of any byte of a token is rejected") {
  auto keys = random_keys();
  auto token = encode(sample(), keys);
  auto raw = internal::base64_decode(token, internal::base64_alphabet::url);
  REQUIRE(raw.has_value());
  // Version, key id, nonce, ciphertext and tag: every byte.
  for (size_t i = 0; i < raw->size(); ++i) {
    for (int bit : {0, 7}) {
      CAPTURE(i);
      auto forged = *raw;
      forged[i] = static_cast<char>(forged[i] ^ (1 << bit));
      check_rejected(internal::base64_encode(
                       forged, internal::base64_alphabet::url, false),
                     keys);
    }
  }
}

TEST_CASE("malformed token text is rejected") {
  auto keys = random_keys();
  auto token = encode(sample(), keys);
  for (std::string bad :
       {std::string{}, std::string{"x"}, token.substr(0, 20), token + "A",
        token + "=", token.substr(0, token.size() - 1),
        token.substr(0, token.size() - 1) + "*", std::string(5000, 'A')}) {
    check_rejected(bad, keys);
  }
}

TEST_CASE("a token under another key is rejected") {
  auto token = encode(sample(), random_keys());
  check_rejected(token, random_keys());
}

TEST_CASE("expired tokens are rejected with their own message") {
  auto keys = random_keys();
  auto p = sample();
  auto token = encode(p, keys);
  CHECK(decode_token(token, keys, p.expires_at - microseconds{1}).ok());
  for (auto now : {p.expires_at, p.expires_at + hours{24 * 365}}) {
    auto decoded = decode_token(token, keys, now);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code() == errc::unauthorized);
    CHECK(is_token_expired(decoded.error()));
  }
  auto late = decode_token_allow_expired(token, keys);
  REQUIRE(late.ok());
  CHECK(*late == p);
}

TEST_CASE("after rotation secondary keys validate and purged keys do not") {
  testing::temp_dir tmp;
  REQUIRE(key_repository::setup(tmp.path()).ok());
  auto before = key_repository::load(tmp.path());
  REQUIRE(before.ok());
  auto old_token = encode(sample(), *before);

  REQUIRE(key_repository::rotate(tmp.path(), 3).ok());
  auto after = key_repository::load(tmp.path());
  REQUIRE(after.ok());
  auto new_token = encode(sample(), *after);
  // Key 1 is now a secondary here.
  CHECK(decode_token(old_token, *after, issued).ok());
  // A node that has not rotated yet holds the new primary as its staged key.
  CHECK(decode_token(new_token, *before, issued).ok());

  REQUIRE(key_repository::rotate(tmp.path(), 3).ok());
  auto purged = key_repository::load(tmp.path());
  REQUIRE(purged.ok());
  check_rejected(old_token, *purged);
  CHECK(decode_token(new_token, *purged, issued).ok());
}

TEST_CASE("many threads encode and decode with one key set") {
  auto keys = random_keys();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto p = sample();
        p.user_id = "user-" + std::to_string(t) + "-" + std::to_string(i);
        auto token = encode_token(p, keys);
        if (!token) {
          ++failures;
          continue;
        }
        auto decoded = decode_token(*token, keys, issued);
        if (!decoded || *decoded != p) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(failures.load() == 0);
}

} // TEST_SUITE
