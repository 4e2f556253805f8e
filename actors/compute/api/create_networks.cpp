// POST /servers: the request's `networks`, and the network Nova picks when
// the request names none (nova/network/neutron.py _ports_needed_per_instance).

#include "actors/compute/api/create_request.hpp"
#include "actors/network/network_protocol.hpp"

namespace strato::compute {

namespace {

status bad(std::string message) {
  return {errc::invalid_argument, std::move(message)};
}

bool launches_many(const json& in) {
  auto max_count = in.contains("max_count") ? in["max_count"] : json(1);
  return max_count.is_number() ? max_count.get<int64_t>() > 1
                               : max_count.is_string()
                                   && max_count.get<std::string>() != "1";
}

result<std::vector<pb::RequestedNetwork>> listed(const json& n,
                                                 const json& in) {
  std::vector<pb::RequestedNetwork> out;
  for (const auto& item : n) {
    auto text = [&](const char* key) {
      return item.is_object() && item.contains(key) && item[key].is_string()
               ? item[key].get<std::string>()
               : std::string{};
    };
    pb::RequestedNetwork req;
    req.set_network_id(text("uuid"));
    req.set_port_id(text("port"));
    req.set_fixed_ip(text("fixed_ip"));
    if (req.port_id().empty() && req.network_id().empty()) {
      return bad("Bad networks format: network uuid is not in proper "
                 "format ()");
    }
    if (!req.port_id().empty()) {
      // Nova ignores the network and address of a given port.
      req.clear_network_id();
      req.clear_fixed_ip();
      if (launches_many(in)) {
        return bad("Unable to launch multiple instances with a single "
                   "configured port ID. Please launch your instance one by "
                   "one with different ports.");
      }
    }
    out.push_back(std::move(req));
  }
  return out;
}

} // namespace

result<network_choice> read_networks(const compute_api& self, const call& c,
                                     const json& in) {
  network_choice choice;
  if (!in.contains("networks")) {
    if (c.at_least(37)) {
      return bad("Invalid input for field/attribute server. 'networks' is a "
                 "required property");
    }
    return choice; // omitted
  }
  const auto& n = in["networks"];
  if (n.is_string() && (n == "none" || n == "auto")) {
    choice.how = n == "none" ? network_choice::kind::none
                             : network_choice::kind::automatic;
    return choice;
  }
  if (!n.is_array()) {
    return bad("Invalid input for field/attribute networks.");
  }
  // An empty list is what clients before 2.37 send for "no preference".
  if (n.empty()) {
    return choice;
  }
  if (!self.has_network) {
    return bad("Networks cannot be requested: this Strato node has no "
               "network service. Create the server with 'networks': "
               "'none'.");
  }
  auto networks = listed(n, in);
  if (!networks) {
    return networks.error();
  }
  choice.how = network_choice::kind::listed;
  choice.networks = std::move(*networks);
  return choice;
}

void choose_network_then(
  const compute_api& self, const call& c, network_choice choice,
  std::function<void(std::vector<pb::RequestedNetwork>)> next) {
  using kind = network_choice::kind;
  if (choice.how == kind::listed || choice.how == kind::none) {
    next(std::move(choice.networks));
    return;
  }
  auto unable = [c] {
    c.fail(bad("Unable to automatically allocate a network for project "
               + c.caller.project_id));
  };
  if (!self.has_network) {
    if (choice.how == kind::automatic) {
      unable();
    } else {
      next({});
    }
    return;
  }
  actor::ask<std::vector<network::network_summary>>(
    *self.sys, self.network,
    caf::make_message(network::available_networks_atom::value,
                      c.caller.project_id),
    std::chrono::seconds{30},
    [c, how = choice.how, unable, next = std::move(next)](
      result<std::vector<network::network_summary>> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      if (r->size() > 1) {
        c.fail({errc::conflict, "Multiple possible networks found, use a "
                                "Network ID to be more specific."});
        return;
      }
      if (r->empty()) {
        // Neutron's auto-allocated topology (get-me-a-network) is not
        // offered here, so "auto" has nothing to allocate from.
        if (how == kind::automatic) {
          unable();
        } else {
          next({});
        }
        return;
      }
      pb::RequestedNetwork only;
      only.set_network_id(r->front().id);
      next({only});
    });
}

} // namespace strato::compute
