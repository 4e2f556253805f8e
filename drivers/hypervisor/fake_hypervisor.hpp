#pragma once

/// An in-memory hypervisor for tests and benchmarks. Guests are map entries;
/// operations follow libvirt's state rules (pausing a stopped guest is
/// errc::invalid_transition), take a configurable latency, and fail on
/// demand (`fail_next`). One instance is small (a mutex, a map), so a
/// process can hold thousands of fake hosts.
///
/// Thread safety: every member may be called from any thread. Latency is
/// slept outside the lock, so calls for different guests overlap. Lifecycle
/// listeners are called on the thread that caused the change, without the
/// lock held.

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::hypervisor {

class fake_hypervisor;

/// The fake hosts of a process by hostname (fake_options::peers). A host
/// registers itself while it exists; a live migration holds the registry's
/// lock while the destination takes the guest, so the destination cannot
/// go away meanwhile.
class fake_host_registry {
public:
  void add(const std::string& hostname, fake_hypervisor* host);
  void remove(const std::string& hostname, const fake_hypervisor* host);
  /// Runs `f(host)` with the host named `hostname` (nullptr if none).
  [[nodiscard]] status with(const std::string& hostname,
                            const std::function<status(fake_hypervisor*)>& f);

private:
  std::mutex mutex_;
  std::map<std::string, fake_hypervisor*> hosts_;
};

class fake_hypervisor final : public hypervisor_driver {
public:
  explicit fake_hypervisor(fake_options options = {});
  ~fake_hypervisor() override;
  fake_hypervisor(const fake_hypervisor&) = delete;
  fake_hypervisor& operator=(const fake_hypervisor&) = delete;

  /// The destination's half of a live migration: the guest arrives with
  /// its spec and power state. errc::conflict if it is here already.
  [[nodiscard]] status accept_migrated(const instance_spec& spec,
                                       power_state state);

  // -- test controls ---------------------------------------------------------

  /// The next `count` calls of `operation` ("spawn", "power_off", "info",
  /// "list", ...) fail with errc::unavailable.
  void fail_next(const std::string& operation, uint32_t count);
  /// Latency added to every operation from now on.
  void set_latency(std::chrono::microseconds latency);
  /// The guest changes power state on its own (shut down from inside,
  /// crashed): state changes and listeners hear about it.
  [[nodiscard]] status inject_power_change(const std::string& uuid,
                                           power_state state,
                                           const std::string& reason);
  /// Appends a line to the guest's console log.
  void write_console(const std::string& uuid, const std::string& line);
  /// Number of driver calls made so far (all operations).
  [[nodiscard]] uint64_t calls() const {
    return calls_.load(std::memory_order_relaxed);
  }
  /// The spec a guest was spawned (or resized) with.
  [[nodiscard]] result<instance_spec> spec_of(const std::string& uuid) const;

  // -- hypervisor_driver -----------------------------------------------------

  status spawn(const instance_spec& spec) override;
  status destroy(const std::string& uuid) override;
  status power_on(const std::string& uuid) override;
  status power_off(const std::string& uuid,
                   std::chrono::seconds timeout) override;
  status reboot(const std::string& uuid, bool hard) override;
  status pause(const std::string& uuid) override;
  status unpause(const std::string& uuid) override;
  status suspend(const std::string& uuid) override;
  status resume(const std::string& uuid) override;
  status resize(const instance_spec& spec) override;
  status live_migrate(const std::string& uuid,
                      const std::string& destination_uri) override;
  status attach_volume(const std::string& uuid,
                       const disk_spec& disk) override;
  status detach_volume(const std::string& uuid,
                       const std::string& volume_id) override;
  status attach_interface(const std::string& uuid,
                          const interface_spec& iface) override;
  status detach_interface(const std::string& uuid,
                          const std::string& port_id) override;
  result<instance_info> info(const std::string& uuid) override;
  result<std::map<std::string, power_state>> list() override;
  result<std::string> console_output(const std::string& uuid,
                                     size_t max_bytes) override;
  result<host_inventory> inventory() override;
  void on_lifecycle(std::function<void(lifecycle_event)> listener) override;

private:
  struct guest {
    instance_spec spec;
    power_state state = power_state::nostate;
    std::string console;
  };

  /// Sleeps the latency, counts the call and consumes an injected failure.
  [[nodiscard]] status begin(const char* operation);
  /// Moves guest `uuid` from one of `from` to `to`, under the lock.
  [[nodiscard]] status transition(const char* operation,
                                  const std::string& uuid,
                                  std::initializer_list<power_state> from,
                                  power_state to);
  guest* find(const std::string& uuid);
  void notify(const lifecycle_event& event);

  fake_options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, guest> guests_;
  std::function<void(lifecycle_event)> listener_;
  std::atomic<uint64_t> calls_{0};
  std::atomic<int64_t> latency_us_{0};
};

/// "running", "shutdown", ...: for logs and messages.
[[nodiscard]] const char* to_string(power_state state);

} // namespace strato::hypervisor
