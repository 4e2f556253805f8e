// POST /servers/{id}/action {"evacuate": {...}}: rebuild a server on another
// host because its own host is down (Nova's os-evacuate). Only an admin may,
// and only while the cluster membership sees the server's host down: a
// server whose host still answers could end up running twice.

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"

namespace strato::compute {

namespace {

json host_property() {
  // Nova's parameter_types.fqdn.
  return {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 255},
          {"pattern", "^[a-zA-Z0-9-._]*$"}};
}

/// Nova's evacuate schemas: onSharedStorage required before 2.14, `force`
/// from 2.29 to 2.67.
const api::schema& evacuate_schema(const call& c) {
  auto make = [](bool shared_storage, bool force) {
    json props = {{"host", host_property()},
                  {"adminPass", {{"type", "string"}}}};
    json required = json::array();
    if (shared_storage) {
      props["onSharedStorage"] = {{"type", {"boolean", "string"}}};
      required.push_back("onSharedStorage");
    }
    if (force) {
      props["force"] = {{"type", {"boolean", "string"}}};
    }
    return compile_schema({{"type", "object"},
                           {"properties",
                            {{"evacuate",
                              {{"type", "object"},
                               {"properties", props},
                               {"required", required},
                               {"additionalProperties", false}}}}},
                           {"required", {"evacuate"}},
                           {"additionalProperties", false}});
  };
  static const auto v21 = make(true, false);
  static const auto v214 = make(false, false);
  static const auto v229 = make(false, true);
  if (!c.at_least(14)) {
    return v21;
  }
  return c.at_least(29) && !c.at_least(68) ? v229 : v214;
}

} // namespace

void evacuate_server(const compute_api& self, const call& c,
                     const server_record& s, const json& body) {
  if (!c.admin()) {
    c.fail({errc::forbidden,
            "Policy doesn't allow os_compute_api:os-evacuate to be "
            "performed."});
    return;
  }
  if (!valid(c, evacuate_schema(c), body)) {
    return;
  }
  const auto& in = body["evacuate"];
  const auto& m = s.model;
  action_request req;
  req.kind = action_kind::evacuate;
  if (in.contains("host")) {
    req.target_host = in["host"].get<std::string>();
    if (req.target_host == m.host) {
      c.fail(
          {errc::invalid_argument, "The target host can't be the same one."});
      return;
    }
  }
  auto reach = c.hosts && !m.host.empty() ? c.hosts->get(m.host) : std::nullopt;
  if (reach != service::host_reachability::down) {
    c.fail({errc::invalid_argument,
            "Compute service of " +
                (m.host.empty() ? std::string{"None"} : m.host) +
                " is still in use."});
    return;
  }
  json answer = nullptr;
  if (!c.at_least(14)) {
    answer = {{"adminPass", in.contains("adminPass")
                                ? in["adminPass"].get<std::string>()
                                : random_password()}};
  }
  run_action(self, c, m.id(), std::move(req), 200, std::move(answer));
}

} // namespace strato::compute
