"""Neutron through the unmodified `openstack` CLI: networks, subnets, ports,
routers, floating IPs and security groups against `strato serve`, with
Neutron's conflicts. Usage: network_cli_test.py <path to strato>."""

import json
import os as system
import sys
import time
import urllib.error
import urllib.request
import uuid

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

    servers_on_networks(cloud)


def wait_for(predicate, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)


def nova_post(cloud, path, body):
    """POSTs `body` to Nova's API; answers (status, parsed body)."""
    token = cloud.openstack("token", "issue", "-f", "json")["id"]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        cloud.url + "/compute/v2.1" + path, data=json.dumps(body).encode(),
        headers={"X-Auth-Token": token, "Content-Type": "application/json",
                 "X-OpenStack-Nova-API-Version": "2.37"}, method="POST")
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def fixed_ips(port):
    return str(port.get("Fixed IP Addresses", port.get("fixed_ips")))


def servers_on_networks(cloud):
    os = cloud.openstack
    disk = system.path.join(cloud.dir, "zero.raw")
    with open(disk, "wb") as f:
        f.write(bytes(64 * 1024))
    image = os("image", "create", "--file", disk, "--disk-format", "raw",
               "--container-format", "bare", "img", "-f", "json")
    net = os("network", "create", "net1", "-f", "json")
    os("subnet", "create", "--network", "net1", "--subnet-range",
       "10.1.0.0/24", "sub1", "-f", "json")

    vm = os("server", "create", "--flavor", "m1.tiny", "--image", "img",
            "--network", "net1", "--wait", "vm", "-f", "json")
    check(vm["status"] == "ACTIVE", "server create --network --wait")
    ports = os("port", "list", "--server", "vm", "-f", "json")
    check(len(ports) == 1, "the server has one port")
    wait_for(lambda: os("port", "list", "--server", "vm", "-f",
                        "json")[0]["Status"] == "ACTIVE",
             "the server's port to become ACTIVE")
    port = os("port", "show", ports[0]["ID"], "-f", "json")
    check(port["device_owner"] == "compute:nova"
          and port["device_id"] == vm["id"]
          and port["binding_host_id"], "the port is compute's and bound")
    address = port["fixed_ips"][0]["ip_address"]
    check(address.startswith("10.1.0."), "the port's address is from sub1")
    shown = os("server", "show", "vm", "-f", "json")
    check("net1" in str(shown["addresses"])
          and address in str(shown["addresses"]),
          "server show lists the fixed IP under the network's name")
    listed = os("server", "list", "-f", "json")
    check(any(address in str(s["Networks"]) for s in listed),
          "server list shows the address")

    extra = os("port", "create", "--network", "net1", "extra", "-f", "json")
    os("server", "add", "port", "vm", "extra")
    extra = os("port", "show", "extra", "-f", "json")
    check(extra["device_id"] == vm["id"] and extra["status"] == "ACTIVE",
          "server add port binds and plugs the user's port")
    extra_ip = extra["fixed_ips"][0]["ip_address"]
    check(extra_ip in str(os("server", "show", "vm", "-f",
                             "json")["addresses"]),
          "the added port's address shows on the server")

    err = os("server", "create", "--flavor", "m1.tiny", "--image", "img",
             "--nic", "port-id=" + extra["id"], "vm2", expect_fail=True)
    check("is still in use" in err and "409" in err,
          "a port bound to another server is a 409")
    missing = str(uuid.uuid4())
    code, body = nova_post(cloud, "/servers", {"server": {
        "name": "vm3", "flavorRef": "1", "imageRef": image["id"],
        "networks": [{"uuid": missing}]}})
    check(code == 400 and body["badRequest"]["message"]
          == "Network " + missing + " could not be found.",
          "an unknown network is a 400 with Nova's message")
    code, body = nova_post(cloud, "/servers", {"server": {
        "name": "vm4", "flavorRef": "1", "imageRef": image["id"],
        "networks": [{"uuid": net["id"], "fixed_ip": address}]}})
    check(code == 400 and "already in use" in json.dumps(body),
          "a fixed IP in use is a 400")

    code, body = nova_post(cloud, "/servers", {"server": {
        "name": "vm5", "flavorRef": "1", "imageRef": image["id"],
        "networks": "auto"}})
    check(code == 409 and "Multiple possible networks found"
          in json.dumps(body), "networks 'auto' with two networks is a 409")
    err = os("server", "create", "--flavor", "m1.tiny", "--image", "img",
             "vm8", expect_fail=True)
    check("409" in err and "Multiple possible networks found" in err,
          "server create without --network among two networks is a 409")
    code, body = nova_post(cloud, "/servers", {"server": {
        "name": "vm6", "flavorRef": "1", "imageRef": image["id"]}})
    check(code == 400 and "'networks' is a required property"
          in json.dumps(body), "networks are required from 2.37")
    code, body = nova_post(cloud, "/servers", {"server": {
        "name": "vm7", "flavorRef": "1", "imageRef": image["id"],
        "networks": "none"}})
    check(code == 202, "networks 'none' boots")
    wait_for(lambda: os("server", "show", "vm7", "-f", "json")["status"]
             == "ACTIVE", "the server without networks to become ACTIVE")
    check(not os("port", "list", "--server", "vm7", "-f", "json"),
          "a server with networks 'none' has no port")
    os("server", "delete", "--wait", "vm7")

    os("server", "remove", "port", "vm", "extra")
    wait_for(lambda: os("port", "show", "extra", "-f", "json")["device_id"]
             in ("", None), "server remove port to detach the port")
    check(os("port", "show", "extra", "-f", "json")["status"] == "DOWN",
          "a removed user port is kept, DOWN")

    os("server", "delete", "--wait", "vm")
    check(not os("port", "list", "--device-owner", "compute:nova", "-f",
                 "json"), "server delete deletes the ports compute made")
    again = os("port", "create", "--network", "net1", "--fixed-ip",
               "subnet=sub1,ip-address=" + address, "again", "-f", "json")
    check(address in fixed_ips(again), "the server's address is free again")
    os("port", "delete", "again", "extra")


if __name__ == "__main__":
    main()
