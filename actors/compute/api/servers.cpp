// Servers: create (single and multiple), list and detail with filters,
// show, update and delete (Nova's servers controller).

#include <algorithm>
#include <regex>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/tenant/quota_protocol.hpp"
#include "runtime/api/links.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/params.hpp"
#include "runtime/core/ids.hpp"

namespace strato::compute {

namespace {

// -- list -------------------------------------------------------------------

/// Whether `m` passes the request's filters (Nova's search options).
bool matches(const call& c, const instance_model& m) {
  const auto& q = c.req.query_params;
  if (auto name = q.get("name")) {
    try {
      if (!std::regex_search(m.created.name(), std::regex{std::string{*name}})) {
        return false;
      }
    } catch (const std::regex_error&) {
      if (m.created.name().find(*name) == std::string::npos) {
        return false;
      }
    }
  }
  auto statuses = q.get_all("status");
  if (!statuses.empty()) {
    auto status = api_status(m);
    bool any = std::any_of(statuses.begin(), statuses.end(), [&](auto s) {
      std::string upper{s};
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      return upper == status;
    });
    if (!any) {
      return false;
    }
  }
  auto equals = [&](std::string_view key, const std::string& value) {
    auto v = q.get(key);
    return !v || *v == value;
  };
  if (!equals("flavor", m.flavor.id()) || !equals("image", m.image_id)
      || !equals("key_name", m.created.key_name())
      || !equals("reservation_id", m.created.reservation_id())
      || !equals("vm_state", m.vm_state)
      || !equals("availability_zone", m.created.availability_zone().empty()
                                        ? "nova"
                                        : m.created.availability_zone())) {
    return false;
  }
  if (c.admin() && (!equals("host", m.host) || !equals("user_id",
                                                       m.created.user_id()))) {
    return false;
  }
  if (auto since = q.get("changes-since")) {
    // ISO times compare as strings when both are UTC and equally precise.
    if (iso_time(m.updated_at_us) < std::string{*since}.substr(0, 19) + "Z") {
      return false;
    }
  }
  if (auto tags = q.get("tags")) {
    std::string all{*tags};
    size_t pos = 0;
    while (pos <= all.size()) {
      auto comma = all.find(',', pos);
      auto tag = all.substr(pos, comma - pos);
      if (std::find(m.created.tags().begin(), m.created.tags().end(), tag)
          == m.created.tags().end()) {
        return false;
      }
      if (comma == std::string::npos) {
        break;
      }
      pos = comma + 1;
    }
  }
  return true;
}

bool in_scope(const call& c, const instance_model& m) {
  bool all_tenants = false;
  if (auto all = c.req.query("all_tenants"); all && c.admin()) {
    // Nova treats a bare `all_tenants` as true.
    auto parsed = api::parse_bool_param("all_tenants",
                                        all->empty() ? "true" : *all);
    all_tenants = parsed.ok() && *parsed;
  }
  if (all_tenants) {
    auto project = c.req.query("project_id");
    if (!project) {
      project = c.req.query("tenant_id");
    }
    return !project || *project == m.created.project_id();
  }
  return m.created.project_id() == c.caller.project_id;
}

std::string sort_value(const instance_model& m, const std::string& key) {
  if (key == "display_name" || key == "name") {
    return m.created.name();
  }
  if (key == "updated_at") {
    return std::to_string(m.updated_at_us);
  }
  if (key == "host") {
    return m.host;
  }
  if (key == "uuid" || key == "id") {
    return m.id();
  }
  if (key == "vm_state") {
    return m.vm_state;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020lld",
                static_cast<long long>(m.created.created_at_us()));
  return buf;
}

void list_servers(const compute_api& self, call& c, bool detail) {
  auto limit = api::parse_limit(c.req.query_params, 1000);
  if (!limit) {
    c.fail(limit.error());
    return;
  }
  api::sort_options opts;
  opts.default_key = "created_at";
  opts.tie_breaker = "uuid";
  opts.allow_sort_param = false;
  auto sorts = api::parse_sort(c.req.query_params, opts);
  if (!sorts) {
    c.fail(sorts.error());
    return;
  }
  auto rows = self.servers->read([&](const auto& servers) {
    std::vector<const server_record*> out;
    for (const auto& [id, s] : servers) {
      if (in_scope(c, s.model) && matches(c, s.model)) {
        out.push_back(&s);
      }
    }
    std::sort(out.begin(), out.end(), [&](auto* a, auto* b) {
      for (const auto& spec : *sorts) {
        auto x = sort_value(a->model, spec.key);
        auto y = sort_value(b->model, spec.key);
        if (x != y) {
          return spec.direction == api::sort_direction::asc ? x < y : x > y;
        }
      }
      return false;
    });
    // Copy out under the lock: records may change once it is released.
    std::vector<server_record> copies;
    copies.reserve(out.size());
    for (auto* s : out) {
      copies.push_back(*s);
    }
    return copies;
  });
  auto page = api::paginate(
    rows, [](const server_record& s) -> const std::string& { return s.model.id(); },
    *limit, api::parse_marker(c.req.query_params), 1000);
  if (!page) {
    c.fail(page.error());
    return;
  }
  json items = json::array();
  for (const auto& s : page->items) {
    items.push_back(render_server(c, s, detail));
  }
  json body{{"servers", std::move(items)}};
  if (page->has_more) {
    auto url = api::request_base_url(c.req) + "/compute/v2.1/servers"
               + (detail ? "/detail" : "");
    body["servers_links"] = api::nova_links(url, c.req.query_params,
                                            page->items.back().model.id());
  }
  c.send(200, body);
}

void show_server(const compute_api& self, call& c) {
  auto s = self.visible_server(c, std::string{*c.req.path_params.get("id")});
  if (!s) {
    return;
  }
  auto out = render_server(c, *s, true);
  if (c.at_least(71)) {
    const auto& group = s->model.created.server_group_id();
    out["server_groups"] = group.empty() ? json::array()
                                         : json::array({group});
  }
  c.send(200, {{"server", out}});
}

// -- update and delete ------------------------------------------------------

void update_server(const compute_api& self, call& c) {
  std::string id{*c.req.path_params.get("id")};
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  if (!body->contains("server") || !(*body)["server"].is_object()) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "server. 'server' is a required property"});
    return;
  }
  const auto& in = (*body)["server"];
  pb::Updated upd;
  for (const auto& [key, value] : in.items()) {
    bool text = value.is_string() || value.is_null();
    if (!text) {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                        + key + "."});
      return;
    }
    auto v = value.is_null() ? std::string{} : value.get<std::string>();
    if (key == "name" && !v.empty() && v.size() <= 255) {
      upd.set_name(v);
    } else if (key == "description" && c.at_least(19) && v.size() <= 255) {
      upd.set_description(v);
    } else if (key == "accessIPv4") {
      upd.set_access_ipv4(v);
    } else if (key == "accessIPv6") {
      upd.set_access_ipv6(v);
    } else if (key == "hostname" && c.at_least(90)) {
      upd.set_hostname(v);
    } else {
      c.fail({errc::invalid_argument,
              "Additional properties are not allowed ('" + key
                + "' was unexpected)"});
      return;
    }
  }
  self.ask_instance<bool>(
    id,
    caf::make_message(update_atom::value, upd.SerializeAsString(),
                      c.req.request_id),
    [&self, c, id](result<bool> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      auto now = self.servers->find(id);
      if (!now) {
        c.fail({errc::not_found, "Instance " + id + " could not be found."});
        return;
      }
      c.send(200, {{"server", render_server(c, *now, true)}});
    });
}

} // namespace

void run_action(const compute_api& self, const call& c, const std::string& id,
                action_request req, int success_status, json success_body);

void compute_api::install_servers(http::router& routes) const {
  const std::string base = "/compute/v2.1/servers";
  using http::method;
  routes.add(method::get, base,
             wrap([this](call& c) { list_servers(*this, c, false); }));
  routes.add(method::get, base + "/detail",
             wrap([this](call& c) { list_servers(*this, c, true); }));
  routes.add(method::get, base + "/{id}",
             wrap([this](call& c) { show_server(*this, c); }));
  routes.add(method::put, base + "/{id}",
             wrap([this](call& c) { update_server(*this, c); }));
  routes.add(method::delete_, base + "/{id}", wrap([this](call& c) {
               std::string id{*c.req.path_params.get("id")};
               if (!visible_server(c, id)) {
                 return;
               }
               action_request req;
               req.kind = action_kind::delete_;
               run_action(*this, c, id, std::move(req), 204, nullptr);
             }));
}

} // namespace strato::compute
