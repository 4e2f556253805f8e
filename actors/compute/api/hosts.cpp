// The compute hosts as operators see them: GET os-hypervisors (list, detail,
// show) and GET os-services, from the scheduler's view of every registered
// host (capacity, usage, up/down as the cluster membership reported it,
// enabled/disabled). Admin only, as in Nova's default policy.

#include <functional>
#include <optional>

#include "actors/compute/api/compute_api.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"

namespace strato::compute {

namespace {

using hosts_reply = std::vector<scheduler::host_summary>;

int64_t amount(const scheduler::resource_amounts& amounts,
               const std::string& resource_class) {
  auto it = amounts.find(resource_class);
  return it == amounts.end() ? 0 : it->second;
}

/// Before 2.53 ids are integers: a stable one from the provider uuid.
json host_id(const call& c, const scheduler::host_summary& h) {
  if (c.at_least(53)) {
    return h.provider_uuid;
  }
  return static_cast<int64_t>(std::hash<std::string>{}(h.provider_uuid)
                              % 2147483647)
         + 1;
}

size_t servers_on(const compute_api& self, const std::string& host) {
  return self.servers->read([&](const auto& all) {
    size_t n = 0;
    for (const auto& [id, s] : all) {
      n += s.model.host == host ? 1 : 0;
    }
    return n;
  });
}

json hypervisor_view(const compute_api& self, const call& c,
                     const scheduler::host_summary& h, bool detail) {
  json out{{"id", host_id(c, h)},
           {"hypervisor_hostname", h.hostname},
           {"state", h.up ? "up" : "down"},
           {"status", h.enabled ? "enabled" : "disabled"}};
  if (!detail) {
    return out;
  }
  out["host_ip"] = "127.0.0.1";
  out["hypervisor_type"] = self.hypervisor_type;
  out["hypervisor_version"] = 1000000;
  out["service"] = {{"host", h.hostname},
                    {"id", host_id(c, h)},
                    {"disabled_reason", nullptr}};
  if (c.at_least(88)) {
    out["uptime"] = nullptr;
    return out;
  }
  auto vcpus = amount(h.total, "VCPU");
  auto memory = amount(h.total, "MEMORY_MB");
  auto disk = amount(h.total, "DISK_GB");
  auto vcpus_used = amount(h.used, "VCPU");
  auto memory_used = amount(h.used, "MEMORY_MB");
  auto disk_used = amount(h.used, "DISK_GB");
  out["vcpus"] = vcpus;
  out["memory_mb"] = memory;
  out["local_gb"] = disk;
  out["vcpus_used"] = vcpus_used;
  out["memory_mb_used"] = memory_used;
  out["local_gb_used"] = disk_used;
  out["free_ram_mb"] = memory - memory_used;
  out["free_disk_gb"] = disk - disk_used;
  out["disk_available_least"] = disk - disk_used;
  out["current_workload"] = 0;
  out["running_vms"] = servers_on(self, h.hostname);
  out["cpu_info"] = c.at_least(28) ? json::object() : json("{}");
  return out;
}

json service_view(const call& c, const scheduler::host_summary& h) {
  json out{{"id", host_id(c, h)},
           {"binary", "nova-compute"},
           {"host", h.hostname},
           {"zone", h.availability_zone.empty() ? "nova"
                                                : h.availability_zone},
           {"status", h.enabled ? "enabled" : "disabled"},
           {"state", h.up ? "up" : "down"},
           {"updated_at", iso_time(now_us())},
           {"disabled_reason", nullptr}};
  if (c.at_least(11)) {
    out["forced_down"] = false;
  }
  return out;
}

/// Runs `then` with every host the scheduler knows, or answers the error.
void with_hosts(const compute_api& self, const call& c,
                std::string_view policy,
                std::function<void(const call&, hosts_reply&)> then) {
  if (!c.admin()) {
    c.fail({errc::forbidden, "Policy doesn't allow os_compute_api:"
                               + std::string{policy} + " to be performed."});
    return;
  }
  if (!self.scheduler) {
    c.fail({errc::not_implemented,
            "This node runs no scheduler: there are no compute hosts to "
            "list."});
    return;
  }
  actor::ask<hosts_reply>(
    *self.sys, self.scheduler,
    caf::make_message(scheduler::list_hosts_atom::value),
    std::chrono::seconds{10}, [c, then](result<hosts_reply> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      std::sort(r->begin(), r->end(), [](const auto& a, const auto& b) {
        return a.hostname < b.hostname;
      });
      then(c, *r);
    });
}

/// `pattern`: a hostname substring (the search route before 2.53, the
/// hypervisor_hostname_pattern filter from 2.53).
void list_hypervisors(const compute_api& self, call& c, bool detail,
                      std::optional<std::string> pattern = {}) {
  if (!pattern) {
    if (auto query = c.req.query("hypervisor_hostname_pattern")) {
      pattern = std::string{*query};
    }
  }
  with_hosts(self, c, detail ? "os-hypervisors:list-detail"
                             : "os-hypervisors:list",
             [&self, detail, pattern](const call& c, hosts_reply& hosts) {
               json list = json::array();
               for (const auto& h : hosts) {
                 if (pattern && h.hostname.find(*pattern) == std::string::npos) {
                   continue;
                 }
                 list.push_back(hypervisor_view(self, c, h, detail));
               }
               if (pattern && list.empty()) {
                 c.fail({errc::not_found, "No hypervisor matching '" + *pattern
                                            + "' could be found."});
                 return;
               }
               c.send(200, {{"hypervisors", std::move(list)}});
             });
}

void show_hypervisor(const compute_api& self, call& c) {
  std::string id{*c.req.path_params.get("id")};
  with_hosts(self, c, "os-hypervisors:show",
             [&self, id](const call& c, hosts_reply& hosts) {
               for (const auto& h : hosts) {
                 if (host_id(c, h).dump() == id
                     || host_id(c, h) == json(id)) {
                   c.send(200,
                          {{"hypervisor", hypervisor_view(self, c, h, true)}});
                   return;
                 }
               }
               c.fail({errc::not_found,
                       "Hypervisor with ID " + id + " could not be found."});
             });
}

void list_services(const compute_api& self, call& c) {
  with_hosts(self, c, "os-services:list",
             [](const call& c, hosts_reply& hosts) {
               auto host = c.req.query("host");
               auto binary = c.req.query("binary");
               json list = json::array();
               for (const auto& h : hosts) {
                 if ((host && h.hostname != *host)
                     || (binary && *binary != "nova-compute")) {
                   continue;
                 }
                 list.push_back(service_view(c, h));
               }
               c.send(200, {{"services", std::move(list)}});
             });
}

} // namespace

void compute_api::install_hosts(http::router& routes) const {
  routes.add(http::method::get, "/compute/v2.1/os-hypervisors",
             wrap([this](call& c) { list_hypervisors(*this, c, false); }));
  routes.add(http::method::get, "/compute/v2.1/os-hypervisors/detail",
             wrap([this](call& c) { list_hypervisors(*this, c, true); }));
  routes.add(http::method::get, "/compute/v2.1/os-hypervisors/{id}",
             wrap([this](call& c) { show_hypervisor(*this, c); }));
  routes.add(http::method::get, "/compute/v2.1/os-hypervisors/{id}/search",
             wrap([this](call& c) {
               if (c.at_least(53)) {
                 c.fail({errc::not_found, "The resource could not be found."});
                 return;
               }
               list_hypervisors(*this, c, false,
                                std::string{*c.req.path_params.get("id")});
             }));
  // Host aggregates cannot be created on this node (POST answers 501), so
  // the true list is empty; `openstack hypervisor show` reads it.
  routes.add(http::method::get, "/compute/v2.1/os-aggregates",
             wrap([](call& c) {
               if (!c.admin()) {
                 c.fail({errc::forbidden, "Policy doesn't allow "
                                          "os_compute_api:os-aggregates:index "
                                          "to be performed."});
                 return;
               }
               c.send(200, {{"aggregates", json::array()}});
             }));
  routes.add(http::method::get, "/compute/v2.1/os-services",
             wrap([this](call& c) { list_services(*this, c); }));
}

} // namespace strato::compute
