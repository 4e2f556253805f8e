#include <doctest/doctest.h>

#include <algorithm>

#include "drivers/network/namespace_config.hpp"

using namespace strato::network;

namespace {

dhcp_config two_subnets() {
  dhcp_config dhcp;
  dhcp.network_id = "net-1";
  dhcp.port_id = "dhcp-port";
  dhcp.subnets = {{"s4", "10.0.0.0/24", "10.0.0.1", {"192.0.2.53", "192.0.2.54"},
                   {{"10.9.0.0/16", "10.0.0.254"}}},
                  {"s6", "2001:db8::/64", "2001:db8::1", {}, {}}};
  dhcp.hosts = {{"p1", "fa:16:3e:00:00:01", "10.0.0.5", ""},
                {"p1", "fa:16:3e:00:00:01", "2001:db8::5", "vm1"}};
  dhcp.lease_seconds = 600;
  return dhcp;
}

bool contains(const std::vector<std::string>& args, const std::string& arg) {
  return std::find(args.begin(), args.end(), arg) != args.end();
}

} // namespace

TEST_SUITE("drivers/network/namespace_config") {

TEST_CASE("dnsmasq hosts name each address as Neutron does") {
  CHECK(dnsmasq_hosts(two_subnets())
        == "fa:16:3e:00:00:01,host-10-0-0-5,10.0.0.5\n"
           "fa:16:3e:00:00:01,vm1,[2001:db8::5]\n");
}

TEST_CASE("dnsmasq options give router, DNS and classless routes per subnet") {
  auto opts = dnsmasq_opts(two_subnets());
  CHECK(opts.find("tag:subnet-s4,option:router,10.0.0.1\n") != std::string::npos);
  CHECK(opts.find("tag:subnet-s4,option:dns-server,192.0.2.53,192.0.2.54\n")
        != std::string::npos);
  CHECK(opts.find("tag:subnet-s4,option:classless-static-route,10.9.0.0/16,"
                  "10.0.0.254,0.0.0.0/0,10.0.0.1\n")
        != std::string::npos);
  CHECK(opts.find("subnet-s6") == std::string::npos);
}

TEST_CASE("dnsmasq serves static leases only, one range per subnet") {
  auto args = dnsmasq_args(two_subnets(), "ns-dhcp", {"h", "o", "l", "p", "g"});
  REQUIRE(args.ok());
  CHECK(contains(*args, "--dhcp-range=set:subnet-s4,10.0.0.0,static,255.255.255.0,600s"));
  CHECK(contains(*args, "--dhcp-range=set:subnet-s6,2001:db8::,static,64,600s"));
  CHECK(contains(*args, "--interface=ns-dhcp"));
  CHECK(contains(*args, "--dhcp-hostsfile=h"));
  CHECK(contains(*args, "--port=0"));
}

TEST_CASE("a subnet without a prefix length is refused") {
  auto dhcp = two_subnets();
  dhcp.subnets[0].cidr = "10.0.0.0";
  CHECK(dnsmasq_args(dhcp, "ns-x", {}).error().code() == strato::errc::invalid_argument);
}

TEST_CASE("the router's NAT table maps floating IPs 1:1 and SNATs subnets") {
  router_config router;
  router.interfaces = {{"i1", "n1", "fa:16:3e:00:00:0a", {"10.0.0.1/24"}}};
  router.gateway = router_port{"g1", "ext", "fa:16:3e:00:00:0b", {"172.24.4.10/24"}};
  router.floating_ips = {{"172.24.4.20", "10.0.0.5"}};
  auto table = router_nat_table(router, "qg-g1");
  CHECK(table.rfind("*nat\n", 0) == 0);
  CHECK(table.find("-A PREROUTING -d 172.24.4.20/32 -j DNAT --to-destination 10.0.0.5\n")
        != std::string::npos);
  CHECK(table.find("-A POSTROUTING -s 10.0.0.5/32 -o qg-g1 -j SNAT --to-source 172.24.4.20\n")
        != std::string::npos);
  auto snat = table.find("-A POSTROUTING -s 10.0.0.0/24 -o qg-g1 -j SNAT --to-source 172.24.4.10\n");
  CHECK(snat != std::string::npos);
  CHECK(table.find("to-source 172.24.4.20") < snat); // floating IPs first
  router.enable_snat = false;
  CHECK(router_nat_table(router, "qg-g1").find("10.0.0.0/24") == std::string::npos);
}

TEST_CASE("a router without a gateway has an empty NAT table") {
  router_config router;
  router.interfaces = {{"i1", "n1", "fa:16:3e:00:00:0a", {"10.0.0.1/24"}}};
  router.floating_ips = {{"172.24.4.20", "10.0.0.5"}};
  CHECK(router_nat_table(router, "") == "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
                                        ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n");
}

TEST_CASE("the network of an IPv4 CIDR masks the host bits") {
  CHECK(*ipv4_network_of("10.1.2.3/16") == "10.1.0.0/16");
  CHECK(*ipv4_network_of("10.1.2.3/32") == "10.1.2.3/32");
  CHECK(*ipv4_network_of("10.1.2.3/0") == "0.0.0.0/0");
  CHECK_FALSE(ipv4_network_of("10.1.2.3/33").ok());
  CHECK_FALSE(ipv4_network_of("2001:db8::/64").ok());
}

}
