#include <doctest/doctest.h>

#include "actors/identity/crypto/keystone_time.hpp"

using namespace strato;
using namespace strato::identity;
using namespace std::chrono;

namespace {

timestamp at(sys_days day, microseconds since_midnight) {
  return timestamp{day} + since_midnight;
}

} // namespace

TEST_SUITE("actors/identity/crypto") {

TEST_CASE("keystone times print six fractional digits and a Z") {
  auto t = at(2026y / November / 25, hours{10} + minutes{11} + seconds{12}
                                       + microseconds{123456});
  CHECK(format_keystone_time(t) == "2026-11-25T10:11:12.123456Z");
  CHECK(format_keystone_time(timestamp{}) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_keystone_time(at(2024y / February / 29, microseconds{7}))
        == "2024-02-29T00:00:00.000007Z");
}

TEST_CASE("keystone times parse back what they print") {
  auto t = at(2026y / November / 25, hours{23} + minutes{59} + seconds{59}
                                       + microseconds{999999});
  auto parsed = parse_keystone_time(format_keystone_time(t));
  REQUIRE(parsed.ok());
  CHECK(*parsed == t);
}

TEST_CASE("keystone time parsing accepts what clients send") {
  auto base = at(2026y / November / 25, hours{10} + minutes{11} + seconds{12});
  struct sample {
    const char* text;
    timestamp expected;
  };
  for (auto [text, expected] : {
         sample{"2026-11-25T10:11:12Z", base},
         sample{"2026-11-25T10:11:12", base},
         sample{"2026-11-25T10:11:12+00:00", base},
         sample{"2026-11-25T10:11:12.5Z", base + milliseconds{500}},
         sample{"2026-11-25T10:11:12.123456789Z", base + microseconds{123456}},
         sample{"2026-11-25T12:11:12.000001+02:00", base + microseconds{1}},
         sample{"2026-11-25T05:41:12-04:30", base},
       }) {
    CAPTURE(text);
    auto parsed = parse_keystone_time(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == expected);
  }
}

TEST_CASE("keystone time parsing rejects malformed text") {
  for (auto text : {"", "2026-11-25", "2026-11-25 10:11:12Z",
                    "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                    "2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z",
                    "2026-11-25T10:11:60Z", "2026-11-25T10:11:12.Z",
                    "2026-11-25T10:11:12.1234567890Z", "2026-11-25T10:11:12ZZ",
                    "2026-11-25T10:11:12+0000", "2026-11-25T10:11:12+24:00",
                    "26-11-25T10:11:12Z", "2026-11-25T10:11:1Z"}) {
    CAPTURE(text);
    auto parsed = parse_keystone_time(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code() == errc::invalid_argument);
  }
}

} // TEST_SUITE
