#include "actors/compute/entity/port_steps.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>

#include "actors/network/network_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::compute {

namespace {

namespace net = strato::network;
using pb_port = compute::v1::InstancePort;

constexpr auto port_timeout = std::chrono::seconds{30};

pb_port to_instance_port(const net::port_info& info, bool created) {
  pb_port out;
  out.set_port_id(info.id);
  out.set_network_id(info.network_id);
  out.set_network_name(info.network_name);
  out.set_mac_address(info.mac_address);
  for (const auto& ip : info.fixed_ips) {
    auto* a = out.add_addresses();
    a->set_ip_address(ip.ip_address);
    a->set_ip_version(ip.ip_version);
    a->set_subnet_id(ip.subnet_id);
  }
  out.set_created_by_compute(created);
  out.set_mtu(static_cast<uint32_t>(info.mtu));
  out.set_host(info.host_id);
  return out;
}

bool has_ip(const net::port_info& info, const std::string& ip) {
  return std::any_of(info.fixed_ips.begin(), info.fixed_ips.end(),
                     [&](const net::fixed_ip& f) { return f.ip_address == ip; });
}

/// One run of "networking": the requests, what exists, what is done.
struct allocation {
  host_op op;
  std::vector<net::port_info> existing;
  std::set<std::string> taken;
  std::vector<pb_port> ports;
  ports_done done;
};

/// A port an earlier (crashed) run already made or took for `req`.
const net::port_info* already_given(const allocation& job,
                                    const compute::v1::RequestedNetwork& req) {
  for (const auto& p : job.existing) {
    if (job.taken.count(p.id) != 0) {
      continue;
    }
    if (!req.port_id().empty()) {
      if (p.id == req.port_id()) {
        return &p;
      }
      continue;
    }
    bool someone_elses = std::any_of(
      job.op.networks.begin(), job.op.networks.end(),
      [&](const auto& other) { return other.port_id() == p.id; });
    if (!someone_elses && p.network_id == req.network_id()
        && (req.fixed_ip().empty() || has_ip(p, req.fixed_ip()))) {
      return &p;
    }
  }
  return nullptr;
}

void allocate_next(caf::event_based_actor* self, caf::actor network,
                   std::shared_ptr<allocation> job);

void bind_then_next(caf::event_based_actor* self, caf::actor network,
                    std::shared_ptr<allocation> job, std::string port_id,
                    bool created) {
  const auto& op = job->op;
  self->request(network, port_timeout, net::port_bind_atom::value, port_id,
                op.host, op.request_id)
    .then(
      [self, network, job, created](net::port_info& info) {
        job->taken.insert(info.id);
        job->ports.push_back(to_instance_port(info, created));
        allocate_next(self, network, job);
      },
      [job](caf::error& err) { job->done(actor::from_caf_error(err)); });
}

void allocate_next(caf::event_based_actor* self, caf::actor network,
                   std::shared_ptr<allocation> job) {
  auto index = job->ports.size();
  if (index == job->op.networks.size()) {
    job->done(std::move(job->ports));
    return;
  }
  const auto& req = job->op.networks[index];
  bool created = req.port_id().empty();
  if (const auto* given = already_given(*job, req)) {
    job->taken.insert(given->id);
    bind_then_next(self, network, job, given->id, created);
    return;
  }
  net::port_request pr;
  pr.project_id = job->op.project_id;
  // The API checked the caller's rights on the network or port before it
  // recorded the server; the boot acts for that checked request.
  pr.admin = true;
  pr.network_id = req.network_id();
  pr.port_id = req.port_id();
  pr.fixed_ip = req.fixed_ip();
  pr.device_id = job->op.uuid;
  pr.request_id = job->op.request_id;
  self->request(network, port_timeout, net::port_attach_atom::value, pr)
    .then(
      [self, network, job, created](net::port_info& info) {
        bind_then_next(self, network, job, info.id, created);
      },
      [job, req](caf::error& err) {
        job->done(nova_refusal(actor::from_caf_error(err), req));
      });
}

/// Runs `each` on the ports one after another; stops at the first error.
using port_call
  = std::function<void(const std::string& port_id, ports_status_done next)>;

void for_each_port(std::shared_ptr<std::vector<std::string>> ids,
                   size_t index, port_call each, ports_status_done done) {
  if (index == ids->size()) {
    done({});
    return;
  }
  auto id = (*ids)[index];
  each(id, [ids, index, each, done](status st) {
    if (!st.ok()) {
      done(st);
      return;
    }
    for_each_port(ids, index + 1, each, done);
  });
}

/// The user passed this port in: it is detached, not deleted.
bool users_port(const host_op& op, const std::string& port_id) {
  for (const auto& p : op.ports) {
    if (p.port_id() == port_id) {
      return !p.created_by_compute();
    }
  }
  return std::any_of(op.networks.begin(), op.networks.end(),
                     [&](const auto& n) { return n.port_id() == port_id; });
}

} // namespace

void allocate_ports(caf::event_based_actor* self, const caf::actor& network,
                    const host_op& op, ports_done done) {
  auto job = std::make_shared<allocation>();
  job->op = op;
  job->done = std::move(done);
  // Ports the instance already has are not candidates for a new request.
  for (const auto& p : op.ports) {
    job->taken.insert(p.port_id());
  }
  self->request(network, port_timeout, net::device_ports_atom::value, op.uuid)
    .then(
      [self, network, job](std::vector<net::port_info>& existing) {
        job->existing = std::move(existing);
        allocate_next(self, network, job);
      },
      [job](caf::error& err) { job->done(actor::from_caf_error(err)); });
}

void mark_ports_plugged(caf::event_based_actor* self,
                        const caf::actor& network, const host_op& op,
                        ports_status_done done) {
  auto ids = std::make_shared<std::vector<std::string>>();
  for (const auto& p : op.ports) {
    ids->push_back(p.port_id());
  }
  auto request_id = op.request_id;
  port_call plug = [self, network, request_id](const std::string& id,
                                               ports_status_done next) {
    self->request(network, port_timeout, net::port_plugged_atom::value, id,
                  request_id)
      .then([next](net::port_info&) { next({}); },
            [next](caf::error& err) { next(actor::from_caf_error(err)); });
  };
  for_each_port(ids, 0, plug, std::move(done));
}

void release_ports(caf::event_based_actor* self, const caf::actor& network,
                   const host_op& op, ports_status_done done) {
  self->request(network, port_timeout, net::device_ports_atom::value, op.uuid)
    .then(
      [self, network, op, done](std::vector<net::port_info>& found) {
        auto ids = std::make_shared<std::vector<std::string>>();
        for (const auto& p : found) {
          ids->push_back(p.id);
        }
        port_call release = [self, network, op](const std::string& id,
                                                ports_status_done next) {
          auto on_error = [next](caf::error& err) {
            auto st = actor::from_caf_error(err);
            // Deleted by its owner meanwhile: nothing left to release.
            next(st.code() == errc::not_found ? status{} : st);
          };
          if (users_port(op, id)) {
            self->request(network, port_timeout, net::port_detach_atom::value,
                          id, op.request_id)
              .then([next](net::port_info&) { next({}); }, on_error);
          } else {
            self->request(network, port_timeout, net::port_delete_atom::value,
                          id, op.request_id)
              .then([next](bool) { next({}); }, on_error);
          }
        };
        for_each_port(ids, 0, release, done);
      },
      [done](caf::error& err) { done(actor::from_caf_error(err)); });
}

status nova_refusal(const status& st,
                    const compute::v1::RequestedNetwork& req) {
  const auto& m = st.message();
  auto nl = m.find('\n');
  auto type = nl == std::string::npos ? std::string{} : m.substr(0, nl);
  auto text = nl == std::string::npos ? m : m.substr(nl + 1);
  if (type == "NetworkNotFound") {
    return {errc::invalid_argument,
            "Network " + req.network_id() + " could not be found."};
  }
  if (type == "PortNotFound") {
    return {errc::invalid_argument,
            "Port id " + req.port_id() + " could not be found."};
  }
  if (type == "PortInUse") {
    return {errc::conflict, "Port " + req.port_id() + " is still in use."};
  }
  if (type == "IpAddressAlreadyAllocated" || type == "IpAddressInUse") {
    return {errc::invalid_argument,
            "Fixed IP " + req.fixed_ip() + " is already in use."};
  }
  if (type == "IpAddressGenerationFailure") {
    return {errc::invalid_argument, "No fixed IP addresses available for "
                                    "network: " + req.network_id()};
  }
  return {st.code(), text};
}

void release_port(caf::event_based_actor* self, const caf::actor& network,
                  const compute::v1::InstancePort& port,
                  const std::string& request_id, ports_status_done done) {
  auto on_error = [done](caf::error& err) {
    auto st = actor::from_caf_error(err);
    done(st.code() == errc::not_found ? status{} : st);
  };
  if (!port.created_by_compute()) {
    self->request(network, port_timeout, net::port_detach_atom::value,
                  port.port_id(), request_id)
      .then([done](net::port_info&) { done({}); }, on_error);
  } else {
    self->request(network, port_timeout, net::port_delete_atom::value,
                  port.port_id(), request_id)
      .then([done](bool) { done({}); }, on_error);
  }
}

hypervisor::interface_spec interface_of(const compute::v1::InstancePort& port) {
  hypervisor::interface_spec spec;
  spec.port_id = port.port_id();
  spec.mac = port.mac_address();
  spec.bridge = "br-int";
  spec.tap = "tap" + port.port_id().substr(0, 11);
  spec.mtu = port.mtu() == 0 ? 1500 : port.mtu();
  return spec;
}

} // namespace strato::compute
