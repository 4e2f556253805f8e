#include <doctest/doctest.h>

#include <set>

#include "actors/network/core/mac_address.hpp"
#include "actors/network/core/segments.hpp"

using namespace strato::network;

TEST_SUITE("actors/network/allocators") {

TEST_CASE("MACs parse in either case and print lowercase") {
  auto mac = parse_mac("FA:16:3E:0A:0b:0C");
  REQUIRE(mac);
  CHECK(format_mac(*mac) == "fa:16:3e:0a:0b:0c");
  CHECK_FALSE(parse_mac("fa:16:3e:0a:0b"));
  CHECK_FALSE(parse_mac("01:00:5e:00:00:01")); // multicast
  CHECK_FALSE(parse_mac("fa:16:3e:0a:0b:zz"));
}

TEST_CASE("generated MACs are under fa:16:3e and never collide") {
  mac_registry macs;
  std::mt19937_64 rng{42};
  for (int i = 0; i < 20000; ++i) {
    auto mac = macs.generate(rng);
    REQUIRE(mac);
    CHECK(mac->rfind("fa:16:3e:", 0) == 0);
    auto value = *parse_mac(*mac);
    REQUIRE_FALSE(macs.in_use(value));
    macs.add(value);
  }
  CHECK(macs.size() == 20000);
}

TEST_CASE("a MAC in use is avoided even when the generator draws it") {
  mac_registry macs;
  std::mt19937_64 a{7};
  auto first = *macs.generate(a);
  macs.add(*parse_mac(first));
  std::mt19937_64 b{7}; // same draws again
  CHECK(*macs.generate(b) != first);
}

TEST_CASE("project segments come lowest first from the range, never twice") {
  segment_ranges ranges;
  ranges.vxlan = {10, 12};
  segment_allocator seg{ranges};
  std::set<int64_t> got;
  for (int i = 0; i < 3; ++i) {
    auto id = seg.next_free("vxlan", "");
    REQUIRE(id);
    CHECK(seg.take("vxlan", "", *id));
    got.insert(*id);
  }
  CHECK(got == std::set<int64_t>{10, 11, 12});
  CHECK_FALSE(seg.next_free("vxlan", ""));
  CHECK_FALSE(seg.take("vxlan", "", 11));
  seg.release("vxlan", "", 11);
  CHECK(*seg.next_free("vxlan", "") == 11);
}

TEST_CASE("VLAN tags are per physical network") {
  segment_allocator seg;
  CHECK(seg.take("vlan", "physnet1", 100));
  CHECK(seg.in_use("vlan", "physnet1", 100));
  CHECK_FALSE(seg.in_use("vlan", "physnet2", 100));
  CHECK(*seg.next_free("vlan", "physnet1") == 101);
  CHECK(*seg.next_free("vlan", "physnet2") == 100);
}

TEST_CASE("segmentation ids are checked against their type") {
  CHECK(valid_segmentation_id("vlan", 4094));
  CHECK_FALSE(valid_segmentation_id("vlan", 4095));
  CHECK(valid_segmentation_id("vxlan", 16777215));
  CHECK_FALSE(valid_segmentation_id("vxlan", 0));
  CHECK_FALSE(valid_segmentation_id("flat", 1));
}

}

TEST_CASE("the node's segment settings are parsed and checked") {
  auto r = parse_segment_ranges("vlan", "physnet2:200:299", "5:9");
  REQUIRE(r);
  CHECK(r->tenant_network_type == "vlan");
  CHECK(r->tenant_physical_network == "physnet2");
  CHECK(r->vlan == std::pair<int64_t, int64_t>{200, 299});
  CHECK(r->vxlan == std::pair<int64_t, int64_t>{5, 9});
  CHECK_FALSE(parse_segment_ranges("vlan", "physnet2:200:5000", "5:9"));
  CHECK_FALSE(parse_segment_ranges("vxlan", "physnet1:100:200", "9:5"));
  CHECK_FALSE(parse_segment_ranges("vxlan", "100:200", "1:10"));
}
