#pragma once

/// The hypervisor as the compute agent sees it. Every call blocks (libvirt
/// does), so the agent runs them on the blocking pool, one call at a time per
/// instance, and turns the outcome into a message. Drivers are thread-safe
/// across different instances.
///
/// Kinds: "fake" (in memory, configurable latency and injected failures, for
/// tests and benchmarks) and "libvirt" (the C API; `test:///default` in tests,
/// `qemu:///system` in production). `make_hypervisor_driver` picks one.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::hypervisor {

/// Nova's power_state values (nova/compute/power_state.py).
enum class power_state : uint8_t {
  nostate = 0,
  running = 1,
  paused = 3,
  shutdown = 4,
  crashed = 6,
  suspended = 7,
};

struct disk_spec {
  std::string volume_id;
  std::string path;   ///< File or block device on the host.
  std::string format; ///< "qcow2" or "raw".
  std::string device; ///< Guest device name, "vdb".
};

struct interface_spec {
  std::string port_id;
  std::string mac;
  std::string bridge; ///< OVS integration bridge, empty when not plugged.
  std::string tap;    ///< Host device name, "tap" + port id prefix.
  uint32_t mtu = 1500;
};

/// What to run: the flavor's sizes, the root disk's image, volumes and ports.
struct instance_spec {
  std::string uuid;
  std::string name;
  uint32_t vcpus = 1;
  uint64_t memory_mb = 512;
  uint64_t root_gb = 1;
  uint64_t ephemeral_gb = 0;
  uint64_t swap_mb = 0;
  std::string image_path;   ///< Local image file for the root disk; may be empty.
  std::string image_format; ///< "qcow2", "raw", ...
  std::vector<disk_spec> volumes;
  std::vector<interface_spec> interfaces;
  std::map<std::string, std::string> metadata;
};

struct instance_info {
  power_state state = power_state::nostate;
  uint32_t vcpus = 0;
  uint64_t memory_mb = 0;
  uint64_t cpu_time_ns = 0;
};

struct host_inventory {
  std::string hostname;
  uint32_t vcpus = 0;
  uint64_t memory_mb = 0;
  uint64_t disk_gb = 0;
  std::string hypervisor_type; ///< "QEMU", "fake", "test".
  uint64_t hypervisor_version = 0;
  std::string cpu_arch; ///< "x86_64".
};

/// A power change the hypervisor reports on its own (guest shut down, crashed).
struct lifecycle_event {
  std::string uuid;
  power_state state = power_state::nostate;
  std::string reason;
};

class hypervisor_driver {
public:
  virtual ~hypervisor_driver() = default;

  /// Defines the guest and starts it. Spawning a uuid that exists is a conflict.
  [[nodiscard]] virtual status spawn(const instance_spec& spec) = 0;
  /// Stops and removes the guest; destroying an unknown uuid succeeds, so
  /// that a delete retried after a crash completes.
  [[nodiscard]] virtual status destroy(const std::string& uuid) = 0;
  [[nodiscard]] virtual status power_on(const std::string& uuid) = 0;
  /// Graceful shutdown within `timeout`, then forced off.
  [[nodiscard]] virtual status power_off(const std::string& uuid,
                                         std::chrono::seconds timeout) = 0;
  [[nodiscard]] virtual status reboot(const std::string& uuid, bool hard) = 0;
  [[nodiscard]] virtual status pause(const std::string& uuid) = 0;
  [[nodiscard]] virtual status unpause(const std::string& uuid) = 0;
  [[nodiscard]] virtual status suspend(const std::string& uuid) = 0;
  [[nodiscard]] virtual status resume(const std::string& uuid) = 0;
  /// Applies a new size (cold resize on this host; the guest is off).
  [[nodiscard]] virtual status resize(const instance_spec& spec) = 0;
  /// Moves a running guest to the driver at `destination_uri`; drivers that
  /// cannot answer errc::not_implemented.
  [[nodiscard]] virtual status live_migrate(const std::string& uuid,
                                            const std::string& destination_uri) = 0;
  [[nodiscard]] virtual status attach_volume(const std::string& uuid,
                                             const disk_spec& disk) = 0;
  [[nodiscard]] virtual status detach_volume(const std::string& uuid,
                                             const std::string& volume_id) = 0;
  [[nodiscard]] virtual status attach_interface(const std::string& uuid,
                                                const interface_spec& iface) = 0;
  [[nodiscard]] virtual status detach_interface(const std::string& uuid,
                                                const std::string& port_id) = 0;
  [[nodiscard]] virtual result<instance_info> info(const std::string& uuid) = 0;
  /// Every guest the hypervisor has, with its power state (power sync).
  [[nodiscard]] virtual result<std::map<std::string, power_state>> list() = 0;
  /// The last `max_bytes` of the guest's console log.
  [[nodiscard]] virtual result<std::string> console_output(const std::string& uuid,
                                                           size_t max_bytes) = 0;
  [[nodiscard]] virtual result<host_inventory> inventory() = 0;
  /// Called on a driver thread for power changes the driver did not cause.
  virtual void on_lifecycle(std::function<void(lifecycle_event)> listener) = 0;
};

class fake_host_registry;

struct fake_options {
  std::string hostname = "fake-host";
  /// Fake hosts of one process that know each other by hostname, so that
  /// a live migration to `destination_uri` (a hostname) moves the guest,
  /// with its disks and interfaces, to that host. Without it the guest
  /// only leaves the source.
  std::shared_ptr<fake_host_registry> peers;
  uint32_t vcpus = 64;
  uint64_t memory_mb = 262144;
  uint64_t disk_gb = 4096;
  /// Added to every operation, to model a slow hypervisor.
  std::chrono::microseconds latency{0};
  /// Operation name ("spawn", "power_off", ...) -> fail the next N calls.
  std::map<std::string, uint32_t> fail_next;
};

struct driver_config {
  std::string kind = "fake"; ///< "fake" or "libvirt".
  std::string libvirt_uri = "test:///default";
  /// Domain type on a real hypervisor: "kvm" (needs /dev/kvm) or "qemu"
  /// (software emulation). libvirt's test driver always uses "test".
  std::string libvirt_virt_type = "qemu";
  /// Where the libvirt driver keeps instance disks and console logs.
  std::string instances_dir;
  fake_options fake;
};

[[nodiscard]] result<std::unique_ptr<hypervisor_driver>>
make_hypervisor_driver(const driver_config& config);

/// A registry for the fake hosts of one process (fake_options::peers).
[[nodiscard]] std::shared_ptr<fake_host_registry> make_fake_host_registry();

} // namespace strato::hypervisor
