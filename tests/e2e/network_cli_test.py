"""Neutron through the unmodified `openstack` CLI: networks, subnets, ports,
routers, floating IPs and security groups against `strato serve`, with
Neutron's conflicts. Usage: network_cli_test.py <path to strato>."""

import sys

from strato_cloud import StratoCloud


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok:", message, flush=True)


def main():
    cloud = StratoCloud(sys.argv[1])
    try:
        run(cloud)
    except BaseException:
        cloud.log.seek(0)
        print("--- strato serve log ---\n" + cloud.log.read(), file=sys.stderr)
        raise
    finally:
        cloud.stop()


def run(cloud):
    os = cloud.openstack
    public = os("network", "create", "--external", "--provider-network-type",
                "flat", "--provider-physical-network", "public", "public",
                "-f", "json")
    check(public["router:external"] in (True, "External")
          and public["provider:network_type"] == "flat",
          "external flat network create")
    os("subnet", "create", "--network", "public", "--subnet-range",
       "172.24.4.0/24", "--no-dhcp", "public-subnet", "-f", "json")

    private = os("network", "create", "private", "-f", "json")
    check(private["provider:network_type"] == "vxlan"
          and private["provider:segmentation_id"] >= 1
          and private["mtu"] == 1450, "project network gets a VXLAN segment")
    second = os("network", "create", "second", "-f", "json")
    check(second["provider:segmentation_id"]
          != private["provider:segmentation_id"],
          "segmentation ids are never handed out twice")

    subnet = os("subnet", "create", "--network", "private", "--subnet-range",
                "10.0.0.0/24", "--dns-nameserver", "10.0.0.53",
                "private-subnet", "-f", "json")
    check(subnet["gateway_ip"] == "10.0.0.1"
          and "10.0.0.2" in str(subnet["allocation_pools"])
          and subnet["ip_version"] == 4, "subnet create --subnet-range")
    err = os("subnet", "create", "--network", "private", "--subnet-range",
             "10.0.0.128/25", "overlap", expect_fail=True)
    check("overlaps with another subnet" in err, "overlapping subnet is refused")

    p1 = os("port", "create", "--network", "private", "--fixed-ip",
            "subnet=private-subnet,ip-address=10.0.0.10", "p1", "-f", "json")
    check("10.0.0.10" in str(p1["fixed_ips"])
          and p1["mac_address"].startswith("fa:16:3e:")
          and p1["status"] == "DOWN", "port create with a fixed IP")
    err = os("port", "create", "--network", "private", "--fixed-ip",
             "ip-address=10.0.0.10", "p2", expect_fail=True)
    check("409" in err or "already allocated" in err,
          "a duplicate IP is a 409: " + err.strip().splitlines()[-1])
    p3 = os("port", "create", "--network", "private", "p3", "-f", "json")
    check("10.0.0." in str(p3["fixed_ips"])
          and "10.0.0.10" not in str(p3["fixed_ips"]),
          "a port without fixed IPs gets a free address from IPAM")

    names = {p["Name"] for p in os("port", "list", "-f", "json")}
    check({"p1", "p3"} <= names, "port list")
    filtered = os("port", "list", "--network", "private", "--fixed-ip",
                  "ip-address=10.0.0.10", "-f", "json")
    check([p["Name"] for p in filtered] == ["p1"], "port list filters")
    shown = os("port", "show", "p1", "-f", "json")
    check(shown["id"] == p1["id"], "port show by name")
    os("port", "set", "--name", "web-port", "--description", "front",
       "--tag", "blue", "p1")
    shown = os("port", "show", p1["id"], "-f", "json")
    check(shown["name"] == "web-port" and shown["description"] == "front"
          and "blue" in str(shown["tags"]), "port set")

    err = os("network", "delete", "private", expect_fail=True)
    check("There are one or more ports still in use on the network" in err,
          "deleting a network with ports gives Neutron's 409")

    router = os("router", "create", "r1", "-f", "json")
    check(router["name"] == "r1", "router create")
    os("router", "add", "subnet", "r1", "private-subnet")
    interfaces = os("port", "list", "--router", "r1", "-f", "json")
    check(any("10.0.0.1'" in str(p["Fixed IP Addresses"]) for p in interfaces),
          "router add subnet takes the gateway address")
    os("router", "set", "--external-gateway", "public", "r1")
    router = os("router", "show", "r1", "-f", "json")
    check(public["id"] in str(router["external_gateway_info"])
          and "172.24.4." in str(router["external_gateway_info"]),
          "router set --external-gateway")

    fip = os("floating", "ip", "create", "public", "-f", "json")
    check(fip["floating_ip_address"].startswith("172.24.4."),
          "floating ip create")
    os("floating", "ip", "set", "--port", "web-port", fip["id"])
    shown = os("floating", "ip", "show", fip["id"], "-f", "json")
    check(shown["port_id"] == p1["id"]
          and shown["fixed_ip_address"] == "10.0.0.10"
          and shown["router_id"] == router["id"], "floating ip set --port")
    os("floating", "ip", "unset", "--port", fip["id"])
    shown = os("floating", "ip", "show", fip["id"], "-f", "json")
    check(not shown["port_id"], "floating ip unset --port")
    os("floating", "ip", "delete", fip["id"])
    fips = os("floating", "ip", "list", "-f", "json")
    check(all(f["ID"] != fip["id"] for f in fips), "floating ip delete")

    group = os("security", "group", "create", "web", "-f", "json")
    check(group["name"] == "web"
          and str(group["rules"]).count("egress") == 2,
          "security group create has the default egress rules")
    rule = os("security", "group", "rule", "create", "--protocol", "tcp",
              "--dst-port", "22", "web", "-f", "json")
    check(rule["port_range_min"] == 22 and rule["protocol"] == "tcp"
          and rule["direction"] == "ingress", "security group rule create")
    err = os("security", "group", "rule", "create", "--protocol", "tcp",
             "--dst-port", "22", "web", expect_fail=True)
    check("already exists" in err, "a duplicate rule is a 409")
    groups = {g["Name"] for g in os("security", "group", "list", "-f", "json")}
    check({"default", "web"} <= groups, "the project has a default group")

    os("port", "delete", "web-port", "p3")
    names = {p["Name"] for p in os("port", "list", "-f", "json")}
    check(not names & {"web-port", "p3"}, "port delete")
    os("router", "unset", "--external-gateway", "r1")
    os("router", "remove", "subnet", "r1", "private-subnet")
    os("router", "delete", "r1")
    os("network", "delete", "private", "second")
    nets = {n["Name"] for n in os("network", "list", "-f", "json")}
    check("private" not in nets and "public" in nets,
          "network delete once the ports are gone")


if __name__ == "__main__":
    main()
