#include "actors/compute/entity/instance_volumes.hpp"

#include <chrono>
#include <utility>

#include "actors/compute/entity/host_ops.hpp"
#include "actors/volume/volume_protocol.hpp"

namespace strato::compute {

namespace {

namespace vol = strato::volume;

constexpr auto volume_timeout = std::chrono::seconds{60};
/// As long as the entity's host steps: a slow hypervisor may take that long.
constexpr auto host_timeout = std::chrono::seconds{180};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Reports the outcome of the step holding `ticket` back to the entity,
/// anonymously: recording it persists, and a persist answers the current
/// message's sender, which must not be the entity itself.
struct step_reply {
  instance_self self;
  uint64_t ticket;

  void send(bool ok, std::string attachment_id, const status& st) const {
    caf::anon_send(caf::actor_cast<caf::actor>(self),
                   volume_step_done_atom::value, ticket, ok,
                   std::move(attachment_id), static_cast<int32_t>(st.code()),
                   st.message());
  }
  void ok(std::string attachment_id = {}) const {
    send(true, std::move(attachment_id), {});
  }
  void fail(const caf::error& err) const {
    send(false, {}, actor::from_caf_error(err));
  }
};

std::string request_of(const instance_model& m, const volume_step& step) {
  const auto* v = m.find_volume(step.volume_id);
  return v != nullptr ? v->request_id() : std::string{};
}

host_op volume_host_op(const instance_model& m, const volume_step& step,
                       std::string name) {
  host_op op;
  op.op = std::move(name);
  op.uuid = m.id();
  op.host = step.host;
  op.request_id = request_of(m, step);
  op.project_id = m.created.project_id();
  op.user_id = m.created.user_id();
  op.name = m.created.name();
  op.volume_id = step.volume_id;
  op.device = step.device;
  return op;
}

/// Runs `op` on the server's host, then `then()`. A server without a host
/// (never placed, offloaded) has no guest to change. With
/// `ignore_failure`, a failure continues too (the disk is going anyway).
template <class Then>
void on_hypervisor(instance_self self, host_op op, bool ignore_failure,
                   step_reply reply, Then then) {
  const auto& env = self->state.model.env;
  if (op.host.empty() || !env || !env->host_gateway) {
    then();
    return;
  }
  self->request(env->host_gateway, host_timeout, host_op_atom::value,
                std::move(op))
    .then([then](host_op_result&) mutable { then(); },
          [then, reply, ignore_failure](caf::error& err) mutable {
            if (ignore_failure) {
              then();
            } else {
              reply.fail(err);
            }
          });
}

/// Sends `msg` to the volume service; `then(answer)` on success. With
/// `gone_is_done`, not_found (the attachment is already gone) succeeds.
template <class Answer, class Msg, class Then>
void ask_volume(instance_self self, Msg msg, step_reply reply,
                bool gone_is_done, Then then) {
  const auto& env = self->state.model.env;
  if (!env || !env->volume) {
    reply.fail(actor::to_caf_error(errc::unavailable,
                                   "No block storage service is running."));
    return;
  }
  self->request(env->volume, volume_timeout, std::move(msg))
    .then([then](Answer& answer) mutable { then(answer); },
          [then, reply, gone_is_done](caf::error& err) mutable {
            if (gone_is_done
                && actor::from_caf_error(err).code() == errc::not_found) {
              Answer none;
              then(none);
            } else {
              reply.fail(err);
            }
          });
}

/// delete_on_termination: the volume goes once its attachment is gone.
/// A refusal is logged, not kept: the server is going anyway.
void delete_if_asked(instance_self self, const volume_step& step,
                     const std::string& request_id, step_reply reply) {
  const auto& env = self->state.model.env;
  if (!step.delete_volume || !env || !env->volume) {
    reply.ok();
    return;
  }
  vol::volume_delete msg{step.volume_id, "", request_id};
  self->request(env->volume, volume_timeout, msg)
    .then([reply](bool) { reply.ok(); },
          [self, reply, id = step.volume_id](caf::error& err) {
            spdlog::warn("instance {}: deleting volume {} failed: {}",
                         self->state.model.id(), id,
                         actor::from_caf_error(err).describe());
            reply.ok();
          });
}

void remove_on_volume(instance_self self, const volume_step& step,
                      const std::string& request_id, step_reply reply) {
  vol::detach_complete msg{step.volume_id, step.attachment_id, request_id};
  ask_volume<vol::attachment_info>(
    self, msg, reply, true,
    [self, step, request_id, reply](vol::attachment_info&) {
      delete_if_asked(self, step, request_id, reply);
    });
}

/// Takes the attachment off the guest (best effort) and off the volume.
void undo(instance_self self, const volume_step& step, step_reply reply) {
  const auto& m = self->state.model;
  auto request_id = request_of(m, step);
  const auto* v = m.find_volume(step.volume_id);
  if (v != nullptr && v->phase() == "creating") {
    // Never reserved: only a volume compute made may be left to delete.
    delete_if_asked(self, step, request_id, reply);
    return;
  }
  auto forget = [self, step, request_id, reply]() {
    if (!step.attachment_id.empty()) {
      remove_on_volume(self, step, request_id, reply);
      return;
    }
    // Reserved without our knowing (a crash before the reserve's answer was
    // recorded): the reserve is idempotent per server and names it.
    vol::attach_reserve again{step.volume_id, self->state.model.id(), "",
                              request_id};
    ask_volume<vol::attachment_info>(
      self, again, reply, true,
      [self, step, request_id, reply](vol::attachment_info& info) {
        auto known = step;
        known.attachment_id = info.attachment_id;
        remove_on_volume(self, known, request_id, reply);
      });
  };
  if (!step.on_guest) {
    forget();
    return;
  }
  on_hypervisor(self, volume_host_op(m, step, "detach_volume"), true, reply,
                forget);
}

/// Nova's block_device_allocate_retries (60 x 3 s), in one-second polls.
constexpr int create_poll_attempts = 180;
constexpr auto create_poll_interval = std::chrono::seconds{1};

status not_created(const std::string& volume_id, int attempts,
                   const std::string& volume_status) {
  return {errc::unavailable,
          "Volume " + volume_id
            + " did not finish being created even after we waited "
            + std::to_string(attempts) + " seconds or "
            + std::to_string(attempts) + " attempts. And its status is "
            + volume_status + "."};
}

/// Looks at the volume a create step made; polls again while it is being
/// created (volume_poll_atom), succeeds once it is available.
void poll_created(instance_self self, const std::string& volume_id,
                  step_reply reply, int attempt) {
  vol::volume_lookup lookup{volume_id, ""};
  ask_volume<vol::volume_summary>(
    self, lookup, reply, false,
    [self, volume_id, reply, attempt](vol::volume_summary& v) {
      if (v.status == "available") {
        reply.ok();
      } else if ((v.status == "creating" || v.status == "downloading")
                 && attempt < create_poll_attempts) {
        caf::delayed_anon_send(caf::actor_cast<caf::actor>(self),
                               create_poll_interval, volume_poll_atom::value,
                               reply.ticket, volume_id, attempt + 1);
      } else {
        reply.fail(actor::to_caf_error(
          not_created(volume_id, attempt, v.status)));
      }
    });
}

/// Nova's own volume for an image, snapshot or blank block device: the
/// volume service creates it (with the project's quota) under the id the
/// attachment was recorded with, so a retried step finds it.
void create_volume(instance_self self, const volume_step& step,
                   step_reply reply) {
  const auto& m = self->state.model;
  const auto* v = m.find_volume(step.volume_id);
  if (v == nullptr) {
    reply.fail(actor::to_caf_error(errc::not_found, "no such attachment"));
    return;
  }
  const auto& want = v->create();
  vol::volume_create msg;
  msg.volume_id = step.volume_id;
  msg.project_id = m.created.project_id();
  msg.user_id = m.created.user_id();
  msg.size_gb = want.size_gb();
  msg.image_id = want.image_id();
  msg.snapshot_id = want.snapshot_id();
  msg.volume_type = want.volume_type();
  msg.availability_zone = m.created.availability_zone();
  msg.request_id = request_of(m, step);
  ask_volume<vol::volume_summary>(
    self, msg, reply, false,
    [self, id = step.volume_id, reply](vol::volume_summary&) {
      poll_created(self, id, reply, 1);
    });
}

void connect(instance_self self, const volume_step& step, step_reply reply) {
  const auto& m = self->state.model;
  if (step.host.empty()) {
    reply.ok(); // No guest: the attach completes when the server lands.
    return;
  }
  auto op = volume_host_op(m, step, "attach_volume");
  vol::attach_connect msg{step.volume_id, step.attachment_id, step.host,
                          step.device, op.request_id};
  ask_volume<vol::volume_connection>(
    self, msg, reply, false,
    [self, op, reply](vol::volume_connection& conn) mutable {
      op.volume_path = conn.path;
      op.volume_format = conn.format;
      on_hypervisor(self, std::move(op), false, reply, [reply] { reply.ok(); });
    });
}

void start(instance_self self, const volume_step& step, step_reply reply) {
  const auto& m = self->state.model;
  auto request_id = request_of(m, step);
  if (step.op == "create") {
    create_volume(self, step, reply);
  } else if (step.op == "reserve") {
    vol::attach_reserve msg{step.volume_id, m.id(), "", request_id};
    ask_volume<vol::attachment_info>(
      self, msg, reply, false,
      [reply](vol::attachment_info& info) { reply.ok(info.attachment_id); });
  } else if (step.op == "connect") {
    connect(self, step, reply);
  } else if (step.op == "complete") {
    vol::attach_complete msg{step.volume_id, step.attachment_id, step.device,
                             request_id};
    ask_volume<vol::attachment_info>(
      self, msg, reply, false, [reply](vol::attachment_info&) { reply.ok(); });
  } else if (step.op == "detach") {
    on_hypervisor(self, volume_host_op(m, step, "detach_volume"), false, reply,
                  [self, step, request_id, reply] {
                    remove_on_volume(self, step, request_id, reply);
                  });
  } else {
    undo(self, step, reply); // roll_back, release
  }
}

/// Answers the API requests whose attach got past its reserve (the device)
/// or was given up (the error that ended it).
void answer_waiters(instance_self self, const std::string& volume_id,
                    const status& failure) {
  auto& st = self->state.model;
  for (auto it = st.attach_waiters.begin(); it != st.attach_waiters.end();) {
    const auto* v = st.find_volume(it->first);
    if (v != nullptr && v->phase() == "reserving") {
      ++it;
      continue;
    }
    if (v != nullptr) {
      it->second.deliver(v->device());
    } else if (it->first == volume_id && !failure.ok()) {
      it->second.deliver(actor::to_caf_error(failure));
    } else {
      it->second.deliver(actor::to_caf_error(
        errc::invalid_transition,
        "Instance " + st.id() + " was deleted during the attach."));
    }
    it = st.attach_waiters.erase(it);
  }
}

void on_step_done(instance_self self, uint64_t ticket, bool ok,
                  const std::string& attachment_id, int32_t code,
                  const std::string& message) {
  auto& m = self->state.model;
  if (ticket != m.volume_ticket || !m.running_volume_step) {
    return; // An answer for a step we no longer wait for.
  }
  auto step = *m.running_volume_step;
  m.running_volume_step.reset();
  if (next_volume_step(m) != step) {
    run_volume_step(self); // The state moved on (a delete began).
    return;
  }
  if (!ok) {
    spdlog::warn("instance {}: volume {} step {} failed: {}", m.id(),
                 step.volume_id, step.op, message);
  }
  auto events = ok ? volume_step_succeeded(m, step, attachment_id, now_us())
                   : volume_step_failed(m, step, message, now_us());
  status failure = ok ? status{} : status{static_cast<errc>(code), message};
  actor::persist(self, std::move(events), request_of(m, step),
                 [self, step, failure](const instance_aggregate&) {
                   answer_waiters(self, step.volume_id, failure);
                   continue_after_persist(self);
                   return true;
                 });
}

caf::error refuse(const status& st) {
  return actor::to_caf_error(st);
}

status no_such_instance(instance_self self) {
  return {errc::not_found, "Instance " + self->state.stream.substr(9)
                             + " could not be found."};
}

caf::result<std::string> attach(instance_self self,
                                volume_attach_request& req) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse(no_such_instance(self));
  }
  req.now_us = now_us();
  auto events = begin_attach(m, req);
  if (!events) {
    return refuse(events.error());
  }
  auto rp = self->make_response_promise<std::string>();
  m.attach_waiters.insert_or_assign(req.volume_id, rp);
  actor::persist(self, std::move(*events), req.request_id,
                 [self](const instance_aggregate&) {
                   continue_after_persist(self);
                   return true;
                 });
  return rp;
}

caf::result<bool> detach(instance_self self, volume_detach_request& req) {
  auto& m = self->state.model;
  if (!m.exists()) {
    return refuse(no_such_instance(self));
  }
  req.now_us = now_us();
  auto events = begin_detach(m, req);
  if (!events) {
    return refuse(events.error());
  }
  return actor::persist(self, std::move(*events), req.request_id,
                        [self](const instance_aggregate&) {
                          continue_after_persist(self);
                          return true;
                        });
}

} // namespace

bool run_volume_step(instance_self self) {
  auto& m = self->state.model;
  auto step = next_volume_step(m);
  if (!step) {
    return false;
  }
  if (m.running_volume_step == step) {
    return true;
  }
  // Host steps wait for the volumes; the answer of one in flight (a delete
  // overtook it) is no longer wanted.
  ++m.step_ticket;
  m.step_running = false;
  m.running_volume_step = step;
  start(self, *step, step_reply{self, ++m.volume_ticket});
  return true;
}

caf::message_handler volume_handlers(instance_self self) {
  return {
    [self](volume_attach_atom, volume_attach_request& req) {
      return attach(self, req);
    },
    [self](volume_detach_atom, volume_detach_request& req) {
      return detach(self, req);
    },
    [self](volume_step_done_atom, uint64_t ticket, bool ok,
           const std::string& attachment_id, int32_t code,
           const std::string& message) {
      on_step_done(self, ticket, ok, attachment_id, code, message);
    },
    [self](volume_poll_atom, uint64_t ticket, const std::string& volume_id,
           int attempt) {
      const auto& m = self->state.model;
      if (ticket == m.volume_ticket && m.running_volume_step) {
        poll_created(self, volume_id, step_reply{self, ticket}, attempt);
      }
    },
  };
}

} // namespace strato::compute
