#include <doctest/doctest.h>

#include <algorithm>

#include "drivers/network/security_flows.hpp"

using namespace strato::network;

namespace {

bool has(const std::vector<std::string>& flows, const std::string& needle) {
  return std::any_of(flows.begin(), flows.end(), [&](const std::string& flow) {
    return flow.find(needle) != std::string::npos;
  });
}

port_security web_port() {
  port_security sec;
  sec.port_id = "p1";
  sec.mac = "fa:16:3e:00:00:01";
  sec.fixed_ips = {"10.0.0.5"};
  security_rule ssh;
  ssh.protocol = "tcp";
  ssh.port_range_min = 22;
  ssh.port_range_max = 22;
  ssh.remote_ip_prefix = "192.0.2.0/24";
  security_rule out;
  out.dir = direction::egress;
  sec.rules = {ssh, out};
  return sec;
}

} // namespace

TEST_SUITE("drivers/network/security_flows") {

TEST_CASE("a port may send only from its own MAC and address") {
  auto flows = port_flows(web_port(), 4, "0x1");
  REQUIRE(flows.ok());
  CHECK(has(*flows, "in_port=4,table=0,priority=100,dl_src=fa:16:3e:00:00:01,arp,"
                    "arp_spa=10.0.0.5,arp_sha=fa:16:3e:00:00:01,actions=NORMAL"));
  CHECK(has(*flows, "in_port=4,table=0,priority=100,dl_src=fa:16:3e:00:00:01,ip,"
                    "nw_src=10.0.0.5,actions=ct(table=1)"));
  CHECK(has(*flows, "in_port=4,table=0,priority=90,actions=drop"));
  CHECK(has(*flows, "in_port=4,table=0,priority=110,udp,tp_src=67,tp_dst=68,"
                    "actions=drop"));
}

TEST_CASE("ingress rules match the port's MAC and commit the connection") {
  auto flows = port_flows(web_port(), 4, "0x1");
  REQUIRE(flows.ok());
  CHECK(has(*flows, "table=3,priority=50,dl_dst=fa:16:3e:00:00:01,tcp,"
                    "nw_src=192.0.2.0/24,tp_dst=22,actions=ct(commit),NORMAL"));
  CHECK(has(*flows, "table=3,priority=10,dl_dst=fa:16:3e:00:00:01,actions=drop"));
  CHECK(has(*flows, "in_port=4,table=2,priority=50,ip,actions=resubmit(,3)"));
  CHECK(std::all_of(flows->begin(), flows->end(), [](const std::string& f) {
    return f.rfind("cookie=0x1,", 0) == 0;
  }));
}

TEST_CASE("allowed address pairs widen what the port may send and receive") {
  auto sec = web_port();
  sec.allowed_address_pairs = {{"10.0.0.100", "fa:16:3e:00:00:99"}};
  auto flows = port_flows(sec, 4, "0x1");
  REQUIRE(flows.ok());
  CHECK(has(*flows, "dl_src=fa:16:3e:00:00:99,ip,nw_src=10.0.0.100"));
  CHECK(has(*flows, "table=3,priority=50,dl_dst=fa:16:3e:00:00:99,tcp"));
}

TEST_CASE("without port security a port has no flows") {
  auto sec = web_port();
  sec.port_security_enabled = false;
  auto flows = port_flows(sec, 4, "0x1");
  REQUIRE(flows.ok());
  CHECK(flows->empty());
}

TEST_CASE("unknown protocols and inverted ranges are invalid") {
  auto sec = web_port();
  sec.rules[0].protocol = "bogus";
  CHECK(port_flows(sec, 4, "0x1").error().code() == strato::errc::invalid_argument);
  sec = web_port();
  sec.rules[0].port_range_min = 30;
  sec.rules[0].port_range_max = 20;
  CHECK(port_flows(sec, 4, "0x1").error().code() == strato::errc::invalid_argument);
}

TEST_CASE("port ranges become the fewest value/mask matches") {
  CHECK(port_masks(22, 22) == std::vector<std::string>{"22"});
  CHECK(port_masks(0, 65535) == std::vector<std::string>{"0x0000/0x0000"});
  CHECK(port_masks(1024, 2047) == std::vector<std::string>{"0x0400/0xfc00"});
  CHECK(port_masks(80, 83) == std::vector<std::string>{"0x0050/0xfffc"});
  CHECK(port_masks(79, 81) == std::vector<std::string>{"79", "0x0050/0xfffe"});
}

TEST_CASE("icmp rules match type and code") {
  auto sec = web_port();
  sec.rules[0].protocol = "icmp";
  sec.rules[0].port_range_min = 8;
  sec.rules[0].port_range_max = 0;
  sec.rules[0].remote_ip_prefix.clear();
  auto flows = port_flows(sec, 4, "0x1");
  REQUIRE(flows.ok());
  CHECK(has(*flows, ",icmp,icmp_type=8,icmp_code=0,actions=ct(commit),NORMAL"));
}

}
