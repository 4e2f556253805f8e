// A server as Nova's views/servers.py renders it, per microversion.

#include <openssl/evp.h>

#include "actors/compute/api/compute_api.hpp"

namespace strato::compute {

namespace {

/// nova.utils.generate_hostid: sha224(project_id + host), "" without host.
std::string host_id(const std::string& host, const std::string& project) {
  if (host.empty()) {
    return "";
  }
  auto data = project + host;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha224(), nullptr);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

/// Nova's host_status: UP while the host's node is reachable; UNKNOWN when
/// it missed its heartbeats (it may still run the guests); "" unplaced.
std::string host_status(const call& c, const std::string& host) {
  if (host.empty()) {
    return "";
  }
  auto reach = c.hosts ? c.hosts->get(host) : std::nullopt;
  return reach == service::host_reachability::down ? "UNKNOWN" : "UP";
}

json or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json bookmark(const call& c, std::string_view collection,
              const std::string& id) {
  auto links = resource_links(c.req, collection, id);
  return {{"id", id}, {"links", json::array({links[1]})}};
}

json flavor_view(const call& c, const pb::Flavor& f) {
  if (!c.at_least(47)) {
    return bookmark(c, "flavors", f.id());
  }
  json out{{"vcpus", f.vcpus()},        {"ram", f.ram_mb()},
           {"disk", f.disk_gb()},       {"ephemeral", f.ephemeral_gb()},
           {"swap", f.swap_mb()},       {"original_name", f.name()}};
  json specs = json::object();
  for (const auto& [k, v] : f.extra_specs()) {
    specs[k] = v;
  }
  out["extra_specs"] = specs;
  return out;
}

bool shows_progress(std::string_view status) {
  for (auto s : {"ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE",
                 "MIGRATING"}) {
    if (status == s) {
      return true;
    }
  }
  return false;
}

/// Nova's instance name template "instance-%08x" needs an integer id; ours
/// is derived from the uuid so that it is stable.
std::string instance_name(const std::string& uuid) {
  return "instance-" + uuid.substr(0, 8);
}

void add_extended_attributes(const call& c, const instance_model& m,
                             json& out) {
  out["OS-EXT-SRV-ATTR:host"] = or_null(m.host);
  out["OS-EXT-SRV-ATTR:instance_name"] = instance_name(m.id());
  out["OS-EXT-SRV-ATTR:hypervisor_hostname"] = or_null(m.host);
  if (c.at_least(3)) {
    out["OS-EXT-SRV-ATTR:reservation_id"] = m.created.reservation_id();
    out["OS-EXT-SRV-ATTR:launch_index"] = m.created.launch_index();
    out["OS-EXT-SRV-ATTR:hostname"] = m.created.hostname();
    out["OS-EXT-SRV-ATTR:kernel_id"] = "";
    out["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
    out["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda";
    out["OS-EXT-SRV-ATTR:user_data"] = or_null(m.created.user_data());
  }
}

/// Nova's views/addresses.py: {network name: [{version, addr, type, mac}]},
/// hidden while the server is building.
json addresses_of(const instance_model& m) {
  json out = json::object();
  if (m.vm_state == "building") {
    return out;
  }
  for (const auto& port : m.ports) {
    auto& list = out[port.network_name()];
    if (list.is_null()) {
      list = json::array();
    }
    for (const auto& a : port.addresses()) {
      list.push_back({{"version", a.ip_version()},
                      {"addr", a.ip_address()},
                      {"OS-EXT-IPS:type", "fixed"},
                      {"OS-EXT-IPS-MAC:mac_addr", port.mac_address()}});
    }
  }
  return out;
}

} // namespace

json render_server(const call& c, const server_record& s, bool detail) {
  const auto& m = s.model;
  json out{{"id", m.id()},
           {"name", m.created.name()},
           {"links", resource_links(c.req, "servers", m.id())}};
  if (!detail) {
    return out;
  }
  auto status = api_status(m);
  out["status"] = status;
  out["tenant_id"] = m.created.project_id();
  out["user_id"] = m.created.user_id();
  json metadata = json::object();
  for (const auto& [k, v] : m.created.metadata()) {
    metadata[k] = v;
  }
  out["metadata"] = metadata;
  out["hostId"] = host_id(m.host, m.created.project_id());
  out["image"] = m.image_id.empty() ? json("") : bookmark(c, "images",
                                                          m.image_id);
  out["flavor"] = flavor_view(c, m.flavor);
  out["created"] = iso_time(m.created.created_at_us());
  out["updated"] = iso_time(m.updated_at_us);
  out["addresses"] = addresses_of(m);
  out["accessIPv4"] = m.created.access_ipv4();
  out["accessIPv6"] = m.created.access_ipv6();
  out["OS-DCF:diskConfig"] = "MANUAL";
  if ((status == "ERROR" || status == "DELETED") && !m.fault.empty()) {
    out["fault"] = {{"code", 500},
                    {"created", iso_time(m.updated_at_us)},
                    {"message", m.fault}};
  }
  if (shows_progress(status)) {
    out["progress"] = 0;
  }
  out["OS-EXT-AZ:availability_zone"] = m.created.availability_zone().empty()
                                         ? std::string{"nova"}
                                         : m.created.availability_zone();
  out["config_drive"] = m.created.config_drive();
  out["key_name"] = or_null(m.created.key_name());
  out["OS-SRV-USG:launched_at"] = m.launched_at_us == 0
                                    ? json(nullptr)
                                    : json(iso_time_micro(m.launched_at_us));
  out["OS-SRV-USG:terminated_at"] = nullptr;
  if (c.admin()) {
    add_extended_attributes(c, m, out);
  }
  out["OS-EXT-STS:task_state"] = or_null(m.task_state);
  out["OS-EXT-STS:vm_state"] = m.vm_state;
  out["OS-EXT-STS:power_state"] = m.power_state;
  json volumes = json::array();
  for (const auto& v : m.volumes) {
    json row{{"id", v.volume_id()}};
    if (c.at_least(3)) {
      row["delete_on_termination"] = v.delete_on_termination();
    }
    volumes.push_back(std::move(row));
  }
  out["os-extended-volumes:volumes_attached"] = std::move(volumes);
  if (c.at_least(16) && c.admin()) {
    out["host_status"] = host_status(c, m.host);
  }
  if (c.at_least(9)) {
    out["locked"] = m.locked;
  }
  if (c.at_least(73)) {
    out["locked_reason"] = or_null(m.locked_reason);
  }
  if (c.at_least(19)) {
    out["description"] = or_null(m.created.description());
  }
  if (c.at_least(26)) {
    out["tags"] = json(std::vector<std::string>{m.created.tags().begin(),
                                                m.created.tags().end()});
  }
  if (c.at_least(63)) {
    out["trusted_image_certificates"] = nullptr;
  }
  if (c.at_least(90) && !c.admin()) {
    out["OS-EXT-SRV-ATTR:hostname"] = m.created.hostname();
  }
  return out;
}

} // namespace strato::compute
