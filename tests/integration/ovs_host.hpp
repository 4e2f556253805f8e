#pragma once

// A private Open vSwitch host for integration tests: ovsdb-server on a unix
// socket in a temporary directory and ovs-vswitchd (userspace datapath)
// inside a network namespace of its own, plus "instances": namespaces with a
// veth whose other end sits in the host namespace. Everything is removed
// when the fixture goes, also after a failed check.

#include <memory>
#include <string>
#include <vector>

#include "drivers/network/network_driver.hpp"
#include "tests/support/child_process.hpp"
#include "tests/unit/ovs/ovsdb_fixture.hpp"

namespace strato::testing {

/// Deletes the named network namespaces it was given, in its destructor.
class netns_guard {
public:
  netns_guard() = default;
  ~netns_guard();
  netns_guard(const netns_guard&) = delete;
  netns_guard& operator=(const netns_guard&) = delete;
  void add(const std::string& name) {
    names_.push_back(name);
  }

private:
  std::vector<std::string> names_;
};

class ovs_host {
public:
  ovs_host();
  ~ovs_host();
  ovs_host(const ovs_host&) = delete;
  ovs_host& operator=(const ovs_host&) = delete;

  /// False (with `reason()`) when not root or Open vSwitch is missing.
  [[nodiscard]] bool available() const {
    return vswitchd_ != nullptr;
  }
  [[nodiscard]] const std::string& reason() const {
    return reason_;
  }
  /// A driver config for this host.
  [[nodiscard]] network::driver_config config() const;
  /// A unique name for a namespace of this test ("<prefix>name").
  [[nodiscard]] std::string name(const std::string& suffix) const {
    return prefix_ + suffix;
  }
  [[nodiscard]] const std::string& host_netns() const {
    return host_;
  }

  /// Creates namespace `instance` with eth0 (MAC `mac`, address `cidr`, may
  /// be empty) whose peer `device` lives in the host namespace.
  void add_instance(const std::string& instance, const std::string& device,
                    const std::string& mac, const std::string& cidr);
  /// Runs `argv` inside namespace `netns`; true on exit code 0.
  bool run_in(const std::string& netns, std::vector<std::string> argv,
              std::string* output = nullptr);
  /// One ping from namespace `from` to `address`.
  bool ping(const std::string& from, const std::string& address);
  /// `ovs-ofctl dump-flows` of the integration bridge.
  std::string dump_flows();

private:
  netns_guard namespaces_; // destroyed last: after the processes in them
  ovsdb_fixture db_;
  std::string reason_;
  std::string prefix_;
  std::string host_;
  std::unique_ptr<child_process> vswitchd_;
};

#define STRATO_SKIP_WITHOUT_OVS_HOST(host)                                     \
  if (!(host).available()) {                                                   \
    MESSAGE("skipped: " << (host).reason());                                   \
    return;                                                                    \
  }

} // namespace strato::testing
