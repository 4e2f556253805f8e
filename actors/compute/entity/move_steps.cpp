#include "actors/compute/entity/move_steps.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

#include "actors/compute/entity/port_steps.hpp"
#include "actors/network/network_protocol.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::compute {

namespace {

namespace net = strato::network;
namespace vol = strato::volume;

constexpr auto service_timeout = std::chrono::seconds{60};
/// A guest's part may wait on a graceful power-off.
constexpr auto guest_timeout = std::chrono::seconds{170};

using status_done = std::function<void(status)>;
using link = std::function<void(status_done)>;

/// One move operation on its way: what it was asked, what it found.
struct move_job {
  move_context ctx;
  host_op op;
  host_op_result out;
  std::vector<connected_disk> disks;
  move_done done;
};

using job_ptr = std::shared_ptr<move_job>;

/// Runs `links` one after another; the first failure ends the chain.
void run_chain(std::shared_ptr<std::vector<link>> links, size_t index,
               status_done done) {
  if (index == links->size()) {
    done({});
    return;
  }
  (*links)[index]([links, index, done](status st) {
    if (!st.ok()) {
      done(st);
      return;
    }
    run_chain(links, index + 1, done);
  });
}

/// Runs `links`, then answers the job with its outcome.
void finish_with(const job_ptr& job, std::vector<link> links) {
  auto shared = std::make_shared<std::vector<link>>(std::move(links));
  run_chain(shared, 0, [job](status st) {
    if (st.ok()) {
      job->done(std::move(job->out));
    } else {
      job->done(st);
    }
  });
}

/// Runs the guest's part `name` through the gateway.
void on_guest(const job_ptr& job, host_op guest,
              std::function<void(result<host_op_result>)> then) {
  guest.guest_only = true;
  guest.disks = job->disks;
  job->ctx.self
    ->request(job->ctx.gateway, guest_timeout, host_op_atom::value,
              std::move(guest))
    .then([then](host_op_result& res) { then(std::move(res)); },
          [then](caf::error& err) { then(actor::from_caf_error(err)); });
}

host_op guest_op(const job_ptr& job, std::string name) {
  auto guest = job->op;
  guest.op = std::move(name);
  return guest;
}

/// A guest operation whose `tolerated` refusal means it is done already
/// (powering off a guest that is off).
link guest_link(const job_ptr& job, std::string name,
                errc tolerated = errc::ok) {
  return [job, name, tolerated](status_done next) {
    on_guest(job, guest_op(job, name),
             [job, next, tolerated](result<host_op_result> r) {
               if (r) {
                 job->out.power_state = r->power_state;
                 next({});
               } else {
                 auto code = r.error().code();
                 next(code == tolerated && code != errc::ok ? status{}
                                                            : r.error());
               }
             });
  };
}

/// Binds every port to `host` ("" unbinds), one after another.
link bind_ports(const job_ptr& job, std::string host) {
  return [job, host](status_done next) {
    job->out.ports.clear();
    if (!job->ctx.network || job->op.ports.empty()) {
      next({});
      return;
    }
    auto links = std::make_shared<std::vector<link>>();
    for (const auto& port : job->op.ports) {
      links->push_back([job, host, port](status_done done) {
        job->ctx.self
          ->request(job->ctx.network, service_timeout,
                    net::port_bind_atom::value, port.port_id(), host,
                    job->op.request_id)
          .then(
            [job, host, port, done](net::port_info&) {
              auto bound = port;
              bound.set_host(host);
              job->out.ports.push_back(std::move(bound));
              done({});
            },
            [done](caf::error& err) { done(actor::from_caf_error(err)); });
      });
    }
    run_chain(links, 0, next);
  };
}

/// Points every volume's attachment at `host` (the volume service's
/// connector update) and keeps the disks the guest takes there.
link connect_volumes(const job_ptr& job, std::string host) {
  return [job, host](status_done next) {
    job->disks.clear();
    job->out.volume_ids.clear();
    if (!job->ctx.volume || job->op.volumes.empty()) {
      next({});
      return;
    }
    auto links = std::make_shared<std::vector<link>>();
    for (const auto& v : job->op.volumes) {
      links->push_back([job, host, v](status_done done) {
        vol::attach_move msg{v.volume_id(), v.attachment_id(), host,
                             job->op.request_id};
        job->ctx.self->request(job->ctx.volume, service_timeout, msg)
          .then(
            [job, v, done](vol::volume_connection& conn) {
              job->disks.push_back(
                {v.volume_id(), conn.path, conn.format, v.device()});
              job->out.volume_ids.push_back(v.volume_id());
              done({});
            },
            [done](caf::error& err) { done(actor::from_caf_error(err)); });
      });
    }
    run_chain(links, 0, next);
  };
}

link mark_plugged(const job_ptr& job) {
  return [job](status_done next) {
    if (!job->ctx.network || job->op.ports.empty()) {
      next({});
      return;
    }
    mark_ports_plugged(job->ctx.self, job->ctx.network, job->op, next);
  };
}

/// Spawns the guest with its disks and ports; a guest an earlier try left
/// on the host is destroyed first (it was never handed over).
link spawn_guest(const job_ptr& job) {
  return [job](status_done next) {
    auto spawn = [job, next]() {
      on_guest(job, job->op, [job, next](result<host_op_result> r) {
        if (r) {
          job->out.power_state = r->power_state;
        }
        next(r ? status{} : r.error());
      });
    };
    on_guest(job, job->op, [job, next, spawn](result<host_op_result> r) {
      if (r) {
        job->out.power_state = r->power_state;
        next({});
      } else if (r.error().code() == errc::conflict) {
        on_guest(job, guest_op(job, "destroy"),
                 [next, spawn](result<host_op_result> gone) {
                   if (gone) {
                     spawn();
                   } else {
                     next(gone.error());
                   }
                 });
      } else {
        next(r.error());
      }
    });
  };
}

/// Attaches every connected disk to the guest (one it has already is done).
link attach_disks(const job_ptr& job) {
  return [job](status_done next) {
    auto links = std::make_shared<std::vector<link>>();
    for (const auto& d : job->disks) {
      links->push_back([job, d](status_done done) {
        auto attach = guest_op(job, "attach_volume");
        attach.volume_id = d.volume_id;
        attach.volume_path = d.path;
        attach.volume_format = d.format;
        attach.device = d.device;
        on_guest(job, attach, [done](result<host_op_result> r) {
          done(r ? status{} : r.error());
        });
      });
    }
    run_chain(links, 0, next);
  };
}

link detach_disks(const job_ptr& job) {
  return [job](status_done next) {
    auto links = std::make_shared<std::vector<link>>();
    for (const auto& v : job->op.volumes) {
      links->push_back([job, v](status_done done) {
        auto detach = guest_op(job, "detach_volume");
        detach.volume_id = v.volume_id();
        detach.device = v.device();
        on_guest(job, detach, [done](result<host_op_result> r) {
          done(r ? status{} : r.error());
        });
      });
    }
    run_chain(links, 0, next);
  };
}

/// The server's claim moves back to the host it returns to (from the
/// target named by `other_host`): the scheduler frees it and claims there.
link claim_back(const job_ptr& job) {
  return [job](status_done next) {
    if (job->op.other_host.empty()) {
      next({});
      return;
    }
    on_guest(job, guest_op(job, "check_host"),
             [next](result<host_op_result> r) {
               next(r ? status{} : r.error());
             });
  };
}

link free_claim(const job_ptr& job) {
  return [job](status_done next) {
    if (job->ctx.free_allocations) {
      job->ctx.free_allocations(job->op.uuid);
    }
    next({});
  };
}

link release_all_ports(const job_ptr& job) {
  return [job](status_done next) {
    if (!job->ctx.network) {
      next({});
      return;
    }
    release_ports(job->ctx.self, job->ctx.network, job->op, next);
  };
}

std::vector<link> links_for(const job_ptr& job) {
  const auto& op = job->op;
  const auto& name = op.op;
  if (name == "spawn" || name == "resize") {
    std::vector<link> links{bind_ports(job, op.host),
                            connect_volumes(job, op.host), spawn_guest(job)};
    if (!op.start_guest) {
      links.push_back(guest_link(job, "power_off", errc::invalid_transition));
    }
    links.push_back(mark_plugged(job));
    return links;
  }
  if (name == "restore") {
    std::vector<link> links{claim_back(job), bind_ports(job, op.host),
                            connect_volumes(job, op.host), attach_disks(job)};
    if (op.start_guest) {
      links.push_back(guest_link(job, "power_on", errc::invalid_transition));
    }
    links.push_back(mark_plugged(job));
    return links;
  }
  if (name == "migrate_out") {
    return {guest_link(job, "power_off", errc::invalid_transition),
            detach_disks(job)};
  }
  if (name == "live_prepare") {
    return {connect_volumes(job, op.host)};
  }
  if (name == "live_rollback") {
    return {claim_back(job), connect_volumes(job, op.host)};
  }
  if (name == "live_post") {
    return {bind_ports(job, op.host), mark_plugged(job)};
  }
  if (name == "offload") {
    return {guest_link(job, "destroy"), free_claim(job), bind_ports(job, ""),
            connect_volumes(job, "")};
  }
  // abort_boot: a boot that never reached a host has no guest.
  std::vector<link> links;
  if (!op.host.empty()) {
    links.push_back(guest_link(job, "destroy"));
  }
  links.push_back(release_all_ports(job));
  links.push_back(free_claim(job));
  return links;
}

bool binds(const std::string& name) {
  return name != "migrate_out" && name != "abort_boot";
}

} // namespace

bool is_move_step(const std::string& op_name) {
  static const char* const names[] = {
    "spawn",        "resize",        "restore",   "migrate_out",
    "live_prepare", "live_rollback", "live_post", "offload", "abort_boot"};
  return std::find(std::begin(names), std::end(names), op_name)
         != std::end(names);
}

void run_move_step(const move_context& ctx, const host_op& op,
                   move_done done) {
  auto job = std::make_shared<move_job>();
  job->ctx = ctx;
  job->op = op;
  job->done = std::move(done);
  job->out.host = op.op == "offload" ? std::string{} : op.host;
  job->out.bound = binds(op.op);
  finish_with(job, links_for(job));
}

} // namespace strato::compute
