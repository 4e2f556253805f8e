#include "actors/compute_agent/driver_calls.hpp"

#include <caf/make_message.hpp>

#include "runtime/actor/caf_error.hpp"

namespace strato::compute_agent::internal {

namespace {

using hypervisor::hypervisor_driver;
using op = instance_operation;

template <class T>
caf::message reply_with(result<T> value) {
  if (!value.ok()) {
    return caf::make_message(actor::to_caf_error(value.error()));
  }
  return caf::make_message(std::move(value).value());
}

/// A step the compute service runs again after a crash finds its work done:
/// the guest it spawned exists, the guest it destroyed is gone. Both are
/// successes, as in Nova (InstanceNotFound on destroy is ignored).
bool already_done(const instance_command& cmd, const status& st) {
  return (cmd.operation == op::spawn && st.code() == errc::conflict)
         || (cmd.operation == op::destroy && st.code() == errc::not_found);
}

} // namespace

status run_command(hypervisor_driver& driver, const instance_command& cmd) {
  const auto& uuid = cmd.uuid;
  switch (cmd.operation) {
    case op::spawn:
      return driver.spawn(cmd.spec);
    case op::destroy:
      return driver.destroy(uuid);
    case op::power_on:
      return driver.power_on(uuid);
    case op::power_off:
      return driver.power_off(uuid, std::chrono::seconds{cmd.timeout_s});
    case op::reboot_soft:
      return driver.reboot(uuid, false);
    case op::reboot_hard:
      return driver.reboot(uuid, true);
    case op::pause:
      return driver.pause(uuid);
    case op::unpause:
      return driver.unpause(uuid);
    case op::suspend:
      return driver.suspend(uuid);
    case op::resume:
      return driver.resume(uuid);
    case op::resize:
      return driver.resize(cmd.spec);
    case op::live_migrate:
      return driver.live_migrate(uuid, cmd.destination_uri);
    case op::attach_volume:
      return driver.attach_volume(uuid, cmd.disk);
    case op::detach_volume:
      return driver.detach_volume(uuid, cmd.device_id);
    case op::attach_interface:
      return driver.attach_interface(uuid, cmd.iface);
    case op::detach_interface:
      return driver.detach_interface(uuid, cmd.device_id);
  }
  return {errc::invalid_argument, "unknown instance operation"};
}

driver_work operation_work(instance_command command) {
  return [cmd = std::move(command)](hypervisor_driver& driver) {
    if (cmd.operation == op::spawn && cmd.spec.uuid != cmd.uuid) {
      return caf::make_message(actor::to_caf_error(
        errc::invalid_argument, "spawn: spec.uuid differs from the uuid"));
    }
    auto st = run_command(driver, cmd);
    if (!st.ok() && !already_done(cmd, st)) {
      return caf::make_message(actor::to_caf_error(st));
    }
    instance_outcome out{cmd.uuid, cmd.operation,
                         hypervisor::power_state::nostate, cmd.request_id};
    if (cmd.operation != op::destroy && cmd.operation != op::live_migrate) {
      if (auto info = driver.info(cmd.uuid); info.ok()) {
        out.state = info->state;
      }
    }
    return caf::make_message(std::move(out));
  };
}

driver_work forced_power_off_work(const std::string& uuid) {
  instance_command cmd;
  cmd.operation = op::power_off;
  cmd.uuid = uuid;
  cmd.timeout_s = 0;
  cmd.request_id = "power-sync";
  return operation_work(std::move(cmd));
}

driver_work info_work(const std::string& uuid) {
  return [uuid](hypervisor_driver& driver) { return reply_with(driver.info(uuid)); };
}

driver_work console_work(const std::string& uuid, uint64_t max_bytes) {
  return [uuid, max_bytes](hypervisor_driver& driver) {
    return reply_with(driver.console_output(uuid, max_bytes));
  };
}

driver_work list_work(const std::string& hostname) {
  return [hostname](hypervisor_driver& driver) {
    auto guests = driver.list();
    if (!guests.ok()) {
      return caf::make_message(actor::to_caf_error(guests.error()));
    }
    return caf::make_message(host_guests{hostname, std::move(guests).value()});
  };
}

driver_work inventory_work() {
  return [](hypervisor_driver& driver) { return reply_with(driver.inventory()); };
}

} // namespace strato::compute_agent::internal
