#include "actors/compute/entity/instance_entity.hpp"

#include <algorithm>
#include <chrono>

#include "actors/compute/entity/catalog_entity.hpp"
#include "actors/compute/entity/host_ops.hpp"
#include "actors/compute/entity/instance_volumes.hpp"
#include "actors/tenant/quota_protocol.hpp"

namespace strato::compute {

namespace {

using self_ptr = actor::entity_actor<instance_aggregate>*;

/// Long enough for a graceful power-off (60 s) plus a slow hypervisor.
constexpr auto step_timeout = std::chrono::seconds{180};
constexpr auto quota_timeout = std::chrono::seconds{30};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

caf::error refuse(status st) {
  return actor::to_caf_error(st);
}

/// The flavor the step's guest runs with: a resize lands with the new one.
const pb::Flavor& flavor_for(const instance_model& m, const host_step& step) {
  if (step.op == "resize" && !m.pending.new_flavor().id().empty()) {
    return m.pending.new_flavor();
  }
  // A revert's source claims (and runs) the flavor it had.
  if (step.op == "restore" && m.vm_state == "resized" && m.old_flavor) {
    return *m.old_flavor;
  }
  return m.flavor;
}

void set_sizes(host_op& op, const instance_model& m, const host_step& step) {
  const auto& f = flavor_for(m, step);
  op.vcpus = f.vcpus();
  op.ram_mb = f.ram_mb();
  op.disk_gb = f.disk_gb();
  // The block device mapping may ask for smaller local disks.
  op.ephemeral_gb = m.created.has_ephemeral_gb() ? m.created.ephemeral_gb()
                                                 : f.ephemeral_gb();
  op.swap_mb = m.created.has_swap_mb() ? m.created.swap_mb() : f.swap_mb();
  op.flavor_name = f.name();
  op.extra_specs = {f.extra_specs().begin(), f.extra_specs().end()};
}

host_op make_op(const instance_model& m, const host_step& step) {
  host_op op;
  op.op = step.op;
  op.uuid = m.id();
  op.host = step.host;
  op.other_host = step.other_host;
  op.hard = step.hard;
  op.start_guest = step.start_guest;
  op.request_id = m.current_request_id;
  op.project_id = m.created.project_id();
  op.user_id = m.created.user_id();
  op.name = m.created.name();
  set_sizes(op, m, step);
  op.image_id = m.image_id;
  op.availability_zone = m.created.availability_zone();
  op.server_group = m.created.server_group_id();
  op.metadata = {m.created.metadata().begin(), m.created.metadata().end()};
  op.networks = {m.created.requested_networks().begin(),
                 m.created.requested_networks().end()};
  op.ports = m.ports;
  for (const auto& v : m.volumes) {
    if (v.phase() != "attached") {
      continue;
    }
    op.volumes.push_back(v);
    if (v.boot() && v.boot_index() == 0) {
      op.image_id.clear(); // Volume-backed: the root disk is the volume.
    }
  }
  if (step.op == "attach_port") {
    op.networks = {m.pending.interface()};
  } else if (step.op == "detach_port") {
    const auto* port = m.find_port(m.pending.interface().port_id());
    pb::InstancePort gone;
    gone.set_port_id(m.pending.interface().port_id());
    op.ports = {port != nullptr ? *port : gone};
  }
  return op;
}

/// Persists the events of a step's outcome; the next step follows.
void record_step(self_ptr self, std::vector<pb::InstanceEvent> events) {
  if (events.empty()) {
    return;
  }
  auto request_id = self->state.model.current_request_id;
  actor::persist(self, std::move(events), std::move(request_id),
                 [self](const instance_aggregate&) {
                   continue_after_persist(self);
                   return true;
                 });
}

/// Starts the host operation the current task_state calls for. Its answer
/// comes back as an anonymous step_done: recording the step persists, and
/// a persist answers the current message's sender, which must not be the
/// entity itself.
void run_next_step(self_ptr self, bool resumed = false) {
  if (run_volume_step(self)) {
    return; // Volumes settle first (a delete releases them).
  }
  auto& m = self->state.model;
  auto step = next_step(m);
  if (!step || !m.env || !m.env->host_gateway) {
    return;
  }
  auto ticket = ++m.step_ticket;
  m.step_running = true;
  auto op = make_op(m, *step);
  op.resumed = resumed;
  self->request(m.env->host_gateway, step_timeout, host_op_atom::value,
                std::move(op))
    .then(
      [self, ticket](host_op_result& res) {
        caf::anon_send(caf::actor_cast<caf::actor>(self), step_done_atom::value,
                       ticket, true, std::string{}, std::move(res));
      },
      [self, ticket](caf::error& err) {
        auto st = actor::from_caf_error(err);
        caf::anon_send(caf::actor_cast<caf::actor>(self), step_done_atom::value,
                       ticket, false, st.message(), host_op_result{});
      });
}

void release_quota(self_ptr self, const instance_aggregate& m) {
  if (!m.env || !m.env->tenant) {
    return;
  }
  tenant::quota_amounts amounts{{"instances", 1},
                                {"cores", m.flavor.vcpus()},
                                {"ram", m.flavor.ram_mb()}};
  self->request(m.env->tenant, quota_timeout, m.created.project_id(),
                caf::make_message(tenant::quota_release_atom::value, amounts,
                                  std::string{"release-" + m.id()}))
    .then([](bool) {},
          [id = m.id()](caf::error& err) {
            spdlog::warn("instance {}: releasing quota failed: {}", id,
                         actor::from_caf_error(err).describe());
          });
}

void leave_server_group(self_ptr self, const instance_aggregate& m) {
  if (m.created.server_group_id().empty() || !m.env || !m.env->catalog) {
    return;
  }
  pb::CatalogCommand cmd;
  auto* change = cmd.add_events()->mutable_server_group_member_changed();
  change->set_group_id(m.created.server_group_id());
  change->set_instance_id(m.id());
  change->set_added(false);
  self->request(m.env->catalog, quota_timeout,
                catalog_command(cmd, "delete-" + m.id()))
    .then([](uint64_t) {},
          [id = m.id()](caf::error& err) {
            spdlog::info("instance {}: leaving its server group: {}", id,
                         actor::from_caf_error(err).describe());
          });
}

void on_step_done(self_ptr self, uint64_t ticket, bool ok,
                  const std::string& message, host_op_result& res) {
  auto& m = self->state.model;
  if (ticket != m.step_ticket || m.task_state.empty()) {
    return; // An answer for a step we no longer wait for.
  }
  m.step_running = false;
  if (!ok) {
    spdlog::info("instance {}: step {} failed: {}", m.id(), m.task_state,
                 message);
  }
  // An undo stage that succeeds still ends a failed operation.
  bool undoing = m.move_stage == "cleanup"
                 || m.move_stage.rfind("rollback", 0) == 0;
  if (!ok) {
    m.last_failure = message;
  } else if (!undoing) {
    m.last_failure.clear();
  }
  step_outcome out{res.host, res.power_state, std::move(res.ports),
                   res.bound, std::move(res.volume_ids)};
  auto events = ok ? step_succeeded(m, out, now_us())
                   : step_failed(m, message, now_us());
  record_step(self, std::move(events));
}

} // namespace

/// After every persisted change: continue an operation in flight, or clean
/// up after a delete.
void continue_after_persist(self_ptr self) {
  auto& m = self->state.model;
  if (m.task_state.empty()) {
    for (auto& waiter : m.awaiting) {
      waiter.deliver(m.last_failure);
    }
    m.awaiting.clear();
  }
  if (m.deleted) {
    release_quota(self, m);
    leave_server_group(self, m);
    return;
  }
  run_next_step(self);
}

namespace {

void commit_quota(self_ptr self, const instance_aggregate& m) {
  const auto& reservation = m.created.quota_reservation();
  if (reservation.empty() || !m.env || !m.env->tenant) {
    return;
  }
  self->request(m.env->tenant, quota_timeout, m.created.project_id(),
                caf::make_message(tenant::quota_commit_atom::value,
                                  reservation, m.current_request_id))
    .then([](bool) {},
          [id = m.id()](caf::error& err) {
            spdlog::warn("instance {}: committing quota failed: {}", id,
                         actor::from_caf_error(err).describe());
          });
}

caf::result<bool> create(self_ptr self, const std::string& bytes,
                         std::string& request_id) {
  auto& m = self->state.model;
  if (!m.created.id().empty()) {
    return true; // A retried create: the server exists.
  }
  pb::InstanceCreated created;
  if (!created.ParseFromString(bytes) || created.id().empty()) {
    return refuse({errc::invalid_argument, "unreadable instance create"});
  }
  auto events = begin_create(created, request_id);
  return actor::persist(self, std::move(events), std::move(request_id),
                        [self](const instance_aggregate& model) {
                          commit_quota(self, model);
                          continue_after_persist(self);
                          return true;
                        });
}

caf::result<bool> act(self_ptr self, action_request& req) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse({errc::not_found,
                   "Instance " + self->state.stream.substr(9)
                     + " could not be found."});
  }
  req.now_us = now_us();
  auto events = begin_action(m, req);
  if (!events) {
    return refuse(events.error());
  }
  auto request_id = req.request_id;
  return actor::persist(self, std::move(*events), std::move(request_id),
                        [self](const instance_aggregate&) {
                          continue_after_persist(self);
                          return true;
                        });
}

caf::result<std::map<std::string, std::string>>
set_metadata(self_ptr self, std::map<std::string, std::string>& items,
             bool replace, const std::string& delete_key, bool admin,
             std::string& request_id) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse({errc::not_found, "Instance could not be found."});
  }
  if (auto st = check_action(m, action_kind::update_metadata, admin);
      !st.ok()) {
    return refuse(st);
  }
  std::map<std::string, std::string> next;
  if (!replace) {
    next = {m.created.metadata().begin(), m.created.metadata().end()};
  }
  if (!delete_key.empty()) {
    if (next.erase(delete_key) == 0) {
      return refuse({errc::not_found, "Metadata item was not found"});
    }
  }
  for (auto& [k, v] : items) {
    next[k] = v;
  }
  pb::InstanceEvent ev;
  ev.mutable_metadata_set()->mutable_metadata()->insert(next.begin(),
                                                        next.end());
  ev.mutable_metadata_set()->set_at_us(now_us());
  return actor::persist(self, {std::move(ev)}, std::move(request_id),
                        [next](const instance_aggregate&) { return next; });
}

caf::result<std::vector<std::string>>
set_tags(self_ptr self, int32_t op, std::vector<std::string>& tags,
         std::string& request_id) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse({errc::not_found, "Instance could not be found."});
  }
  std::vector<std::string> next;
  if (op != 0) {
    next.assign(m.created.tags().begin(), m.created.tags().end());
  }
  for (auto& tag : tags) {
    auto it = std::find(next.begin(), next.end(), tag);
    if (op == 2) {
      if (it == next.end()) {
        return refuse({errc::not_found, "Tag '" + tag
                                          + "' could not be found."});
      }
      next.erase(it);
    } else if (it == next.end()) {
      next.push_back(tag);
    }
  }
  if (next.size() > 50) {
    return refuse({errc::invalid_argument,
                   "The number of tags exceeded the per-server limit 50"});
  }
  pb::InstanceEvent ev;
  for (auto& tag : next) {
    ev.mutable_tags_set()->add_tags(tag);
  }
  ev.mutable_tags_set()->set_at_us(now_us());
  return actor::persist(self, {std::move(ev)}, std::move(request_id),
                        [next](const instance_aggregate&) { return next; });
}

caf::result<bool> update(self_ptr self, const std::string& bytes,
                         std::string& request_id) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse({errc::not_found, "Instance could not be found."});
  }
  pb::InstanceEvent ev;
  if (!ev.mutable_updated()->ParseFromString(bytes)) {
    return refuse({errc::invalid_argument, "unreadable instance update"});
  }
  ev.mutable_updated()->set_at_us(now_us());
  return actor::persist(self, {std::move(ev)}, std::move(request_id),
                        [](const instance_aggregate&) { return true; });
}

caf::result<std::string> console(self_ptr self, int64_t max_bytes) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse({errc::not_found, "Instance could not be found."});
  }
  if (m.host.empty() || !m.env || !m.env->host_gateway) {
    return refuse({errc::invalid_transition,
                   "Instance " + m.id() + " has no console yet."});
  }
  auto rp = self->make_response_promise<std::string>();
  host_op op;
  op.op = "console";
  op.uuid = m.id();
  op.host = m.host;
  op.disk_gb = max_bytes;
  self->request(m.env->host_gateway, step_timeout, host_op_atom::value, op)
    .then([rp](host_op_result& res) mutable { rp.deliver(res.output); },
          [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

/// Nova's _sync_power_states outcome for one observation, or nothing.
caf::result<bool> sync_power(self_ptr self, int32_t kind, int32_t observed,
                             const std::string& host) {
  auto& m = self->state.model;
  if (!m.exists() || !m.task_state.empty()) {
    return false; // An operation in flight owns the state.
  }
  if (host != m.host) {
    // A guest the server left behind (a move's source, powered off or
    // destroyed there) says nothing about the server.
    return false;
  }
  constexpr int32_t record_stopped = 2;
  constexpr int32_t powered_off = 3;
  auto vm_state = m.vm_state;
  auto power_state = kind == powered_off ? power::shutdown : observed;
  bool gone = observed == power::shutdown || observed == power::crashed
              || observed == power::nostate;
  if (kind == record_stopped || (kind == 0 && gone && vm_state == "active")) {
    vm_state = "stopped";
  }
  if (vm_state == m.vm_state && power_state == m.power_state) {
    return false;
  }
  pb::InstanceEvent ev;
  auto* sc = ev.mutable_state_changed();
  sc->set_vm_state(vm_state);
  sc->set_power_state(power_state);
  sc->set_at_us(now_us());
  return actor::persist(self, {std::move(ev)}, "power-sync",
                        [](const instance_aggregate&) { return true; });
}

} // namespace

caf::message_handler instance_behavior(self_ptr self) {
  // A task_state left by a crash or restart: resume its step.
  // Sent anonymously: CAF sends a handler's result back to the sender of
  // an asynchronous message, and the entity has no handler for `true`.
  const auto& model = self->state.model;
  if (!model.task_state.empty() || model.volume_work_pending()) {
    caf::anon_send(caf::actor_cast<caf::actor>(self), resume_atom::value);
  }
  caf::message_handler handlers{
    [self](create_atom, const std::string& bytes, std::string& request_id) {
      return create(self, bytes, request_id);
    },
    [self](action_atom, action_request& req) { return act(self, req); },
    [self](metadata_atom, std::map<std::string, std::string>& items,
           bool replace, const std::string& delete_key, bool admin,
           std::string& request_id) {
      return set_metadata(self, items, replace, delete_key, admin,
                          request_id);
    },
    [self](tags_atom, int32_t op, std::vector<std::string>& tags,
           std::string& request_id) {
      return set_tags(self, op, tags, request_id);
    },
    [self](update_atom, const std::string& bytes, std::string& request_id) {
      return update(self, bytes, request_id);
    },
    [self](get_atom) { return self->state.model.snapshot_state(); },
    [self](await_atom) -> caf::result<std::string> {
      auto& m = self->state.model;
      if (m.task_state.empty()) {
        return m.last_failure;
      }
      auto rp = self->make_response_promise<std::string>();
      m.awaiting.emplace_back(rp);
      return rp;
    },
    [self](resume_atom) {
      // Only one step at a time: a resume while a step runs is a no-op
      // because the step's answer will move the task on.
      const auto& m = self->state.model;
      if (!m.step_running || m.volume_work_pending()) {
        run_next_step(self, true);
      }
      return true;
    },
    [self](console_atom, int64_t max_bytes) {
      return console(self, max_bytes);
    },
    [self](power_sync_atom, int32_t kind, int32_t observed,
           const std::string& host) {
      return sync_power(self, kind, observed, host);
    },
    [self](step_done_atom, uint64_t ticket, bool ok,
           const std::string& message, host_op_result& res) {
      on_step_done(self, ticket, ok, message, res);
    },
  };
  return handlers.or_else(volume_handlers(self));
}

} // namespace strato::compute
