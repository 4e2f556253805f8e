// POST /servers: validates the request against the catalog (flavor,
// keypair, server group), the image service, the networks (Nova's default
// choice when none are named, create_networks.cpp) and the block device
// mapping (create_devices.cpp), reserves quota for all requested servers,
// then records each server through its entity, which runs the boot
// (volumes -> schedule -> networking -> spawn) on its own.

#include <mutex>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/api/create_request.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/compute/entity/port_steps.hpp"
#include "actors/image/image_protocol.hpp"
#include "actors/network/network_protocol.hpp"
#include "actors/tenant/quota_protocol.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"

namespace strato::compute {

namespace {

int64_t count_of(const json& in, const char* key) {
  if (!in.contains(key)) {
    return 0;
  }
  const auto& v = in[key];
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
}

struct create_plan {
  std::vector<pb::InstanceCreated> servers;
  std::string reservation_id;
  bool return_reservation_id = false;
  json security_groups;
  std::string group_id;
  network_choice networks;
  std::shared_ptr<const block_device_plan> devices;
};

result<create_plan> plan_create(const compute_api& self, const call& c,
                                const json& body) {
  const auto& in = body["server"];
  auto networks = read_networks(self, c, in);
  if (!networks) {
    return networks.error();
  }
  auto flavor_id = in["flavorRef"].is_string()
                     ? in["flavorRef"].get<std::string>()
                     : in["flavorRef"].dump();
  auto flavor = self.catalog->read([&](const catalog& cat) {
    const auto* f = cat.flavor(flavor_id);
    return f && cat.flavor_visible(*f, c.caller.project_id, c.admin())
             ? std::optional<pb::Flavor>{*f}
             : std::nullopt;
  });
  if (!flavor) {
    return status{errc::invalid_argument, "Flavor " + flavor_id
                                            + " could not be found."};
  }
  auto key_name = in.value("key_name", "");
  std::string key_data;
  if (!key_name.empty()) {
    auto key = self.catalog->read([&](const catalog& cat) {
      const auto* k = cat.keypair(c.caller.user_id, key_name);
      return k ? std::optional<std::string>{k->public_key()} : std::nullopt;
    });
    if (!key) {
      return status{errc::invalid_argument, "Invalid key_name provided."};
    }
    key_data = *key;
  }
  create_plan plan;
  if (in.contains("os:scheduler_hints")) {
    // Handled by the caller: hints live beside "server" in the body.
  }
  if (body.contains("os:scheduler_hints")
      && body["os:scheduler_hints"].contains("group")) {
    plan.group_id = body["os:scheduler_hints"]["group"].get<std::string>();
    bool exists = self.catalog->read([&](const catalog& cat) {
      auto it = cat.server_groups.find(plan.group_id);
      return it != cat.server_groups.end()
             && (c.admin() || it->second.project_id() == c.caller.project_id);
    });
    if (!exists) {
      return status{errc::invalid_argument, "Invalid server group "
                                              + plan.group_id};
    }
  }
  auto min_count = std::max<int64_t>(1, count_of(in, "min_count"));
  auto max_count = std::max<int64_t>(min_count, count_of(in, "max_count"));
  if (in.contains("max_count") && count_of(in, "max_count") < min_count) {
    return status{errc::invalid_argument,
                  "min_count must be <= max_count"};
  }
  auto devices = read_block_devices(c, in, *flavor, max_count);
  if (!devices) {
    return devices.error();
  }
  auto image_ref = in.contains("imageRef") && in["imageRef"].is_string()
                     ? in["imageRef"].get<std::string>()
                     : std::string{};
  if (image_ref.empty() && devices->volumes.empty()) {
    return status{errc::invalid_argument, "Missing imageRef attribute"};
  }
  plan.networks = std::move(*networks);
  plan.devices
    = std::make_shared<const block_device_plan>(std::move(*devices));
  plan.reservation_id = "r-" + new_uuid().substr(0, 8);
  plan.return_reservation_id = in.value("return_reservation_id", false);
  plan.security_groups = in.contains("security_groups")
                           ? in["security_groups"]
                           : json::array({{{"name", "default"}}});
  auto created_at = now_us();
  auto name = in["name"].get<std::string>();
  for (int64_t i = 0; i < max_count; ++i) {
    pb::InstanceCreated s;
    s.set_id(new_uuid());
    s.set_name(max_count > 1 ? name + "-" + std::to_string(i + 1) : name);
    s.set_project_id(c.caller.project_id);
    s.set_user_id(c.caller.user_id);
    *s.mutable_flavor() = *flavor;
    s.set_image_id(image_ref);
    s.set_key_name(key_name);
    s.set_key_data(key_data);
    s.set_availability_zone(in.value("availability_zone", ""));
    if (in.contains("metadata")) {
      for (const auto& [k, v] : in["metadata"].items()) {
        (*s.mutable_metadata())[k] = v.get<std::string>();
      }
    }
    if (in.contains("tags") && c.at_least(52)) {
      for (const auto& t : in["tags"]) {
        s.add_tags(t.get<std::string>());
      }
    }
    s.set_server_group_id(plan.group_id);
    s.set_reservation_id(plan.reservation_id);
    s.set_launch_index(i);
    s.set_description(in.contains("description") && in["description"].is_string()
                        ? in["description"].get<std::string>()
                        : "");
    s.set_hostname(in.contains("hostname") ? in["hostname"].get<std::string>()
                                           : s.name());
    s.set_user_data(in.value("user_data", ""));
    s.set_access_ipv4(in.value("accessIPv4", ""));
    s.set_access_ipv6(in.value("accessIPv6", ""));
    s.set_config_drive(in.contains("config_drive") && in["config_drive"] == true
                         ? "True"
                         : "");
    s.set_created_at_us(created_at);
    for (auto& v : volumes_for_server(*plan.devices, c.req.request_id)) {
      *s.add_block_device_volumes() = std::move(v);
    }
    if (plan.devices->swap_mb) {
      s.set_swap_mb(*plan.devices->swap_mb);
    }
    if (plan.devices->ephemeral_gb) {
      s.set_ephemeral_gb(*plan.devices->ephemeral_gb);
    }
    plan.servers.push_back(std::move(s));
  }
  return plan;
}

void answer_created(const call& c, const create_plan& plan) {
  if (plan.return_reservation_id) {
    c.send(202, {{"reservation_id", plan.reservation_id}});
    return;
  }
  const auto& first = plan.servers.front();
  json server{{"id", first.id()},
              {"links", resource_links(c.req, "servers", first.id())},
              {"OS-DCF:diskConfig", "MANUAL"},
              {"security_groups", plan.security_groups},
              {"adminPass", random_password()}};
  c.send(202, {{"server", server}});
}

/// Records every server; answers once all are recorded.
void record_servers(const compute_api& self, const call& c,
                    std::shared_ptr<create_plan> plan,
                    const std::string& quota_reservation) {
  struct progress {
    std::mutex mutex;
    size_t remaining = 0;
    std::optional<status> failure;
  };
  auto state = std::make_shared<progress>();
  state->remaining = plan->servers.size();
  for (auto& s : plan->servers) {
    s.set_quota_reservation(quota_reservation);
    self.ask_instance<bool>(
      s.id(),
      caf::make_message(create_atom::value, s.SerializeAsString(),
                        c.req.request_id),
      [c, plan, state](result<bool> r) {
        // Each asker answers on its own actor thread.
        std::unique_lock lock{state->mutex};
        if (!r && !state->failure) {
          state->failure = r.error();
        }
        if (--state->remaining != 0) {
          return;
        }
        auto failure = state->failure;
        lock.unlock();
        if (failure) {
          c.fail(*failure);
        } else {
          answer_created(c, *plan);
        }
      });
  }
}

void join_group(const compute_api& self, const call& c,
                std::shared_ptr<create_plan> plan,
                std::function<void()> next) {
  if (plan->group_id.empty()) {
    next();
    return;
  }
  pb::CatalogCommand cmd;
  for (const auto& s : plan->servers) {
    auto* m = cmd.add_events()->mutable_server_group_member_changed();
    m->set_group_id(plan->group_id);
    m->set_instance_id(s.id());
    m->set_added(true);
  }
  self.write_catalog(cmd, c, std::move(next));
}

void reserve_then(const compute_api& self, const call& c,
                  const create_plan& plan,
                  std::function<void(std::string)> next) {
  if (!self.tenant) {
    next({});
    return;
  }
  auto n = static_cast<int64_t>(plan.servers.size());
  const auto& f = plan.servers.front().flavor();
  tenant::quota_amounts deltas{{"instances", n},
                               {"cores", n * f.vcpus()},
                               {"ram", n * f.ram_mb()}};
  actor::ask<std::string>(
    *self.sys, self.tenant,
    caf::make_message(c.caller.project_id,
                      caf::make_message(tenant::quota_reserve_atom::value,
                                        deltas, c.req.request_id,
                                        int64_t{120000})),
    std::chrono::seconds{30},
    [c, next = std::move(next)](result<std::string> r) {
      if (!r) {
        c.fail(r.error().code() == errc::quota_exceeded
                 ? status{errc::forbidden, r.error().message()}
                 : r.error());
        return;
      }
      next(std::move(*r));
    });
}

/// With an image service, the image must exist, be visible and active.
void check_image_then(const compute_api& self, const call& c,
                      const std::string& image_id, std::function<void()> next) {
  if (!self.image || image_id.empty()) {
    next();
    return;
  }
  image::image_lookup lookup{image_id, c.admin() ? "" : c.caller.project_id};
  actor::ask<image::image_info>(
    *self.sys, self.image, caf::make_message(lookup), std::chrono::seconds{30},
    [c, image_id, next = std::move(next)](result<image::image_info> r) {
      if (!r) {
        c.fail({errc::invalid_argument,
                "Image " + image_id + " could not be found."});
        return;
      }
      if (r->status != "active") {
        c.fail({errc::invalid_argument,
                "Image " + image_id + " is not active."});
        return;
      }
      next();
    });
}

void reserve_and_record(const compute_api& self, const call& c,
                        std::shared_ptr<create_plan> plan);
void choose_then_check(const compute_api& self, const call& c,
                       std::shared_ptr<create_plan> plan);

/// Nova's validate_networks: every requested network, port and address is
/// checked with the "network" actor (a dry run of the boot's port_attach)
/// before anything is recorded, so a refusal writes nothing.
void check_networks_then(const compute_api& self, const call& c,
                         std::shared_ptr<create_plan> plan, size_t index,
                         std::function<void()> next) {
  const auto& wanted = plan->servers.front().requested_networks();
  if (index == static_cast<size_t>(wanted.size())) {
    next();
    return;
  }
  const auto& req = wanted[static_cast<int>(index)];
  network::port_request check;
  check.project_id = c.caller.project_id;
  check.admin = c.admin();
  check.network_id = req.network_id();
  check.port_id = req.port_id();
  check.fixed_ip = req.fixed_ip();
  check.request_id = c.req.request_id;
  actor::ask<bool>(
    *self.sys, self.network,
    caf::make_message(network::port_check_atom::value, check),
    std::chrono::seconds{30},
    [&self, c, plan, index, req, next = std::move(next)](result<bool> r) {
      if (!r) {
        auto refusal = nova_refusal(r.error(), req);
        // Nova finds an exhausted subnet only when the boot makes the
        // port: the server is created and goes to ERROR then.
        if (refusal.message().rfind("No fixed IP", 0) != 0) {
          c.fail(refusal);
          return;
        }
      }
      check_networks_then(self, c, plan, index + 1, next);
    });
}

void create_server(const compute_api& self, call& c) {
  if (auto st = service::require_project_member(c.caller); !st.ok()) {
    c.fail(st);
    return;
  }
  auto body = body_of(c);
  if (!body || !valid(c, create_schema(c), *body)) {
    return;
  }
  auto planned = plan_create(self, c, *body);
  if (!planned) {
    c.fail(planned.error());
    return;
  }
  auto plan = std::make_shared<create_plan>(std::move(*planned));
  check_image_then(self, c, plan->servers.front().image_id(), [&self, c, plan] {
    choose_then_check(self, c, plan);
  });
}

/// The networks (Nova's choice when none are named), each checked, then
/// the block device mapping's volumes, images and snapshots.
void choose_then_check(const compute_api& self, const call& c,
                       std::shared_ptr<create_plan> plan) {
  choose_network_then(
    self, c, plan->networks,
    [&self, c, plan](std::vector<pb::RequestedNetwork> chosen) {
      for (auto& s : plan->servers) {
        s.clear_requested_networks();
        for (const auto& req : chosen) {
          *s.add_requested_networks() = req;
        }
      }
      check_networks_then(self, c, plan, 0, [&self, c, plan] {
        check_block_devices_then(self, c, plan->devices, [&self, c, plan] {
          reserve_and_record(self, c, plan);
        });
      });
    });
}

void reserve_and_record(const compute_api& self, const call& c,
                        std::shared_ptr<create_plan> plan) {
  reserve_then(self, c, *plan, [&self, c, plan](std::string reservation) {
    join_group(self, c, plan, [&self, c, plan, reservation] {
      record_servers(self, c, plan, reservation);
    });
  });
}

} // namespace

void compute_api::install_create(http::router& routes) const {
  routes.add(http::method::post, "/compute/v2.1/servers",
             wrap([this](call& c) { create_server(*this, c); }));
}

} // namespace strato::compute
