#include "drivers/network/ovs_network.hpp"

#include <array>

#include "drivers/network/host_command.hpp"
#include "drivers/network/naming.hpp"
#include "drivers/network/ovsdb/values.hpp"

namespace strato::network {

using ovsdb::json;

namespace {

constexpr const char* database = "Open_vSwitch";

json select_uuid(const std::string& table, json where) {
  return {{"op", "select"},
          {"table", table},
          {"where", std::move(where)},
          {"columns", json::array({"_uuid"})}};
}

} // namespace

ovs_network::ovs_network(driver_config config) : config_(std::move(config)) {
}

result<ovsdb::client*> ovs_network::db() {
  if (!client_ || !client_->connected()) {
    auto opened = ovsdb::client::connect(config_.ovsdb, config_.timeout);
    if (!opened) {
      return opened.error();
    }
    client_ = std::move(*opened);
  }
  return client_.get();
}

result<json> ovs_network::transact(json operations) {
  auto conn = db();
  if (!conn) {
    return conn.error();
  }
  return (*conn)->transact(database, std::move(operations));
}

status ovs_network::ensure_bridge() {
  std::lock_guard guard{mutex_};
  const auto& name = config_.integration_bridge;
  auto found = transact(json::array(
    {select_uuid("Bridge", ovsdb::where_name(name)),
     select_uuid("Open_vSwitch", json::array())}));
  if (!found) {
    return found.error();
  }
  if (!(*found)[0]["rows"].empty()) {
    return {};
  }
  json bridge{{"name", name},
              {"ports", ovsdb::set(json::array({ovsdb::named_uuid("port")}))},
              {"fail_mode", "standalone"}};
  if (!config_.datapath_type.empty()) {
    bridge["datapath_type"] = config_.datapath_type;
  }
  auto ops = json::array(
    {{{"op", "insert"},
      {"table", "Interface"},
      {"row", {{"name", name}, {"type", "internal"}}},
      {"uuid-name", "iface"}},
     {{"op", "insert"},
      {"table", "Port"},
      {"row", {{"name", name}, {"interfaces", ovsdb::named_uuid("iface")}}},
      {"uuid-name", "port"}},
     {{"op", "insert"}, {"table", "Bridge"}, {"row", bridge}, {"uuid-name", "br"}}});
  auto bridges = ovsdb::set(json::array({ovsdb::named_uuid("br")}));
  if ((*found)[1]["rows"].empty()) {
    // A database fresh from ovsdb-tool has no root row yet.
    ops.push_back({{"op", "insert"},
                   {"table", "Open_vSwitch"},
                   {"row", {{"bridges", bridges}}}});
  } else {
    ops.push_back({{"op", "mutate"},
                   {"table", "Open_vSwitch"},
                   {"where", json::array()},
                   {"mutations",
                    json::array({json::array({"bridges", "insert", bridges})})}});
  }
  auto created = transact(std::move(ops));
  return created ? status{} : created.error();
}

result<uint16_t> ovs_network::allocate_tag(const segment& seg) {
  if (seg.type == segment_type::flat) {
    return uint16_t{0};
  }
  if (seg.type == segment_type::vlan) {
    if (seg.segmentation_id < 1 || seg.segmentation_id > 4094) {
      return status{errc::invalid_argument, "VLAN id out of 1-4094"};
    }
    return static_cast<uint16_t>(seg.segmentation_id);
  }
  if (seg.segmentation_id < 1 || seg.segmentation_id > 16777215) {
    return status{errc::invalid_argument, "VNI out of 1-16777215"};
  }
  // VXLAN networks borrow host-local tags from the top of the VLAN range,
  // away from the provider VLANs that usually sit low.
  std::set<uint16_t> used;
  for (const auto& [id, local] : segments_) {
    used.insert(local.tag);
  }
  for (uint16_t tag = 4094; tag > 0; --tag) {
    if (!used.contains(tag)) {
      return tag;
    }
  }
  return status{errc::unavailable, "no free local VLAN tag"};
}

result<uint16_t> ovs_network::ensure_segment(const segment& seg) {
  std::lock_guard guard{mutex_};
  auto existing = segments_.find(seg.network_id);
  if (existing != segments_.end() && existing->second.seg.type == seg.type
      && existing->second.seg.segmentation_id == seg.segmentation_id) {
    return existing->second.tag;
  }
  if (existing != segments_.end()) {
    segments_.erase(existing);
  }
  auto tag = allocate_tag(seg);
  if (!tag) {
    return tag;
  }
  segments_[seg.network_id] = {seg, *tag};
  return tag;
}

status ovs_network::delete_segment(const std::string& network_id) {
  std::lock_guard guard{mutex_};
  segments_.erase(network_id);
  return {};
}

result<uint16_t> ovs_network::tag_of(const std::string& network_id) {
  auto found = segments_.find(network_id);
  if (found == segments_.end()) {
    return status{errc::not_found, "no segment for network " + network_id};
  }
  return found->second.tag;
}

status ovs_network::put_port(const std::string& name, const std::string& type,
                             uint16_t tag, const json& interface_columns) {
  auto tag_value = tag == 0 ? ovsdb::empty_set() : json(tag);
  auto iface = interface_columns;
  iface["type"] = type;
  if (!port_uuids_.contains(name)) {
    // Fast path, one round trip: insert, and let the Port name index refuse
    // a port that exists already.
    auto inserted = insert_port(name, tag_value, iface);
    if (inserted.ok() || inserted.code() != errc::conflict) {
      return inserted;
    }
  }
  auto updated = transact(json::array(
    {{{"op", "update"}, {"table", "Port"}, {"where", ovsdb::where_name(name)},
      {"row", {{"tag", tag_value}}}},
     {{"op", "update"}, {"table", "Interface"},
      {"where", ovsdb::where_name(name)}, {"row", iface}}}));
  if (!updated) {
    return updated.error();
  }
  if ((*updated)[0]["count"] == 0) {
    // Someone else removed it since we cached it: add it anew.
    port_uuids_.erase(name);
    return insert_port(name, tag_value, iface);
  }
  return {};
}

status ovs_network::insert_port(const std::string& name, const json& tag_value,
                                json iface) {
  iface["name"] = name;
  auto inserted = transact(json::array(
    {{{"op", "insert"}, {"table", "Interface"}, {"row", iface},
      {"uuid-name", "iface"}},
     {{"op", "insert"}, {"table", "Port"},
      {"row", {{"name", name}, {"interfaces", ovsdb::named_uuid("iface")},
               {"tag", tag_value}}},
      {"uuid-name", "port"}},
     {{"op", "mutate"}, {"table", "Bridge"},
      {"where", ovsdb::where_name(config_.integration_bridge)},
      {"mutations", json::array({json::array(
        {"ports", "insert", ovsdb::set(json::array({ovsdb::named_uuid("port")}))})})}}}));
  if (!inserted) {
    return inserted.error();
  }
  if ((*inserted)[2]["count"] == 0) {
    // Unreferenced, the new rows were garbage-collected at commit.
    return {errc::unavailable, "no bridge " + config_.integration_bridge};
  }
  port_uuids_[name] = (*inserted)[1]["uuid"][1].get<std::string>();
  return {};
}

status ovs_network::remove_port(const std::string& name) {
  auto cached = port_uuids_.find(name);
  if (cached != port_uuids_.end()) {
    auto port = ovsdb::uuid(cached->second);
    port_uuids_.erase(cached);
    auto removed = unlink_port(port);
    if (!removed) {
      return removed.error();
    }
    if (*removed) {
      return {};
    }
  }
  auto found = transact(json::array({select_uuid("Port", ovsdb::where_name(name))}));
  if (!found) {
    return found.error();
  }
  if ((*found)[0]["rows"].empty()) {
    return {};
  }
  auto removed = unlink_port(ovsdb::uuid((*found)[0]["rows"][0]["_uuid"][1]));
  return removed ? status{} : removed.error();
}

result<bool> ovs_network::unlink_port(const json& port) {
  // Port and Interface are not root tables: dropping the Bridge's reference
  // garbage-collects both rows.
  auto removed = transact(json::array(
    {{{"op", "mutate"}, {"table", "Bridge"},
      {"where", json::array({ovsdb::condition("ports", "includes", port)})},
      {"mutations", json::array({json::array({"ports", "delete", port})})}}}));
  if (!removed) {
    return removed.error();
  }
  return (*removed)[0]["count"] != 0;
}

status ovs_network::plug_port(const port_plug& port) {
  if (port.port_id.empty()) {
    return {errc::invalid_argument, "port id is empty"};
  }
  std::lock_guard guard{mutex_};
  auto tag = tag_of(port.network_id);
  if (!tag) {
    return tag.error();
  }
  auto device = port.device.empty() ? tap_name(port.port_id) : port.device;
  auto previous = port_devices_.find(port.port_id);
  if (previous != port_devices_.end() && previous->second != device) {
    if (auto st = remove_port(previous->second); !st.ok()) {
      return st;
    }
  }
  std::map<std::string, std::string> ids{{"iface-id", port.port_id},
                                         {"attached-mac", port.mac},
                                         {"iface-status", "active"}};
  if (!port.device_id.empty()) {
    ids["vm-uuid"] = port.device_id;
  }
  static constexpr std::array<const char*, 3> types{"system", "internal", "tap"};
  auto type = types.at(static_cast<size_t>(port.kind));
  auto st = put_port(device, std::string{type} == "system" ? "" : type, *tag,
                     json{{"external_ids", ovsdb::map(ids)}});
  if (st.ok()) {
    port_devices_[port.port_id] = device;
  }
  return st;
}

status ovs_network::unplug_port(const std::string& port_id) {
  std::lock_guard guard{mutex_};
  auto known = port_devices_.find(port_id);
  auto device = known != port_devices_.end() ? known->second : tap_name(port_id);
  // Only ports given security flows (or unknown since a restart) have flows
  // to remove; the others skip a process spawn.
  if (known == port_devices_.end() || secured_ports_.contains(port_id)) {
    auto removed = ofctl("del-flows", {"cookie=" + flow_cookie(port_id) + "/-1"});
    ignore_error(removed ? status{} : removed.error(),
                 "no ovs-vswitchd means no flows to remove");
    secured_ports_.erase(port_id);
  }
  auto st = remove_port(device);
  if (st.ok()) {
    port_devices_.erase(port_id);
  }
  return st;
}

status ovs_network::ensure_tunnel(const tunnel_endpoint& tunnel) {
  std::lock_guard guard{mutex_};
  auto found = segments_.find(tunnel.network_id);
  if (found == segments_.end() || found->second.seg.type != segment_type::vxlan) {
    return {errc::not_found, "no vxlan segment for " + tunnel.network_id};
  }
  std::map<std::string, std::string> options{
    {"remote_ip", tunnel.remote_ip},
    {"key", std::to_string(found->second.seg.segmentation_id)}};
  if (!config_.local_ip.empty()) {
    options["local_ip"] = config_.local_ip;
  }
  return put_port(tunnel_name(tunnel), "vxlan", found->second.tag,
                  json{{"options", ovsdb::map(options)}});
}

status ovs_network::delete_tunnel(const tunnel_endpoint& tunnel) {
  std::lock_guard guard{mutex_};
  return remove_port(tunnel_name(tunnel));
}

} // namespace strato::network
