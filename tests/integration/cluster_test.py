"""A Strato cluster as separate processes, each in a network namespace of
its own on one bridge (10.77.0.0/24, namespaces made here with `ip netns`
and veth pairs): one controller (`strato node --role controller
--cluster-listen ...`) and three compute nodes (`strato node --role compute
--join ...`), driven through the API with the real openstacksdk from a
client namespace. No traffic leaves these namespaces.

Checks, in order:
  - with certificates, nodes talk TLS: a node of the cluster's CA joins and
    runs a server, a node whose certificate another CA signed cannot join
    (a cluster of its own);
  - compute nodes join and their hosts take servers;
  - a compute node killed with SIGKILL is declared down: its servers show
    host_status UNKNOWN, new servers go elsewhere, `evacuate` rebuilds its
    servers on a live host (and is refused for a server whose host is up);
  - the node restarted joins again and takes servers;
  - a node cut off by a partition (its link set down: the connection stays
    open but nothing passes) is declared down; its server is evacuated; when
    the link comes back the node joins afresh and destroys its copy of the
    evacuated server (no server runs twice);
  - the controller killed with SIGKILL in the middle of creates and deletes
    loses no acknowledged operation, and after its restart the nodes join
    again, no server is left in a task_state or in error, and every server
    holds allocations on exactly one host.

One controller: several controllers are not built yet.
"""

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import openstack
from openstack import exceptions

HEARTBEAT_MS = 200
SUSPECT_AFTER_MS = 1500
PASSWORD = "cluster-test-secret"


SUBNET = "10.77.0"
API_PORT = 8080
CLUSTER_PORT = 8090
CLONE_NEWNET = 0x40000000


def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


class Network:
    """A bridge namespace and one namespace per node, each with a veth pair
    to the bridge; names carry a tag so parallel runs do not collide."""

    def __init__(self):
        self.tag = os.urandom(3).hex()
        self.bridge_ns = f"sbr-{self.tag}"
        self.namespaces = []
        run("ip", "netns", "add", self.bridge_ns)
        run("ip", "-n", self.bridge_ns, "link", "set", "lo", "up")
        run("ip", "-n", self.bridge_ns, "link", "add", "br0", "type",
            "bridge")
        run("ip", "-n", self.bridge_ns, "link", "set", "br0", "up")
        self.next_address = 1
        self.links = {}

    def add(self, name):
        """A namespace for `name`; its address."""
        ns = f"s{name}-{self.tag}"
        address = f"{SUBNET}.{self.next_address}"
        outside = f"v{self.next_address}-{self.tag}"
        self.next_address += 1
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "link", "add", outside, "netns", self.bridge_ns, "type",
            "veth", "peer", "name", "eth0", "netns", ns)
        run("ip", "-n", self.bridge_ns, "link", "set", outside, "master",
            "br0", "up")
        run("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        self.links[name] = outside
        return ns, address

    def partition(self, name, cut):
        run("ip", "-n", self.bridge_ns, "link", "set", self.links[name],
            "down" if cut else "up")

    def enter(self, ns):
        """Moves this thread (and the threads it starts later) into `ns`."""
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        with open(f"/var/run/netns/{ns}") as f:
            if libc.setns(f.fileno(), CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")

    def remove(self):
        for ns in [*self.namespaces, self.bridge_ns]:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def wait_for(what, predicate, timeout=30.0, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


class Node:
    """One `strato node` process and its log."""

    def __init__(self, binary, name, workdir, args, netns):
        self.name = name
        self.binary = binary
        self.args = args
        self.netns = netns
        self.data_dir = os.path.join(workdir, name)
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "a+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns,
             self.binary, "node", "--data-dir", self.data_dir,
             "--heartbeat-ms", str(HEARTBEAT_MS),
             "--suspect-after-ms", str(SUSPECT_AFTER_MS), *self.args],
            stdout=self.log, stderr=subprocess.STDOUT)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, after=0, timeout=30.0):
        def found():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.text()}")
            return re.search(pattern, self.text()[after:])
        return wait_for(f"{self.name} to log {pattern!r}", found, timeout)

    def log_size(self):
        return len(self.text())

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            code = self.proc.wait(timeout=30)
            assert code == 0, f"{self.name} exited with {code}:\n{self.text()}"
        self.log.close()


def make_certificates(directory, prefix=""):
    """A CA and one node certificate it signed: the nodes talk TLS and
    accept only peers with a certificate of this CA."""
    def path(name):
        return os.path.join(directory, prefix + name)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    run("openssl", "req", "-x509", *ec, "-keyout", path("ca.key"), "-out",
        path("ca.pem"), "-days", "2", "-subj", "/CN=strato-test-ca")
    run("openssl", "req", *ec, "-keyout", path("node.key"), "-out",
        path("node.csr"), "-subj", "/CN=strato-node")
    run("openssl", "x509", "-req", "-in", path("node.csr"), "-CA",
        path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial", "-out",
        path("node.pem"), "-days", "2")
    return ["--cluster-tls-cert", path("node.pem"), "--cluster-tls-key",
            path("node.key"), "--cluster-tls-ca", path("ca.pem")]


class Cluster:
    def __init__(self, binary, tls=False):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="strato-cluster-")
        self.tls = make_certificates(self.dir) if tls else []
        self.network = Network()
        self.controller = None
        self.computes = {}
        try:
            self.controller_ns, self.controller_ip = self.network.add("ctl")
            self.compute_ns = {h: self.network.add(h)[0]
                               for h in ("c1", "c2", "c3")}
            client_ns, _ = self.network.add("cli")
        except BaseException:
            self.network.remove()
            raise
        # From here on this process speaks only from inside the client
        # namespace; nodes are started in their own with `ip netns exec`.
        self.network.enter(client_ns)

    def start_controller(self):
        self.controller = Node(
            self.binary, "controller", self.dir,
            ["--role", "controller", "--listen",
             f"{self.controller_ip}:{API_PORT}", "--cluster-listen",
             f"{self.controller_ip}:{CLUSTER_PORT}", "--admin-password",
             PASSWORD, "--log-level", "info", *self.tls],
            self.controller_ns)
        self.controller.wait_log(r"listening on http://")

    def start_compute(self, host):
        node = Node(self.binary, host, self.dir,
                    ["--role", "compute", "--join",
                     f"{self.controller_ip}:{CLUSTER_PORT}",
                     "--compute-host", host, "--log-level", "info",
                     *self.tls],
                    self.compute_ns[host])
        self.computes[host] = node
        return node

    def connect(self):
        # The controller writes clouds.yaml with the admin's credentials.
        os.environ["OS_CLIENT_CONFIG_FILE"] = os.path.join(
            self.controller.data_dir, "clouds.yaml")
        os.environ["no_proxy"] = os.environ["NO_PROXY"] = self.controller_ip
        return openstack.connect(cloud="strato")

    def stop(self):
        for node in self.computes.values():
            node.stop()
        if self.controller:
            self.controller.stop()
        self.network.remove()
        shutil.rmtree(self.dir, ignore_errors=True)


def hosts_of(conn):
    """name -> (host, host_status, status, task_state) of every server."""
    out = {}
    for s in conn.compute.servers(details=True):
        out[s.name] = (s.compute_host, s.host_status, s.status, s.task_state)
    return out


def boot(conn, names, image, flavor):
    servers = [conn.compute.create_server(name=n, image_id=image.id,
                                          flavor_id=flavor.id,
                                          networks="none") for n in names]
    for s in servers:
        conn.compute.wait_for_server(s, wait=60, interval=0.2)
    return {n: conn.compute.get_server(s.id) for n, s in zip(names, servers)}


def wait_joined(conn, host):
    wait_for(f"host {host} in placement",
             lambda: any(rp.name == host for rp in
                         conn.placement.resource_providers()))


def evacuate(conn, server):
    """POST the evacuate action at 2.73. (SDK 0.101's evacuate_server posts
    without a microversion, where Nova's schema, and ours, requires
    onSharedStorage.)"""
    response = conn.compute.post(f"/servers/{server.id}/action",
                                 json={"evacuate": {}}, microversion="2.73")
    exceptions.raise_from_response(response)


def evacuate_and_wait(conn, server):
    evacuate(conn, server)

    def done():
        s = conn.compute.get_server(server.id)
        return s if s.status == "ACTIVE" and s.task_state is None \
            and s.compute_host != server.compute_host else None
    moved = wait_for(f"{server.name} to be evacuated", done)
    assert moved.host_status == "UP", (moved.name, moved.host_status)
    return moved


def check_join_and_boot(cluster, conn, image, flavor):
    for host in ("c1", "c2", "c3"):
        cluster.start_compute(host).wait_log(r"joined the controller")
        wait_joined(conn, host)
    servers = boot(conn, [f"a{i}" for i in range(6)], image, flavor)
    used = {s.compute_host for s in servers.values()}
    assert used == {"c1", "c2", "c3"}, f"servers placed on {used}"
    for s in servers.values():
        assert s.host_status == "UP", (s.name, s.host_status)
    return servers


def check_killed_node(cluster, conn, image, flavor, servers):
    """Kills the node with the most servers (six servers on three hosts: at
    least two there); returns its host name."""
    by_host = {}
    for s in servers.values():
        by_host.setdefault(s.compute_host, []).append(s)
    dead = max(by_host, key=lambda h: len(by_host[h]))
    on_dead = by_host[dead]
    alive = next(s for s in servers.values() if s.compute_host != dead)
    cluster.computes[dead].kill()
    wait_for(f"{dead}'s servers to show host_status UNKNOWN",
             lambda: all(conn.compute.get_server(s.id).host_status
                         == "UNKNOWN" for s in on_dead))
    assert conn.compute.get_server(alive.id).host_status == "UP"
    # Operators see it in os-hypervisors and os-services.
    states = {h.name: h.state for h in conn.compute.hypervisors(details=True)}
    assert states == {h: "down" if h == dead else "up"
                      for h in ("c1", "c2", "c3")}, states
    services = conn.compute.get(f"/os-services?host={dead}",
                                microversion="2.53").json()["services"]
    assert [(s["binary"], s["state"]) for s in services] == \
        [("nova-compute", "down")], services
    # A server whose host answers is not evacuated.
    try:
        evacuate(conn, alive)
        raise AssertionError("evacuating a server on a live host succeeded")
    except exceptions.HttpException as e:
        assert e.status_code == 400, e
        assert "still in use" in str(e), e
    # A server on the dead host can still be deleted (Nova's local delete).
    doomed = on_dead.pop()
    conn.compute.delete_server(doomed.id)
    conn.compute.wait_for_delete(doomed, wait=30, interval=0.2)
    # New servers avoid the dead host.
    fresh = boot(conn, ["b0", "b1", "b2"], image, flavor)
    assert dead not in {s.compute_host for s in fresh.values()}
    for s in on_dead:
        evacuate_and_wait(conn, s)
        actions = [a["action"] for a in conn.compute.get(
            f"/servers/{s.id}/os-instance-actions",
            microversion="2.1").json()["instanceActions"]]
        assert "evacuate" in actions, actions
    return dead


def check_restarted_node(cluster, conn, image, flavor, host):
    node = cluster.computes[host]
    mark = node.log_size()
    node.start()
    node.wait_log(r"joined the controller", after=mark)
    # The host is empty now, so the scheduler's spreading sends servers
    # there.
    fresh = boot(conn, ["c0", "c1x", "c2x"], image, flavor)
    assert host in {s.compute_host for s in fresh.values()}, fresh


def check_partitioned_node(cluster, conn, host):
    victim = next(s for s in conn.compute.servers(details=True)
                  if s.compute_host == host and s.status == "ACTIVE")
    cluster.network.partition(host, cut=True)
    wait_for(f"{host} to be declared down",
             lambda: conn.compute.get_server(victim.id).host_status
             == "UNKNOWN")
    evacuate_and_wait(conn, victim)
    mark = cluster.controller.log_size()
    cluster.network.partition(host, cut=False)
    cluster.controller.wait_log(
        r"destroying " + re.escape(victim.id) + r" on " + host, after=mark,
        timeout=60)
    wait_for(f"{host} to be up again",
             lambda: all(s.host_status == "UP" for s in
                         conn.compute.servers(details=True)
                         if s.compute_host == host))


def churn(conn, image, flavor, stop, acknowledged, deleted, failures):
    """Creates and deletes servers until `stop`; records the creates the API
    acknowledged and the deletes asked for."""
    i = 0
    while not stop.is_set():
        try:
            s = conn.compute.create_server(name=f"churn-{i}",
                                           image_id=image.id,
                                           flavor_id=flavor.id,
                                           networks="none")
            acknowledged.append(s.id)
            if i % 2 == 0:
                # Asked is enough to excuse its absence: the controller may
                # die after deleting but before answering.
                deleted.add(s.id)
                conn.compute.delete_server(s.id)
        except Exception as e:  # The controller is gone: stop churning.
            failures.append(e)
            return
        i += 1


def check_controller_crash(cluster, conn, image, flavor):
    stop = threading.Event()
    acknowledged, deleted, failures = [], set(), []
    worker = threading.Thread(target=churn, args=(conn, image, flavor, stop,
                                                  acknowledged, deleted,
                                                  failures))
    worker.start()
    wait_for("some churn",
             lambda: len(acknowledged) >= 30 or failures, timeout=60)
    assert not failures, failures
    cluster.controller.kill()
    stop.set()
    worker.join(timeout=60)
    marks = {h: n.log_size() for h, n in cluster.computes.items()}
    mark = cluster.controller.log_size()
    cluster.controller.start()
    cluster.controller.wait_log(r"listening on http://", after=mark)
    for host, node in cluster.computes.items():
        node.wait_log(r"joined the controller", after=marks[host])
    conn = cluster.connect()
    for server_id in acknowledged:
        try:
            conn.compute.get_server(server_id)
        except exceptions.NotFoundException:
            assert server_id in deleted, f"acknowledged {server_id} is lost"

    def settled():
        servers = list(conn.compute.servers(details=True))
        return all(s.task_state is None for s in servers) and servers
    servers = wait_for("every server out of its task_state", settled,
                       timeout=60)
    # Boots the crash interrupted resume once their hosts are back.
    errors = [(s.name, conn.compute.get(f"/servers/{s.id}").json()
               ["server"].get("fault")) for s in servers
              if s.status == "ERROR"]
    assert not errors, errors
    for s in servers:
        allocations = conn.session.get(
            f"http://{cluster.controller_ip}:{API_PORT}/placement/allocations/"
            f"{s.id}", headers={"OpenStack-API-Version": "placement 1.28"}
        ).json()["allocations"]
        assert len(allocations) == 1, (s.name, s.status, allocations)
    return len(acknowledged)


def check_tls(binary):
    """Nodes with certificates of the cluster's CA join over TLS and run
    servers; a node whose certificate another CA signed is not let in."""
    cluster = Cluster(binary, tls=True)
    try:
        cluster.start_controller()
        cluster.controller.wait_log(r"nodes join at .* \(TLS\)")
        conn = cluster.connect()
        flavor = conn.compute.create_flavor(name="tiny", ram=128, vcpus=1,
                                            disk=1)
        image = conn.image.create_image(
            name="tiny", data=b"\0" * 65536, disk_format="raw",
            container_format="bare", allow_duplicates=True)
        cluster.start_compute("c1").wait_log(r"joined the controller")
        wait_joined(conn, "c1")
        server = boot(conn, ["t0"], image, flavor)["t0"]
        assert server.compute_host == "c1" and server.status == "ACTIVE"
        cluster.tls = make_certificates(cluster.dir, prefix="rogue-")
        rogue = cluster.start_compute("c2")
        time.sleep(3)
        assert "joined the controller" not in rogue.text(), rogue.text()
        assert not any(rp.name == "c2" for rp in
                       conn.placement.resource_providers())
    except BaseException:
        for node in [cluster.controller, *cluster.computes.values()]:
            if node is not None:
                print(f"--- {node.name} (TLS) log ---\n{node.text()[-4000:]}")
        raise
    finally:
        cluster.stop()


def main(binary):
    check_tls(binary)
    cluster = Cluster(binary)
    try:
        cluster.start_controller()
        conn = cluster.connect()
        conn.compute.put(f"/os-quota-sets/{conn.current_project_id}",
                         microversion="2.1",
                         json={"quota_set": {"instances": -1, "cores": -1,
                                             "ram": -1}})
        flavor = conn.compute.create_flavor(name="tiny", ram=128, vcpus=1,
                                            disk=1)
        image_file = os.path.join(cluster.dir, "disk.raw")
        with open(image_file, "wb") as f:
            f.write(b"\0" * 65536)
        image = conn.image.create_image(
            name="tiny", filename=image_file, disk_format="raw",
            container_format="bare", allow_duplicates=True, wait=True)
        servers = check_join_and_boot(cluster, conn, image, flavor)
        dead = check_killed_node(cluster, conn, image, flavor, servers)
        check_restarted_node(cluster, conn, image, flavor, dead)
        # Another host (it has servers: it took the evacuated ones or had
        # its own) is cut off next.
        check_partitioned_node(cluster, conn,
                               next(h for h in ("c1", "c2", "c3")
                                    if h != dead))
        churned = check_controller_crash(cluster, conn, image, flavor)
        print(f"cluster test passed ({churned} acknowledged creates "
              "across the controller crash)")
    except BaseException:
        for node in [cluster.controller, *cluster.computes.values()]:
            if node is not None:
                print(f"--- {node.name} log ---\n{node.text()[-6000:]}")
        raise
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1])
