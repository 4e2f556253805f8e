#include "tests/integration/ovs_host.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "drivers/network/host_command.hpp"

namespace strato::testing {

using network::run_command;

namespace {

/// Runs a setup command; a failure fails the test with the command's stderr.
void must(const std::vector<std::string>& argv) {
  auto done = run_command(argv);
  REQUIRE_MESSAGE(done.ok(), done.error().describe());
}

} // namespace

netns_guard::~netns_guard() {
  for (auto it = names_.rbegin(); it != names_.rend(); ++it) {
    // Deleting a namespace also deletes the veth ends inside it; dnsmasq
    // processes in it were stopped by whoever started them.
    auto removed = run_command({"ip", "netns", "del", *it});
    (void) removed; // absent already is fine
  }
}

ovs_host::ovs_host() {
  static int counter = 0;
  prefix_ = "sov" + std::to_string(::getpid() % 100000) + "-"
            + std::to_string(++counter) + "-";
  host_ = prefix_ + "host";
  if (::geteuid() != 0) {
    reason_ = "needs root for network namespaces";
    return;
  }
  if (!db_.available()) {
    reason_ = db_.reason();
    return;
  }
  if (!std::filesystem::exists("/usr/sbin/ovs-vswitchd")
      || !network::have_program("ovs-ofctl")) {
    reason_ = "ovs-vswitchd is not installed";
    return;
  }
  if (!run_command({"ip", "netns", "add", host_})) {
    reason_ = "cannot create a network namespace here";
    return;
  }
  namespaces_.add(host_);
  run_in(host_, {"ip", "link", "set", "lo", "up"});
  vswitchd_ = std::make_unique<child_process>(
    std::vector<std::string>{"/usr/sbin/ip", "netns", "exec", host_,
                             "/usr/sbin/ovs-vswitchd", "unix:" + db_.dir() + "/db.sock",
                             "--unixctl=" + db_.dir() + "/vswitchd.ctl",
                             "--log-file=" + db_.dir() + "/vswitchd.log"},
    db_.dir(), std::vector<std::string>{"OVS_RUNDIR=" + db_.dir()});
}

ovs_host::~ovs_host() {
  vswitchd_.reset();
}

network::driver_config ovs_host::config() const {
  network::driver_config config;
  config.kind = "ovs";
  config.ovsdb = db_.remote();
  config.datapath_type = "netdev";
  config.ovs_rundir = db_.dir();
  config.host_netns = host_;
  config.netns_prefix = prefix_;
  config.state_dir = db_.dir() + "/state";
  config.timeout = std::chrono::milliseconds{10000};
  return config;
}

void ovs_host::add_instance(const std::string& instance, const std::string& device,
                            const std::string& mac, const std::string& cidr) {
  must({"ip", "netns", "add", instance});
  namespaces_.add(instance);
  must({"ip", "-n", host_, "link", "add", device, "type", "veth", "peer",
               "name", "eth0", "netns", instance});
  must({"ip", "-n", host_, "link", "set", device, "up"});
  must({"ip", "-n", instance, "link", "set", "eth0", "address", mac});
  must({"ip", "-n", instance, "link", "set", "eth0", "up"});
  must({"ip", "-n", instance, "link", "set", "lo", "up"});
  if (!cidr.empty()) {
    must({"ip", "-n", instance, "addr", "add", cidr, "dev", "eth0"});
  }
  // The userspace datapath does not fill in checksums the veth offloads.
  run_in(instance, {"ethtool", "-K", "eth0", "tx", "off"});
}

bool ovs_host::run_in(const std::string& netns, std::vector<std::string> argv,
                      std::string* output) {
  auto done = run_command(network::in_netns(netns, std::move(argv)));
  if (output != nullptr) {
    *output = done ? *done : done.error().message();
  }
  return done.ok();
}

bool ovs_host::ping(const std::string& from, const std::string& address) {
  return run_in(from, {"busybox", "ping", "-c", "1", "-W", "2", address});
}

std::string ovs_host::dump_flows() {
  auto flows = run_command({"ovs-ofctl", "-O", "OpenFlow14", "dump-flows",
                            "unix:" + db_.dir() + "/br-int.mgmt"});
  return flows ? *flows : flows.error().message();
}

} // namespace strato::testing
