#pragma once

/// The "ovs" network driver: OVSDB rows for the bridge and ports (through
/// `ovsdb::client`), OpenFlow through `ovs-ofctl`, DHCP and routers through
/// `ip netns`, dnsmasq and iptables. Internal to drivers/network.
///
/// Thread safety: one mutex serialises the driver's bookkeeping and OVSDB
/// read-modify-write sequences; OVSDB itself makes every transaction atomic.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "drivers/network/network_driver.hpp"
#include "drivers/network/ovsdb/client.hpp"

namespace strato::network {

class ovs_network final : public network_driver {
public:
  explicit ovs_network(driver_config config);

  status ensure_bridge() override;
  result<uint16_t> ensure_segment(const segment& seg) override;
  status delete_segment(const std::string& network_id) override;
  status plug_port(const port_plug& port) override;
  status unplug_port(const std::string& port_id) override;
  status ensure_tunnel(const tunnel_endpoint& tunnel) override;
  status delete_tunnel(const tunnel_endpoint& tunnel) override;
  status apply_port_security(const port_security& sec) override;
  status ensure_dhcp(const dhcp_config& config) override;
  status remove_dhcp(const std::string& network_id) override;
  status ensure_router(const router_config& config) override;
  status remove_router(const std::string& router_id) override;
  status watch_interfaces(
    std::function<void(const interface_event&)> listener) override;

private:
  struct local_segment {
    segment seg;
    uint16_t tag = 0; ///< 0: untagged (flat).
  };

  /// The live connection, reconnecting after a loss. Caller holds mutex_.
  result<ovsdb::client*> db();
  result<ovsdb::json> transact(ovsdb::json operations);
  result<uint16_t> allocate_tag(const segment& seg);
  /// The tag of a network's segment. Caller holds mutex_.
  result<uint16_t> tag_of(const std::string& network_id);
  /// Adds or updates the Port+Interface `name` on the bridge.
  status put_port(const std::string& name, const std::string& type,
                  uint16_t tag, const ovsdb::json& interface_columns);
  status insert_port(const std::string& name, const ovsdb::json& tag_value,
                     ovsdb::json iface);
  /// Removes the Port `name` from the bridge (rows are garbage collected).
  status remove_port(const std::string& name);
  /// Drops Port row `port` (["uuid", id]) from its bridge; false if no
  /// bridge had it.
  result<bool> unlink_port(const ovsdb::json& port);
  result<int64_t> ofport(const std::string& device);
  /// `ovs-ofctl COMMAND BRIDGE ARGS...`; a bundle applies atomically.
  result<std::string> ofctl(const std::string& command,
                            std::vector<std::string> args,
                            const std::string& input = {}, bool bundle = false);
  /// Creates a veth pair: `outer` on the bridge's side, `inner` in `netns`.
  status ensure_veth(const std::string& outer, const std::string& inner,
                     const std::string& netns, const std::string& mac,
                     uint32_t mtu);
  status ensure_netns(const std::string& netns);
  /// A veth into `netns` plugged on the bridge with the network's tag, the
  /// inner end named `inner_prefix` + port id and given `cidrs`.
  status plug_namespace_port(const std::string& netns,
                             const std::string& inner_prefix,
                             const std::string& network_id,
                             const std::string& port_id, const std::string& mac,
                             uint32_t mtu, const std::vector<std::string>& cidrs);
  /// Inner device names of `netns` that start with "qr-" or "qg-".
  std::vector<std::string> router_devices(const std::string& netns);
  std::vector<std::string> host_ip(std::vector<std::string> args) const;
  std::string netns_name(const std::string& kind, const std::string& id) const;

  driver_config config_;
  std::mutex mutex_;
  std::unique_ptr<ovsdb::client> client_;
  std::map<std::string, local_segment> segments_;
  std::map<std::string, std::string> port_devices_; ///< port id -> device
  /// Port row uuids of the devices this driver inserted, so that an unplug
  /// is one round trip.
  std::map<std::string, std::string> port_uuids_;
  bool base_flows_installed_ = false;
  std::set<std::string> secured_ports_; ///< ports with security flows
  std::unique_ptr<ovsdb::client> monitor_client_;
};

} // namespace strato::network
