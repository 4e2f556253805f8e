#include <doctest/doctest.h>

#include <set>

#include "actors/network/core/registry.hpp"

using namespace strato;
using namespace strato::network;

namespace {

struct fixture {
  registry reg;
  std::mt19937_64 rng{1};
  int next_id = 0;

  std::string id() {
    char buf[37];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", ++next_id);
    return buf;
  }

  void apply(const events& evs) {
    for (const auto& e : evs) {
      reg.apply(e);
    }
  }

  template <class T>
  T must(result<T> r) {
    if (!r.ok()) {
      FAIL("unexpected refusal: " << r.error().message());
    }
    return std::move(*r);
  }

  std::string network(const std::string& project = "p1",
                      bool external = false) {
    pb::Network n;
    n.mutable_meta()->set_id(id());
    n.mutable_meta()->set_project_id(project);
    n.set_external(external);
    apply(must(reg.decide_create_network(n)));
    return n.meta().id();
  }

  std::string subnet(const std::string& net, const std::string& cidr,
                     const std::string& gateway) {
    pb::Subnet s;
    s.mutable_meta()->set_id(id());
    s.mutable_meta()->set_project_id("p1");
    s.set_network_id(net);
    s.set_ip_version(cidr.find(':') == std::string::npos ? 4 : 6);
    s.set_cidr(cidr);
    s.set_gateway_ip(gateway);
    apply(must(reg.decide_create_subnet(s)));
    return s.meta().id();
  }

  result<events> try_port(const std::string& net,
                          std::vector<ip_request> ips = {},
                          std::string device = "") {
    pb::Port p;
    p.mutable_meta()->set_id(id());
    p.mutable_meta()->set_project_id("p1");
    p.set_network_id(net);
    p.set_device_id(std::move(device));
    bool given = !ips.empty();
    return reg.decide_create_port(p, ips, given, rng);
  }

  const pb::Port& port(const std::string& net, std::vector<ip_request> ips = {}) {
    auto evs = must(try_port(net, std::move(ips)));
    apply(evs);
    return reg.ports().at(evs.front().port_put().meta().id());
  }
};

size_t count_case(const events& evs, event::EventCase c) {
  size_t n = 0;
  for (const auto& e : evs) {
    n += e.event_case() == c ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_SUITE("actors/network/registry") {

TEST_CASE_FIXTURE(fixture, "project networks get distinct segmentation ids") {
  auto a = network();
  auto b = network("p2");
  const auto& na = reg.networks().at(a);
  const auto& nb = reg.networks().at(b);
  CHECK(na.network_type() == "vxlan");
  CHECK(na.segmentation_id() == 1);
  CHECK(nb.segmentation_id() == 2);
  CHECK(reg.segments().in_use("vxlan", "", 1));
}

TEST_CASE_FIXTURE(fixture, "a provider segment in use is refused") {
  pb::Network n;
  n.mutable_meta()->set_id(id());
  n.set_network_type("vlan");
  n.set_physical_network("physnet1");
  n.set_segmentation_id(200);
  apply(must(reg.decide_create_network(n)));
  n.mutable_meta()->set_id(id());
  auto again = reg.decide_create_network(n);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == errc::conflict);
  CHECK(split_fault(again.error()).type == "VlanIdInUse");
}

TEST_CASE_FIXTURE(fixture, "deleting a network releases its segment") {
  auto a = network();
  auto evs = must(reg.decide_delete_network(a));
  CHECK(count_case(evs, event::kSegmentReleased) == 1);
  apply(evs);
  CHECK_FALSE(reg.segments().in_use("vxlan", "", 1));
}

TEST_CASE_FIXTURE(fixture, "subnets are validated against the network") {
  auto net = network();
  subnet(net, "10.0.0.0/24", "10.0.0.1");
  pb::Subnet s;
  s.mutable_meta()->set_id(id());
  s.set_network_id(net);
  s.set_ip_version(4);
  s.set_cidr("10.0.0.128/25");
  auto overlap = reg.decide_create_subnet(s);
  REQUIRE_FALSE(overlap.ok());
  CHECK(split_fault(overlap.error()).message.find("overlaps with another "
                                                  "subnet")
        != std::string::npos);
  s.set_cidr("10.9.0.5/24");
  auto host_bits = reg.decide_create_subnet(s);
  REQUIRE_FALSE(host_bits.ok());
  CHECK(split_fault(host_bits.error()).message.find("10.9.0.0/24")
        != std::string::npos);
  s.set_cidr("10.9.0.0/24");
  s.set_gateway_ip("10.9.0.10");
  auto* pool = s.add_allocation_pools();
  pool->set_start("10.9.0.5");
  pool->set_end("10.9.0.20");
  auto gw = reg.decide_create_subnet(s);
  REQUIRE_FALSE(gw.ok());
  CHECK(split_fault(gw.error()).type == "GatewayConflictWithAllocationPools");
}

TEST_CASE_FIXTURE(fixture, "ports get distinct addresses and MACs") {
  auto net = network();
  subnet(net, "10.0.0.0/24", "10.0.0.1");
  std::set<std::string> ips;
  std::set<std::string> macs;
  for (int i = 0; i < 100; ++i) {
    const auto& p = port(net);
    REQUIRE(p.fixed_ips_size() == 1);
    CHECK(ips.insert(p.fixed_ips(0).ip_address()).second);
    CHECK(macs.insert(p.mac_address()).second);
  }
  CHECK(ips.count("10.0.0.2") == 1);
  CHECK(ips.count("10.0.0.1") == 0);
}

TEST_CASE_FIXTURE(fixture, "an address already allocated is a 409") {
  auto net = network();
  auto sn = subnet(net, "10.0.0.0/24", "10.0.0.1");
  port(net, {{"", "10.0.0.50"}});
  auto dup = try_port(net, {{"", "10.0.0.50"}});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code() == errc::conflict);
  auto parts = split_fault(dup.error());
  CHECK(parts.type == "IpAddressAlreadyAllocated");
  CHECK(parts.message == "IP address 10.0.0.50 already allocated in subnet "
                           + sn);
  auto gateway = try_port(net, {{"", "10.0.0.1"}});
  CHECK_FALSE(gateway.ok());
  auto outside = try_port(net, {{"", "10.7.0.1"}});
  REQUIRE_FALSE(outside.ok());
  CHECK(split_fault(outside.error()).type == "InvalidIpForNetwork");
}

TEST_CASE_FIXTURE(fixture, "deleting a port frees its addresses as events") {
  auto net = network();
  auto sn = subnet(net, "10.0.0.0/30", "10.0.0.1"); // one host address: .2
  auto pid = port(net).meta().id();
  auto full = try_port(net);
  REQUIRE_FALSE(full.ok());
  CHECK(split_fault(full.error()).type == "IpAddressGenerationFailure");
  auto evs = must(reg.decide_delete_port(pid, true));
  CHECK(count_case(evs, event::kIpReleased) == 1);
  apply(evs);
  CHECK(port(net).fixed_ips(0).ip_address() == "10.0.0.2");
}

TEST_CASE_FIXTURE(fixture, "a network with ports cannot be deleted") {
  auto net = network();
  subnet(net, "10.0.0.0/24", "10.0.0.1");
  port(net);
  auto del = reg.decide_delete_network(net);
  REQUIRE_FALSE(del.ok());
  CHECK(del.error().code() == errc::conflict);
  CHECK(split_fault(del.error()).message
        == "Unable to complete operation on network " + net
             + ". There are one or more ports still in use on the network.");
}

TEST_CASE_FIXTURE(fixture, "a MAC in use is refused") {
  auto net = network();
  const auto& p = port(net);
  pb::Port q;
  q.mutable_meta()->set_id(id());
  q.set_network_id(net);
  q.set_mac_address(p.mac_address());
  auto dup = reg.decide_create_port(q, {}, false, rng);
  REQUIRE_FALSE(dup.ok());
  CHECK(split_fault(dup.error()).type == "MacAddressInUse");
}

TEST_CASE_FIXTURE(fixture, "the default group admits only its members") {
  apply(reg.ensure_default_group("p1", "now"));
  const auto* g = reg.default_group("p1");
  REQUIRE(g != nullptr);
  CHECK(g->meta().name() == "default");
  int ingress = 0;
  int egress = 0;
  for (const auto& [rid, r] : reg.rules()) {
    if (r.security_group_id() != g->meta().id()) {
      continue;
    }
    if (r.direction() == "ingress") {
      ++ingress;
      CHECK(r.remote_group_id() == g->meta().id());
      CHECK(r.remote_ip_prefix().empty());
    } else {
      ++egress;
      CHECK(r.remote_group_id().empty());
    }
  }
  CHECK(ingress == 2);
  CHECK(egress == 2);
  CHECK(reg.ensure_default_group("p1", "later").empty());
  auto del = reg.decide_delete_group(g->meta().id(), false);
  CHECK_FALSE(del.ok());
}

TEST_CASE_FIXTURE(fixture, "a duplicate rule is a 409 naming the rule") {
  apply(reg.ensure_default_group("p1", "now"));
  const auto* g = reg.default_group("p1");
  pb::SecurityGroupRule r;
  r.mutable_meta()->set_id(id());
  r.set_security_group_id(g->meta().id());
  r.set_direction("ingress");
  r.set_ethertype("IPv4");
  r.set_protocol("tcp");
  r.set_port_range_min(22);
  r.set_port_range_max(22);
  apply(must(reg.decide_create_rule(r)));
  r.mutable_meta()->set_id(id());
  auto dup = reg.decide_create_rule(r);
  REQUIRE_FALSE(dup.ok());
  CHECK(split_fault(dup.error()).type == "SecurityGroupRuleExists");
}

TEST_CASE_FIXTURE(fixture, "routers connect subnets and carry floating IPs") {
  auto ext = network("admin", true);
  subnet(ext, "172.24.4.0/24", "172.24.4.1");
  auto net = network();
  auto sn = subnet(net, "10.0.0.0/24", "10.0.0.1");
  pb::Router r;
  r.mutable_meta()->set_id(id());
  r.mutable_meta()->set_project_id("p1");
  r.set_gateway_network_id(ext);
  apply(must(reg.decide_create_router(r, rng, "now")));
  const auto& router = reg.routers().at(r.meta().id());
  CHECK(router.gateway_fixed_ips_size() == 1);
  auto iface = id();
  apply(must(reg.decide_add_interface(r.meta().id(), sn, "", iface, rng, "n")));
  CHECK(reg.ports().at(iface).fixed_ips(0).ip_address() == "10.0.0.1");
  const auto& vm = port(net);
  pb::FloatingIp f;
  f.mutable_meta()->set_id(id());
  f.set_floating_network_id(ext);
  f.set_port_id(vm.meta().id());
  apply(must(reg.decide_create_floating_ip(f, id(), rng)));
  const auto& fip = reg.floating_ips().at(f.meta().id());
  CHECK(fip.router_id() == r.meta().id());
  CHECK(fip.fixed_ip_address() == vm.fixed_ips(0).ip_address());
  CHECK_FALSE(reg.decide_delete_router(r.meta().id()).ok());
  CHECK_FALSE(reg.decide_remove_interface(r.meta().id(), sn, "").ok());
  auto unset = fip;
  unset.clear_port_id();
  apply(must(reg.decide_update_floating_ip(unset)));
  apply(must(reg.decide_remove_interface(r.meta().id(), sn, "")));
  apply(must(reg.decide_delete_router(r.meta().id())));
  CHECK(reg.ports().count(iface) == 0);
}

TEST_CASE_FIXTURE(fixture, "a snapshot restores records and allocations") {
  auto net = network();
  subnet(net, "10.0.0.0/24", "10.0.0.1");
  auto ip = port(net).fixed_ips(0).ip_address();
  registry copy;
  copy.restore(reg.snapshot());
  CHECK(copy.ports().size() == 1);
  CHECK(copy.segments().in_use("vxlan", "", 1));
  auto sn = copy.networks().at(net).subnet_ids(0);
  CHECK(copy.ipam(sn)->allocated(*parse_ip(ip)));
  CHECK(copy.macs().size() == 1);
}

}
