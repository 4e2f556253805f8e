#include "drivers/hypervisor/fake_hypervisor.hpp"

#include <algorithm>
#include <thread>

namespace strato::hypervisor {

namespace {

status no_such_guest(const std::string& uuid) {
  return {errc::not_found, "Domain not found: no domain with matching uuid '" +
                             uuid + "'"};
}

bool one_of(power_state state, std::initializer_list<power_state> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

} // namespace

const char* to_string(power_state state) {
  switch (state) {
    case power_state::nostate:
      return "nostate";
    case power_state::running:
      return "running";
    case power_state::paused:
      return "paused";
    case power_state::shutdown:
      return "shutdown";
    case power_state::crashed:
      return "crashed";
    case power_state::suspended:
      return "suspended";
  }
  return "unknown";
}

void fake_host_registry::add(const std::string& hostname,
                             fake_hypervisor* host) {
  std::lock_guard guard{mutex_};
  hosts_[hostname] = host;
}

void fake_host_registry::remove(const std::string& hostname,
                                const fake_hypervisor* host) {
  std::lock_guard guard{mutex_};
  if (auto it = hosts_.find(hostname); it != hosts_.end() && it->second == host) {
    hosts_.erase(it);
  }
}

status fake_host_registry::with(const std::string& hostname,
                                const std::function<status(fake_hypervisor*)>& f) {
  std::lock_guard guard{mutex_};
  auto it = hosts_.find(hostname);
  return f(it == hosts_.end() ? nullptr : it->second);
}

fake_hypervisor::fake_hypervisor(fake_options options)
  : options_(std::move(options)), latency_us_(options_.latency.count()) {
  if (options_.peers) {
    options_.peers->add(options_.hostname, this);
  }
}

fake_hypervisor::~fake_hypervisor() {
  if (options_.peers) {
    options_.peers->remove(options_.hostname, this);
  }
}

status fake_hypervisor::accept_migrated(const instance_spec& spec,
                                        power_state state) {
  std::lock_guard guard{mutex_};
  auto [it, added] = guests_.try_emplace(spec.uuid);
  if (!added) {
    return {errc::conflict, "domain '" + spec.uuid + "' already exists"};
  }
  it->second.spec = spec;
  it->second.state = state;
  it->second.console = "[    0.000000] Linux version 6.1.0 (fake)\n" +
                       spec.name + " login: \n";
  return {};
}

void fake_hypervisor::fail_next(const std::string& operation, uint32_t count) {
  std::lock_guard guard{mutex_};
  options_.fail_next[operation] = count;
}

void fake_hypervisor::set_latency(std::chrono::microseconds latency) {
  latency_us_.store(latency.count(), std::memory_order_relaxed);
}

status fake_hypervisor::begin(const char* operation) {
  calls_.fetch_add(1, std::memory_order_relaxed);
  if (auto us = latency_us_.load(std::memory_order_relaxed); us > 0) {
    std::this_thread::sleep_for(std::chrono::microseconds{us});
  }
  std::lock_guard guard{mutex_};
  if (options_.fail_next.empty()) {
    return {};
  }
  auto it = options_.fail_next.find(operation);
  if (it == options_.fail_next.end() || it->second == 0) {
    return {};
  }
  if (--it->second == 0) {
    options_.fail_next.erase(it);
  }
  return {errc::unavailable,
          std::string{"injected failure of "} + operation + " on " +
            options_.hostname};
}

fake_hypervisor::guest* fake_hypervisor::find(const std::string& uuid) {
  auto it = guests_.find(uuid);
  return it == guests_.end() ? nullptr : &it->second;
}

status fake_hypervisor::transition(const char* operation,
                                   const std::string& uuid,
                                   std::initializer_list<power_state> from,
                                   power_state to) {
  if (auto st = begin(operation); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  if (!one_of(vm->state, from)) {
    return {errc::invalid_transition,
            std::string{"Requested operation is not valid: cannot "} +
              operation + " a guest that is " + to_string(vm->state)};
  }
  vm->state = to;
  return {};
}

void fake_hypervisor::notify(const lifecycle_event& event) {
  std::function<void(lifecycle_event)> listener;
  {
    std::lock_guard guard{mutex_};
    listener = listener_;
  }
  if (listener) {
    listener(event);
  }
}

status fake_hypervisor::spawn(const instance_spec& spec) {
  if (auto st = begin("spawn"); !st.ok()) {
    return st;
  }
  if (spec.uuid.empty()) {
    return {errc::invalid_argument, "instance uuid is empty"};
  }
  std::lock_guard guard{mutex_};
  auto [it, added] = guests_.try_emplace(spec.uuid);
  if (!added) {
    return {errc::conflict, "domain '" + spec.uuid + "' already exists"};
  }
  it->second.spec = spec;
  it->second.state = power_state::running;
  it->second.console = "[    0.000000] Linux version 6.1.0 (fake)\n" +
                       spec.name + " login: \n";
  return {};
}

status fake_hypervisor::destroy(const std::string& uuid) {
  if (auto st = begin("destroy"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  guests_.erase(uuid); // an unknown uuid is already destroyed
  return {};
}

status fake_hypervisor::power_on(const std::string& uuid) {
  return transition("power_on", uuid,
                    {power_state::shutdown, power_state::crashed,
                     power_state::nostate},
                    power_state::running);
}

status fake_hypervisor::power_off(const std::string& uuid,
                                  std::chrono::seconds /*timeout*/) {
  return transition("power_off", uuid,
                    {power_state::running, power_state::paused,
                     power_state::crashed, power_state::suspended},
                    power_state::shutdown);
}

status fake_hypervisor::reboot(const std::string& uuid, bool hard) {
  if (hard) {
    // A hard reboot also recovers stopped, crashed and paused guests (Nova).
    return transition("reboot", uuid,
                      {power_state::running, power_state::shutdown,
                       power_state::crashed, power_state::paused,
                       power_state::suspended},
                      power_state::running);
  }
  return transition("reboot", uuid, {power_state::running},
                    power_state::running);
}

status fake_hypervisor::pause(const std::string& uuid) {
  return transition("pause", uuid, {power_state::running},
                    power_state::paused);
}

status fake_hypervisor::unpause(const std::string& uuid) {
  return transition("unpause", uuid, {power_state::paused},
                    power_state::running);
}

status fake_hypervisor::suspend(const std::string& uuid) {
  return transition("suspend", uuid, {power_state::running, power_state::paused},
                    power_state::suspended);
}

status fake_hypervisor::resume(const std::string& uuid) {
  return transition("resume", uuid, {power_state::suspended},
                    power_state::running);
}

status fake_hypervisor::resize(const instance_spec& spec) {
  if (auto st = begin("resize"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(spec.uuid);
  if (vm == nullptr) {
    return no_such_guest(spec.uuid);
  }
  vm->spec = spec;
  return {};
}

status fake_hypervisor::live_migrate(const std::string& uuid,
                                     const std::string& destination_uri) {
  if (auto st = begin("live_migrate"); !st.ok()) {
    return st;
  }
  guest moving;
  {
    std::lock_guard guard{mutex_};
    auto it = guests_.find(uuid);
    if (it == guests_.end()) {
      return no_such_guest(uuid);
    }
    if (!options_.peers) {
      guests_.erase(it);
      return {};
    }
    moving = it->second;
  }
  auto arrived = options_.peers->with(destination_uri, [&](fake_hypervisor* to) {
    if (to == nullptr || to == this) {
      return status{errc::invalid_argument,
                    "no destination host '" + destination_uri + "' to migrate to"};
    }
    return to->accept_migrated(moving.spec, moving.state);
  });
  if (!arrived.ok()) {
    return arrived;
  }
  std::lock_guard guard{mutex_};
  guests_.erase(uuid);
  return {};
}

status fake_hypervisor::attach_volume(const std::string& uuid,
                                      const disk_spec& disk) {
  if (auto st = begin("attach_volume"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  auto& volumes = vm->spec.volumes;
  auto same = [&](const disk_spec& d) { return d.volume_id == disk.volume_id; };
  if (std::any_of(volumes.begin(), volumes.end(), same)) {
    return {errc::conflict, "volume " + disk.volume_id + " already attached"};
  }
  volumes.push_back(disk);
  return {};
}

status fake_hypervisor::detach_volume(const std::string& uuid,
                                      const std::string& volume_id) {
  if (auto st = begin("detach_volume"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  auto removed = std::erase_if(vm->spec.volumes, [&](const disk_spec& d) {
    return d.volume_id == volume_id;
  });
  if (removed == 0) {
    return {errc::not_found, "volume " + volume_id + " is not attached"};
  }
  return {};
}

status fake_hypervisor::attach_interface(const std::string& uuid,
                                         const interface_spec& iface) {
  if (auto st = begin("attach_interface"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  auto& ifaces = vm->spec.interfaces;
  auto same = [&](const interface_spec& i) { return i.port_id == iface.port_id; };
  if (std::any_of(ifaces.begin(), ifaces.end(), same)) {
    return {errc::conflict, "port " + iface.port_id + " already attached"};
  }
  ifaces.push_back(iface);
  return {};
}

status fake_hypervisor::detach_interface(const std::string& uuid,
                                         const std::string& port_id) {
  if (auto st = begin("detach_interface"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  auto removed = std::erase_if(vm->spec.interfaces,
                               [&](const interface_spec& i) {
                                 return i.port_id == port_id;
                               });
  if (removed == 0) {
    return {errc::not_found, "port " + port_id + " is not attached"};
  }
  return {};
}

result<instance_info> fake_hypervisor::info(const std::string& uuid) {
  if (auto st = begin("info"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  return instance_info{vm->state, vm->spec.vcpus, vm->spec.memory_mb, 0};
}

result<std::map<std::string, power_state>> fake_hypervisor::list() {
  if (auto st = begin("list"); !st.ok()) {
    return st;
  }
  std::map<std::string, power_state> out;
  std::lock_guard guard{mutex_};
  for (const auto& [uuid, vm] : guests_) {
    out.emplace(uuid, vm.state);
  }
  return out;
}

result<std::string> fake_hypervisor::console_output(const std::string& uuid,
                                                    size_t max_bytes) {
  if (auto st = begin("console_output"); !st.ok()) {
    return st;
  }
  std::lock_guard guard{mutex_};
  auto* vm = find(uuid);
  if (vm == nullptr) {
    return no_such_guest(uuid);
  }
  const auto& log = vm->console;
  return log.size() <= max_bytes ? log : log.substr(log.size() - max_bytes);
}

result<host_inventory> fake_hypervisor::inventory() {
  if (auto st = begin("inventory"); !st.ok()) {
    return st;
  }
  return host_inventory{options_.hostname, options_.vcpus, options_.memory_mb,
                        options_.disk_gb, "fake", 1000, "x86_64"};
}

void fake_hypervisor::on_lifecycle(
  std::function<void(lifecycle_event)> listener) {
  std::lock_guard guard{mutex_};
  listener_ = std::move(listener);
}

status fake_hypervisor::inject_power_change(const std::string& uuid,
                                            power_state state,
                                            const std::string& reason) {
  {
    std::lock_guard guard{mutex_};
    auto* vm = find(uuid);
    if (vm == nullptr) {
      return no_such_guest(uuid);
    }
    vm->state = state;
    vm->console += "[fake] " + reason + "\n";
  }
  notify(lifecycle_event{uuid, state, reason});
  return {};
}

void fake_hypervisor::write_console(const std::string& uuid,
                                    const std::string& line) {
  std::lock_guard guard{mutex_};
  if (auto* vm = find(uuid)) {
    vm->console += line + "\n";
  }
}

result<instance_spec> fake_hypervisor::spec_of(const std::string& uuid) const {
  std::lock_guard guard{mutex_};
  auto it = guests_.find(uuid);
  if (it == guests_.end()) {
    return no_such_guest(uuid);
  }
  return it->second.spec;
}

} // namespace strato::hypervisor
