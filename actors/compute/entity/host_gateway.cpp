#include "actors/compute/entity/host_gateway.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>

#include "actors/compute/entity/host_ops.hpp"
#include "actors/compute/entity/move_steps.hpp"
#include "actors/compute/entity/port_steps.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/image/image_protocol.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::compute {

namespace {

namespace agent = strato::compute_agent;
namespace hv = strato::hypervisor;

constexpr auto call_timeout = std::chrono::seconds{170};

struct gateway_state {
  gateway_options options;
  /// Simulated hosts: host -> guest uuid -> power state.
  std::unordered_map<std::string, std::unordered_map<std::string, int32_t>>
    guests;
  size_t next_host = 0;
  static inline const char* name = "strato.compute.host_gateway";
};

using gateway_actor = caf::stateful_actor<gateway_state>;
using promise = caf::typed_response_promise<host_op_result>;

status no_valid_host() {
  return {errc::not_found, "No valid host was found. There are not enough "
                           "hosts available."};
}

/// Round-robin over `hosts`, skipping `avoid`.
result<std::string> round_robin(gateway_state& st,
                                const std::vector<std::string>& hosts,
                                const std::string& avoid) {
  for (size_t i = 0; i < hosts.size(); ++i) {
    const auto& h = hosts[(st.next_host + i) % hosts.size()];
    if (h != avoid) {
      st.next_host = (st.next_host + i + 1) % hosts.size();
      return h;
    }
  }
  return no_valid_host();
}

// -- simulated hosts ------------------------------------------------------

result<host_op_result> simulate(gateway_state& st, const host_op& op) {
  auto& hosts = st.options.simulated_hosts;
  if (op.op == "pick") {
    auto host = round_robin(st, hosts, op.other_host);
    if (!host) {
      return host.error();
    }
    return host_op_result{*host, 0, {}};
  }
  if (op.op == "check_host") {
    if (std::find(hosts.begin(), hosts.end(), op.host) == hosts.end()
        || op.host == op.other_host) {
      return no_valid_host();
    }
    return host_op_result{op.host, 0, {}};
  }
  if (op.op == "destroy" || op.op == "delete") {
    if (auto it = st.guests.find(op.host); it != st.guests.end()) {
      it->second.erase(op.uuid);
    }
    return host_op_result{op.host, 0, {}};
  }
  if (op.op == "live_migrate") {
    st.guests[op.host].erase(op.uuid);
    st.guests[op.other_host][op.uuid] = 1;
    return host_op_result{op.other_host, 1, {}};
  }
  if (op.op == "attach_volume" || op.op == "detach_volume") {
    return host_op_result{op.host, 0, {}};
  }
  if (op.op == "console") {
    return host_op_result{op.host, 0,
                          "[    0.000000] Linux version 6.1.0 (simulated)\n"
                          "[    0.100000] Booting " + op.uuid + "\nlogin: \n"};
  }
  static const std::pair<std::string_view, int32_t> power_after[] = {
    {"spawn", 1},  {"resize", 1},  {"power_on", 1}, {"power_off", 4},
    {"reboot", 1}, {"pause", 3},   {"unpause", 1},  {"suspend", 7},
    {"resume", 1}};
  for (auto [name, power] : power_after) {
    if (op.op == name) {
      st.guests[op.host][op.uuid] = power;
      return host_op_result{op.host, power, {}};
    }
  }
  return status{errc::not_implemented, "unknown host operation " + op.op};
}

// -- compute agents and the scheduler -----------------------------------

hv::instance_spec spec_of(const host_op& op) {
  hv::instance_spec spec;
  spec.uuid = op.uuid;
  spec.name = op.name;
  spec.vcpus = static_cast<uint32_t>(op.vcpus);
  spec.memory_mb = static_cast<uint64_t>(op.ram_mb);
  spec.root_gb = static_cast<uint64_t>(op.disk_gb);
  spec.ephemeral_gb = static_cast<uint64_t>(op.ephemeral_gb);
  spec.swap_mb = static_cast<uint64_t>(op.swap_mb);
  spec.metadata = op.metadata;
  for (const auto& port : op.ports) {
    spec.interfaces.push_back(interface_of(port));
  }
  for (const auto& d : op.disks) {
    auto device = d.device.rfind("/dev/", 0) == 0 ? d.device.substr(5)
                                                  : d.device;
    spec.volumes.push_back({d.volume_id, d.path, d.format, device});
  }
  return spec;
}

std::optional<agent::instance_operation> agent_operation(const host_op& op) {
  using io = agent::instance_operation;
  static const std::pair<std::string_view, io> table[] = {
    {"spawn", io::spawn},         {"destroy", io::destroy},
    {"delete", io::destroy},      {"power_on", io::power_on},
    {"power_off", io::power_off}, {"pause", io::pause},
    {"unpause", io::unpause},     {"suspend", io::suspend},
    {"resume", io::resume},       {"resize", io::spawn},
    {"live_migrate", io::live_migrate}};
  if (op.op == "reboot") {
    return op.hard ? io::reboot_hard : io::reboot_soft;
  }
  for (auto [name, value] : table) {
    if (op.op == name) {
      return value;
    }
  }
  return std::nullopt;
}

void free_allocations(gateway_actor* self, const std::string& uuid) {
  if (!self->state.options.scheduler) {
    return;
  }
  self->request(self->state.options.scheduler, call_timeout,
                scheduler::free_allocations_atom::value, uuid)
    .then([](bool) {}, [](caf::error&) {});
}

void run_on_agent(gateway_actor* self, const host_op& op, promise rp,
                  hv::instance_spec spec) {
  auto operation = agent_operation(op);
  if (!operation) {
    rp.deliver(actor::to_caf_error(errc::not_implemented,
                                   "unknown host operation " + op.op));
    return;
  }
  agent::instance_command cmd;
  cmd.operation = *operation;
  cmd.uuid = op.uuid;
  cmd.request_id = op.request_id;
  cmd.spec = std::move(spec);
  cmd.destination_uri = op.other_host;
  auto is_delete = op.op == "delete";
  auto uuid = op.uuid;
  auto reported_host = op.op == "live_migrate" ? op.other_host : op.host;
  self->request(self->state.options.compute_agent, call_timeout, op.host,
                caf::make_message(agent::agent_run_atom::value, cmd))
    .then(
      [self, rp, is_delete, uuid,
       reported_host](agent::instance_outcome& out) mutable {
        if (is_delete) {
          free_allocations(self, uuid);
        }
        rp.deliver(host_op_result{reported_host,
                                  static_cast<int32_t>(out.state), {}});
      },
      [self, rp, is_delete, uuid, host = op.host](caf::error& err) mutable {
        // Nova's local delete: a server whose host is down is deleted
        // without it (its node, back, finds a guest no server claims).
        if (is_delete
            && actor::from_caf_error(err).code() == errc::unavailable) {
          spdlog::warn("compute: {} deleted while its host {} is down",
                       uuid, host);
          free_allocations(self, uuid);
          rp.deliver(host_op_result{host, 0, {}});
          return;
        }
        rp.deliver(err);
      });
}

/// Spawns need the image's file: take the image into use first.
void spawn_on_agent(gateway_actor* self, const host_op& op, promise rp) {
  auto spec = spec_of(op);
  if (!self->state.options.image || op.image_id.empty()) {
    run_on_agent(self, op, rp, std::move(spec));
    return;
  }
  image::image_use use{op.image_id, "", "instance", op.uuid, op.request_id};
  self->request(self->state.options.image, call_timeout, use)
    .then(
      [self, op, rp, spec](image::image_info& info) mutable {
        spec.image_path = info.file_path;
        spec.image_format = info.disk_format;
        run_on_agent(self, op, rp, std::move(spec));
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

void pick_with_scheduler(gateway_actor* self, const host_op& op, promise rp) {
  scheduler::destination_request req;
  req.instance_uuids = {op.uuid};
  req.project_id = op.project_id;
  req.user_id = op.user_id;
  req.flavor = {op.flavor_name, op.vcpus,        op.ram_mb, op.disk_gb,
                op.ephemeral_gb, op.swap_mb, op.extra_specs};
  req.availability_zone
    = op.availability_zone == "nova" ? std::string{} : op.availability_zone;
  if (!op.other_host.empty()) {
    req.ignore_hosts = {op.other_host};
  }
  if (op.op == "check_host") {
    req.force_hosts = {op.host};
    req.is_admin = true;
  }
  req.request_id = op.request_id;
  auto sched = self->state.options.scheduler;
  auto select = [self, sched, req, rp]() mutable {
    self->request(sched, call_timeout,
                  scheduler::select_destinations_atom::value, req)
      .then(
        [rp](scheduler::destinations& out) mutable {
          if (out.placed.empty()) {
            rp.deliver(actor::to_caf_error(no_valid_host()));
            return;
          }
          rp.deliver(host_op_result{out.placed.front().hostname, 0, {}});
        },
        [rp](caf::error& err) mutable { rp.deliver(err); });
  };
  if (op.other_host.empty() && !op.resumed) {
    select();
    return;
  }
  // A move: the instance's claim on its source is given up first, so that
  // the new claim is not refused as a second one for the same consumer.
  // So is a resumed pick's: the claim made before a crash was never
  // recorded by the instance.
  self->request(sched, call_timeout, scheduler::free_allocations_atom::value,
                op.uuid)
    .then([select](bool) mutable { select(); },
          [select](caf::error&) mutable { select(); });
}

void pick_from_agents(gateway_actor* self, const host_op& op, promise rp) {
  self->request(self->state.options.compute_agent, call_timeout,
                agent::agent_hosts_atom::value)
    .then(
      [self, op, rp](std::vector<std::string>& hosts) mutable {
        if (op.op == "check_host") {
          bool known = std::find(hosts.begin(), hosts.end(), op.host)
                       != hosts.end();
          if (!known || op.host == op.other_host) {
            rp.deliver(actor::to_caf_error(no_valid_host()));
          } else {
            rp.deliver(host_op_result{op.host, 0, {}});
          }
          return;
        }
        auto host = round_robin(self->state, hosts, op.other_host);
        if (!host) {
          rp.deliver(actor::to_caf_error(host.error()));
        } else {
          rp.deliver(host_op_result{*host, 0, {}});
        }
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

/// Attaching a disk the guest has, or detaching one it lacks (or from a
/// guest that is gone), is what a resumed step finds: both succeed.
bool already_done(const host_op& op, const status& st) {
  if (op.op == "attach_volume") {
    return st.code() == errc::conflict;
  }
  return st.code() == errc::not_found;
}

void volume_on_agent(gateway_actor* self, const host_op& op, promise rp) {
  agent::instance_command cmd;
  cmd.uuid = op.uuid;
  cmd.request_id = op.request_id;
  cmd.device_id = op.volume_id;
  if (op.op == "attach_volume") {
    cmd.operation = agent::instance_operation::attach_volume;
    auto device = op.device;
    if (device.rfind("/dev/", 0) == 0) {
      device = device.substr(5);
    }
    cmd.disk = {op.volume_id, op.volume_path, op.volume_format, device};
  } else {
    cmd.operation = agent::instance_operation::detach_volume;
  }
  self->request(self->state.options.compute_agent, call_timeout, op.host,
                caf::make_message(agent::agent_run_atom::value, cmd))
    .then(
      [rp, host = op.host](agent::instance_outcome& out) mutable {
        rp.deliver(host_op_result{host, static_cast<int32_t>(out.state), {}});
      },
      [rp, op](caf::error& err) mutable {
        if (already_done(op, actor::from_caf_error(err))) {
          rp.deliver(host_op_result{op.host, 0, {}});
        } else {
          rp.deliver(err);
        }
      });
}

void console_from_agent(gateway_actor* self, const host_op& op, promise rp) {
  self->request(self->state.options.compute_agent, call_timeout, op.host,
                caf::make_message(agent::agent_console_atom::value, op.uuid,
                                  static_cast<uint64_t>(op.disk_gb)))
    .then(
      [rp, host = op.host](std::string& log) mutable {
        rp.deliver(host_op_result{host, 0, std::move(log)});
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
}

/// Runs the guest's part of `op` (a request to the gateway itself), then
/// `ports_part` on the ports; answers the guest's result once both are done.
caf::result<host_op_result>
around_guest(gateway_actor* self, const host_op& op,
             void (*ports_part)(caf::event_based_actor*, const caf::actor&,
                                const host_op&, ports_status_done)) {
  auto rp = self->make_response_promise<host_op_result>();
  auto guest = op;
  guest.guest_only = true;
  self->request(caf::actor_cast<caf::actor>(self), call_timeout,
                host_op_atom::value, guest)
    .then(
      [self, op, rp, ports_part](host_op_result& res) mutable {
        ports_part(self, self->state.options.network, op,
                   [rp, res](status st) mutable {
                     if (st.ok()) {
                       rp.deliver(std::move(res));
                     } else {
                       rp.deliver(actor::to_caf_error(st));
                     }
                   });
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<host_op_result> networking(gateway_actor* self,
                                       const host_op& op) {
  if (!self->state.options.network) {
    return actor::to_caf_error(errc::unavailable,
                               "No network service to allocate ports from.");
  }
  auto rp = self->make_response_promise<host_op_result>();
  allocate_ports(self, self->state.options.network, op,
                 [rp, host = op.host](
                   result<std::vector<compute::v1::InstancePort>> r) mutable {
                   if (!r) {
                     rp.deliver(actor::to_caf_error(r.error()));
                     return;
                   }
                   host_op_result out;
                   out.host = host;
                   out.ports = std::move(*r);
                   rp.deliver(std::move(out));
                 });
  return rp;
}

/// Plugs or unplugs `port` on the instance's hypervisor; without compute
/// agents (simulated hosts) there is nothing to plug.
void interface_on_host(gateway_actor* self, const host_op& op,
                       agent::instance_operation which,
                       const compute::v1::InstancePort& port,
                       ports_status_done done) {
  if (!self->state.options.compute_agent || op.host.empty()) {
    done({});
    return;
  }
  agent::instance_command cmd;
  cmd.operation = which;
  cmd.uuid = op.uuid;
  cmd.request_id = op.request_id;
  cmd.iface = interface_of(port);
  cmd.device_id = port.port_id();
  bool detaching = which == agent::instance_operation::detach_interface;
  self->request(self->state.options.compute_agent, call_timeout, op.host,
                caf::make_message(agent::agent_run_atom::value, cmd))
    .then([done](agent::instance_outcome&) { done({}); },
          [done, detaching](caf::error& err) {
            auto st = actor::from_caf_error(err);
            // A resumed detach finds the interface already gone.
            done(detaching && st.code() == errc::not_found ? status{} : st);
          });
}

using promise_ptr = std::shared_ptr<promise>;

void fail_with(const promise_ptr& rp, const status& st) {
  rp->deliver(actor::to_caf_error(st));
}

/// os-interface attach: the port made or taken and bound, plugged into the
/// guest, then marked plugged.
caf::result<host_op_result> attach_port(gateway_actor* self,
                                        const host_op& op) {
  auto network = self->state.options.network;
  if (!network) {
    return actor::to_caf_error(errc::unavailable,
                               "No network service to attach ports from.");
  }
  auto rp = std::make_shared<promise>(
    self->make_response_promise<host_op_result>());
  allocate_ports(self, network, op, [self, network, op, rp](auto r) {
    if (!r || r->empty()) {
      fail_with(rp, r ? status{errc::unavailable, "no port was given"}
                      : r.error());
      return;
    }
    auto port = r->front();
    interface_on_host(
      self, op, agent::instance_operation::attach_interface, port,
      [self, network, op, rp, port](status st) {
        if (!st.ok()) {
          fail_with(rp, st);
          return;
        }
        auto plugged = op;
        plugged.ports = {port};
        mark_ports_plugged(self, network, plugged, [rp, op, port](status s) {
          if (!s.ok()) {
            fail_with(rp, s);
          } else {
            rp->deliver(host_op_result{op.host, 0, {}, {port}});
          }
        });
      });
  });
  return *rp;
}

/// os-interface detach: unplugged from the guest, then the port detached
/// (the user's) or deleted (compute's).
caf::result<host_op_result> detach_port(gateway_actor* self,
                                        const host_op& op) {
  auto network = self->state.options.network;
  if (!network || op.ports.empty()) {
    return actor::to_caf_error(errc::unavailable,
                               "No network service to detach ports from.");
  }
  auto rp = std::make_shared<promise>(
    self->make_response_promise<host_op_result>());
  auto port = op.ports.front();
  interface_on_host(
    self, op, agent::instance_operation::detach_interface, port,
    [self, network, op, rp, port](status st) {
      if (!st.ok()) {
        fail_with(rp, st);
        return;
      }
      release_port(self, network, port, op.request_id, [rp, op](status s) {
        if (!s.ok()) {
          fail_with(rp, s);
        } else {
          rp->deliver(host_op_result{op.host});
        }
      });
    });
  return *rp;
}

/// The steps that carry ports and volumes along (move_steps.hpp).
caf::result<host_op_result> move_step(gateway_actor* self,
                                      const host_op& op) {
  move_context ctx;
  ctx.self = self;
  ctx.gateway = caf::actor_cast<caf::actor>(self);
  ctx.network = self->state.options.network;
  ctx.volume = self->state.options.volume;
  ctx.free_allocations = [self](const std::string& uuid) {
    free_allocations(self, uuid);
  };
  auto rp = self->make_response_promise<host_op_result>();
  run_move_step(ctx, op, [rp](result<host_op_result> r) mutable {
    if (r) {
      rp.deliver(std::move(*r));
    } else {
      rp.deliver(actor::to_caf_error(r.error()));
    }
  });
  return rp;
}

caf::result<host_op_result> handle(gateway_actor* self, const host_op& op) {
  auto& o = self->state.options;
  if (op.op == "networking") {
    return networking(self, op);
  }
  if (op.op == "attach_port") {
    return attach_port(self, op);
  }
  if (op.op == "detach_port") {
    return detach_port(self, op);
  }
  if (!op.guest_only) {
    if (is_move_step(op.op)) {
      return move_step(self, op);
    }
    if (o.network && op.op == "delete") {
      return around_guest(self, op, release_ports);
    }
  }
  bool placing = op.op == "pick" || op.op == "check_host";
  if ((placing && !o.scheduler && !o.compute_agent)
      || (!placing && !o.compute_agent)) {
    auto out = simulate(self->state, op);
    if (!out) {
      return actor::to_caf_error(out.error());
    }
    return std::move(*out);
  }
  auto rp = self->make_response_promise<host_op_result>();
  if (placing) {
    if (o.scheduler) {
      pick_with_scheduler(self, op, rp);
    } else {
      pick_from_agents(self, op, rp);
    }
  } else if (op.host.empty() && (op.op == "destroy" || op.op == "delete")) {
    // Never placed: nothing to remove from a host.
    if (op.op == "delete") {
      free_allocations(self, op.uuid);
    }
    rp.deliver(host_op_result{});
  } else if (op.op == "console") {
    console_from_agent(self, op, rp);
  } else if (op.op == "attach_volume" || op.op == "detach_volume") {
    volume_on_agent(self, op, rp);
  } else if (op.op == "spawn" || op.op == "resize") {
    spawn_on_agent(self, op, rp);
  } else {
    run_on_agent(self, op, rp, spec_of(op));
  }
  return rp;
}

caf::behavior gateway(gateway_actor* self, gateway_options options) {
  self->state.options = std::move(options);
  return {
    [self](host_op_atom, const host_op& op) { return handle(self, op); },
  };
}

} // namespace

caf::actor spawn_host_gateway(caf::actor_system& sys,
                              gateway_options options) {
  return sys.spawn(gateway, std::move(options));
}

} // namespace strato::compute
