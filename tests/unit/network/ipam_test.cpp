#include <doctest/doctest.h>

#include <set>

#include "actors/network/core/ipam.hpp"

using namespace strato::network;

namespace {

ip_prefix prefix(const char* text) {
  return parse_prefix(text)->prefix;
}

ip_address ip(const char* text) {
  return *parse_ip(text);
}

} // namespace

TEST_SUITE("actors/network/ipam") {

TEST_CASE("prefixes parse, normalise and report host bits") {
  auto p = parse_prefix("10.0.0.7/24");
  REQUIRE(p);
  CHECK(p->host_bits_set);
  CHECK(p->prefix.to_string() == "10.0.0.0/24");
  CHECK(parse_prefix("fd00:1::/64")->prefix.to_string() == "fd00:1::/64");
  CHECK_FALSE(parse_prefix("10.0.0.0/33"));
  CHECK_FALSE(parse_prefix("10.0.0.0"));
  CHECK_FALSE(parse_prefix("10.0.0.0/2x"));
  CHECK(prefix("10.0.0.0/16").overlaps(prefix("10.0.5.0/24")));
  CHECK_FALSE(prefix("10.0.0.0/24").overlaps(prefix("10.0.1.0/24")));
  CHECK(prefix("10.0.0.0/24").last().to_string() == "10.0.0.255");
}

TEST_CASE("default pools leave out the network, broadcast and gateway") {
  auto pools = default_pools(prefix("10.0.0.0/24"), ip("10.0.0.1"));
  REQUIRE(pools.size() == 1);
  CHECK(pools[0].start.to_string() == "10.0.0.2");
  CHECK(pools[0].end.to_string() == "10.0.0.254");
  auto mid = default_pools(prefix("10.0.0.0/24"), ip("10.0.0.100"));
  REQUIRE(mid.size() == 2);
  CHECK(mid[0].end.to_string() == "10.0.0.99");
  CHECK(mid[1].start.to_string() == "10.0.0.101");
  auto v6 = default_pools(prefix("fd00::/64"), ip("fd00::1"));
  REQUIRE(v6.size() == 1);
  CHECK(v6[0].start.to_string() == "fd00::2");
  CHECK(v6[0].end.to_string() == "fd00::ffff:ffff:ffff:ffff");
}

TEST_CASE("addresses come out lowest first and never twice") {
  auto cidr = prefix("192.168.0.0/24");
  subnet_ipam ipam{cidr, default_pools(cidr, ip("192.168.0.1"))};
  std::set<std::string> seen;
  for (int i = 0; i < 253; ++i) {
    auto a = ipam.next_free();
    REQUIRE(a);
    CHECK(seen.insert(a->to_string()).second);
    CHECK(ipam.take(*a));
  }
  CHECK(seen.count("192.168.0.2") == 1);
  CHECK(seen.count("192.168.0.254") == 1);
  CHECK_FALSE(ipam.next_free());
}

TEST_CASE("a freed address is handed out again once the pool wraps") {
  auto cidr = prefix("10.1.0.0/29"); // hosts .1-.6, gateway .1
  subnet_ipam ipam{cidr, default_pools(cidr, ip("10.1.0.1"))};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(ipam.take(*ipam.next_free()));
  }
  CHECK_FALSE(ipam.next_free());
  ipam.release(ip("10.1.0.4"));
  CHECK(ipam.next_free()->to_string() == "10.1.0.4");
  CHECK_FALSE(ipam.take(ip("10.1.0.5")));
}

TEST_CASE("addresses taken by the same decision are skipped") {
  auto cidr = prefix("10.2.0.0/24");
  subnet_ipam ipam{cidr, default_pools(cidr, ip("10.2.0.1"))};
  std::set<u128> also{ip("10.2.0.2").value, ip("10.2.0.3").value};
  CHECK(ipam.next_free(also)->to_string() == "10.2.0.4");
}

TEST_CASE("explicit addresses must be host addresses of the prefix") {
  auto cidr = prefix("10.3.0.0/24");
  subnet_ipam ipam{cidr, default_pools(cidr, ip("10.3.0.1"))};
  CHECK(ipam.assignable(ip("10.3.0.200")));
  CHECK_FALSE(ipam.assignable(ip("10.3.0.0")));
  CHECK_FALSE(ipam.assignable(ip("10.3.0.255")));
  CHECK_FALSE(ipam.assignable(ip("10.4.0.5")));
  CHECK_FALSE(ipam.assignable(ip("fd00::5")));
}

TEST_CASE("a /16 hands out 65533 distinct addresses") {
  auto cidr = prefix("10.20.0.0/16");
  subnet_ipam ipam{cidr, default_pools(cidr, ip("10.20.0.1"))};
  size_t n = 0;
  while (auto a = ipam.next_free()) {
    REQUIRE(ipam.take(*a));
    ++n;
  }
  CHECK(n == 65533);
  CHECK(ipam.allocated_count() == 65533);
}

}
