#include <doctest/doctest.h>

#include "runtime/api/formats.hpp"

using namespace strato::api;

TEST_CASE("uuid accepts what oslo's is_uuid_like accepts") {
  CHECK(is_uuid_like("70a599e0-31e7-49b7-b260-868f441e862b"));
  CHECK(is_uuid_like("70A599E031E749B7B260868F441E862B"));
  CHECK(is_uuid_like("{70a599e0-31e7-49b7-b260-868f441e862b}"));
  CHECK(is_uuid_like("urn:uuid:70a599e0-31e7-49b7-b260-868f441e862b"));
  CHECK_FALSE(is_uuid_like("70a599e0-31e7-49b7-b260-868f441e862"));
  CHECK_FALSE(is_uuid_like("70a599e0-31e7-49b7-b260-868f441e862g"));
  CHECK_FALSE(is_uuid_like(""));
  CHECK_FALSE(is_uuid_like("{}"));
}

TEST_CASE("date-time accepts what oslo's parse_isotime accepts") {
  for (auto ok : {"2012", "2012-01", "2012-1-5", "20120105", "2012-01-05T10",
                  "2012-01-05T10:30Z", "2012-01-05 10:30:59",
                  "2012-01-05T10:30:00.123+05:30", "2012-01-05T1030",
                  "2012-01-05T10:30:00+0530", "2012-02-29T00:00:00Z",
                  "2000-02-29"}) {
    CAPTURE(ok);
    CHECK(is_date_time(ok));
  }
  for (auto bad : {"", "201", "2012-13-01", "2012-02-30", "2013-02-29",
                   "1900-02-29", "2012-01-05 10:30:61", "2012-01-05T24:00",
                   "2012-01-05T10:30:00+25:00", "201201", "2012-01-05X",
                   "2012-01-05T10:30:00.", "2012-01-05t10:30",
                   "2012-01-05T10:30:00Zjunk"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_date_time(bad));
  }
}

TEST_CASE("email is jsonschema's loose check") {
  CHECK(is_email("a@b"));
  CHECK(is_email("@"));
  CHECK_FALSE(is_email("ab"));
}

TEST_CASE("ipv4 is a strict dotted quad") {
  CHECK(is_ipv4("0.0.0.0"));
  CHECK(is_ipv4("255.255.255.255"));
  CHECK_FALSE(is_ipv4("256.1.1.1"));
  CHECK_FALSE(is_ipv4("01.1.1.1"));
  CHECK_FALSE(is_ipv4("1.1.1"));
  CHECK_FALSE(is_ipv4("1.1.1.1."));
  CHECK_FALSE(is_ipv4(" 1.1.1.1"));
}

TEST_CASE("ipv6 accepts RFC 4291 text and a scope") {
  CHECK(is_ipv6("::1"));
  CHECK(is_ipv6("2001:db8::8a2e:370:7334"));
  CHECK(is_ipv6("::ffff:192.0.2.1"));
  CHECK(is_ipv6("fe80::1%eth0"));
  CHECK_FALSE(is_ipv6("fe80::1%"));
  CHECK_FALSE(is_ipv6("1::2::3"));
  CHECK_FALSE(is_ipv6("12345::"));
  CHECK_FALSE(is_ipv6(std::string_view{"::1\0x", 5}));
  CHECK_FALSE(is_ipv6("1.2.3.4"));
}

TEST_CASE("cidr needs an address, a slash and a prefix") {
  CHECK(is_cidr("10.0.0.0/8"));
  CHECK(is_cidr("10.0.0.1/32"));
  CHECK(is_cidr("10.0.0.0/255.0.0.0"));
  CHECK(is_cidr("2001:db8::/32"));
  CHECK(is_cidr("::/0"));
  CHECK_FALSE(is_cidr("10.0.0.0"));
  CHECK_FALSE(is_cidr("10.0.0.0/33"));
  CHECK_FALSE(is_cidr("10.0.0.0/255.0.255.0"));
  CHECK_FALSE(is_cidr("2001:db8::/129"));
  CHECK_FALSE(is_cidr("10.0.0.0/ 8"));
  CHECK_FALSE(is_cidr("10.0.0.0/"));
}

TEST_CASE("uri needs a scheme and a host") {
  CHECK(is_uri("http://example.com"));
  CHECK(is_uri("https://user@host:8443/path?q=1#frag"));
  CHECK(is_uri("http://[::1]:80/"));
  CHECK_FALSE(is_uri("mailto:a@b"));
  CHECK_FALSE(is_uri("http://"));
  CHECK_FALSE(is_uri("http://host:port"));
  CHECK_FALSE(is_uri("http://exa mple.com"));
  CHECK_FALSE(is_uri("1http://host"));
  CHECK_FALSE(is_uri("http://[zz]/"));
}
