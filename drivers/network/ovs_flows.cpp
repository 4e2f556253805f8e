// Security group and anti-spoofing flows of the ovs driver.

#include "drivers/network/naming.hpp"
#include "drivers/network/ovs_network.hpp"
#include "drivers/network/security_flows.hpp"

namespace strato::network {

namespace {

std::string lines(const std::string& verb, const std::vector<std::string>& flows) {
  std::string text;
  for (const auto& flow : flows) {
    text += verb + flow + "\n";
  }
  return text;
}

} // namespace

status ovs_network::apply_port_security(const port_security& sec) {
  std::lock_guard guard{mutex_};
  auto known = port_devices_.find(sec.port_id);
  auto device = known != port_devices_.end() ? known->second : tap_name(sec.port_id);
  auto port = ofport(device);
  if (!port) {
    return port.error();
  }
  auto cookie = flow_cookie(sec.port_id);
  auto flows = port_flows(sec, *port, cookie);
  if (!flows) {
    return flows.error();
  }
  if (!base_flows_installed_) {
    auto base = ofctl("add-flows", {"-"}, lines("", base_flows()));
    if (!base) {
      return base.error();
    }
    base_flows_installed_ = true;
  }
  // One bundle: the old flows go and the new ones come in one step, so the
  // port is never briefly open or closed.
  auto input = "delete cookie=" + cookie + "/-1\n" + lines("add ", *flows);
  auto applied = ofctl("add-flows", {"-"}, input, true);
  if (!applied) {
    return applied.error();
  }
  secured_ports_.insert(sec.port_id);
  return {};
}

} // namespace strato::network
