#include <doctest/doctest.h>

#include "actors/identity/crypto/password_hash.hpp"

using namespace strato;
using namespace strato::identity;

namespace {

/// Few rounds: the tests check the format, not the cost.
constexpr uint32_t test_rounds = 1000;

/// Computed with Python's hashlib.pbkdf2_hmac('sha512', ...) over the salt
/// bytes 0..15 and encoded as passlib's ab64, i.e. what passlib's
/// pbkdf2_sha512 (and so Keystone) stores for these passwords.
struct passlib_vector {
  const char* password;
  const char* stored;
};

constexpr passlib_vector passlib_vectors[] = {
  {"correct horse battery staple",
   "$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw$A6AmFIti7CKlYdoPiV9jf1d9llp37o2"
   "7Wms8Zx8fwMJGCOigJzAthOW3Pg.XF5PnNiYnsQsIz1N5NtynrEm78w"},
  {"", "$pbkdf2-sha512$1$AAECAwQFBgcICQoLDA0ODw$/kIueaDkOo0TziMh6dzGHviz/JUsu5g"
       "IpP5hrj1vtQHEGLi/AJ.NNsHZg8CzMLetCyzjXw8jEDCrn3KyBd2QtQ"},
  {"p\xc3\xa4ssw\xc3\xb6rd",
   "$pbkdf2-sha512$29000$AAECAwQFBgcICQoLDA0ODw$ISo.3u36HR/BDS308uKUhFOzRRCMM/"
   "4mGFO7Qvrd8w28BpKsRMZsN8CM5uJQVE.LK2iq3ghVAbA8wG7ceixI8A"},
};

} // namespace

TEST_SUITE("actors/identity/crypto") {

TEST_CASE("a hashed password verifies and a wrong one does not") {
  auto stored = hash_password("s3cret", test_rounds);
  REQUIRE(stored.ok());
  CHECK(stored->starts_with("$pbkdf2-sha512$1000$"));
  // 16-byte salt and 64-byte checksum in ab64: 22 and 86 characters.
  CHECK(stored->size() == std::string_view{"$pbkdf2-sha512$1000$"}.size() + 22
                            + 1 + 86);
  auto good = verify_password("s3cret", *stored);
  REQUIRE(good.ok());
  CHECK(*good);
  for (auto wrong : {"S3cret", "s3cret ", "", "s3cre"}) {
    auto bad = verify_password(wrong, *stored);
    REQUIRE(bad.ok());
    CHECK_FALSE(*bad);
  }
}

TEST_CASE("each hash gets its own salt") {
  auto a = hash_password("same", test_rounds);
  auto b = hash_password("same", test_rounds);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a != *b);
}

TEST_CASE("hashes written by passlib verify") {
  for (const auto& v : passlib_vectors) {
    CAPTURE(v.stored);
    auto ok = verify_password(v.password, v.stored);
    REQUIRE(ok.ok());
    CHECK(*ok);
    auto wrong = verify_password("not it", v.stored);
    REQUIRE(wrong.ok());
    CHECK_FALSE(*wrong);
  }
}

TEST_CASE("malformed stored hashes are errors, not mismatches") {
  const std::string good = passlib_vectors[0].stored;
  for (std::string stored : {
         std::string{""},
         std::string{"plaintext"},
         std::string{"$pbkdf2-sha512$"},
         std::string{"$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw"},
         good + "$",
         good + "$extra",
         good.substr(0, good.size() - 1),
         std::string{"$pbkdf2-sha512$01000"} + good.substr(19),
         std::string{"$pbkdf2-sha512$0"} + good.substr(19),
         std::string{"$pbkdf2-sha512$x"} + good.substr(19),
         std::string{"$pbkdf2-sha512$99999999999"} + good.substr(19),
         std::string{"$pbkdf2-sha512$1000$AAEC*wQFBgcICQoLDA0ODw"}
           + good.substr(42),
         std::string{"$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw=="}
           + good.substr(42),
       }) {
    CAPTURE(stored);
    auto verified = verify_password("correct horse battery staple", stored);
    REQUIRE_FALSE(verified.ok());
    CHECK(verified.error().code() == errc::corruption);
  }
}

TEST_CASE("other passlib schemes are reported as unsupported") {
  auto bcrypt = verify_password(
    "x", "$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m");
  REQUIRE_FALSE(bcrypt.ok());
  CHECK(bcrypt.error().code() == errc::unsupported_format);
  CHECK(bcrypt.error().message().find("$2b$") != std::string::npos);
}

TEST_CASE("hashing rejects zero rounds") {
  auto zero = hash_password("x", 0);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code() == errc::invalid_argument);
}

TEST_CASE("a hash needs rehashing when its rounds differ from the policy") {
  auto stored = hash_password("x", test_rounds);
  REQUIRE(stored.ok());
  auto same = needs_rehash(*stored, test_rounds);
  REQUIRE(same.ok());
  CHECK_FALSE(*same);
  auto more = needs_rehash(*stored, test_rounds * 2);
  REQUIRE(more.ok());
  CHECK(*more);
  auto fewer = needs_rehash(*stored, test_rounds / 2);
  REQUIRE(fewer.ok());
  CHECK(*fewer);
  // A short salt (passlib allows down to none) is upgraded too.
  auto short_salt = needs_rehash(
    "$pbkdf2-sha512$1000$AAEC$A6AmFIti7CKlYdoPiV9jf1d9llp37o27Wms8Zx8fwMJGCOig"
    "JzAthOW3Pg.XF5PnNiYnsQsIz1N5NtynrEm78w",
    test_rounds);
  REQUIRE(short_salt.ok());
  CHECK(*short_salt);
  auto malformed = needs_rehash("garbage", test_rounds);
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().code() == errc::corruption);
}

} // TEST_SUITE
