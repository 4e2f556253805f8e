// The "noop" network driver and the driver factory.

#include "drivers/network/network_driver.hpp"
#include "drivers/network/ovs_network.hpp"

namespace strato::network {

namespace {

/// Does nothing and succeeds, at the cost of a virtual call: for benchmarks
/// of the network actors and for nodes without a data plane.
class noop_network final : public network_driver {
public:
  status ensure_bridge() override {
    return {};
  }
  result<uint16_t> ensure_segment(const segment& seg) override {
    return static_cast<uint16_t>(seg.segmentation_id & 0xfff);
  }
  status delete_segment(const std::string&) override {
    return {};
  }
  status plug_port(const port_plug&) override {
    return {};
  }
  status unplug_port(const std::string&) override {
    return {};
  }
  status ensure_tunnel(const tunnel_endpoint&) override {
    return {};
  }
  status delete_tunnel(const tunnel_endpoint&) override {
    return {};
  }
  status apply_port_security(const port_security&) override {
    return {};
  }
  status ensure_dhcp(const dhcp_config&) override {
    return {};
  }
  status remove_dhcp(const std::string&) override {
    return {};
  }
  status ensure_router(const router_config&) override {
    return {};
  }
  status remove_router(const std::string&) override {
    return {};
  }
  status watch_interfaces(std::function<void(const interface_event&)>) override {
    return {};
  }
};

} // namespace

result<std::unique_ptr<network_driver>>
make_network_driver(const driver_config& config) {
  if (config.kind == "noop") {
    return std::unique_ptr<network_driver>{std::make_unique<noop_network>()};
  }
  if (config.kind == "ovs") {
    // Connects lazily: a node starts while ovsdb-server is still coming up.
    return std::unique_ptr<network_driver>{std::make_unique<ovs_network>(config)};
  }
  return status{errc::invalid_argument,
                "unknown network driver '" + config.kind + "' (noop or ovs)"};
}

} // namespace strato::network
