// Interface monitoring and OpenFlow plumbing of the ovs driver.

#include "drivers/network/host_command.hpp"
#include "drivers/network/ovs_network.hpp"
#include "drivers/network/ovsdb/values.hpp"

namespace strato::network {

using ovsdb::json;

namespace {

/// A positive ofport from an Interface row's `ofport` column, else -1
/// (an empty set: ovs-vswitchd has not attached it; -1: it failed).
int64_t ofport_of(const json& row) {
  if (!row.is_object() || !row.contains("ofport")) {
    return -1;
  }
  auto elements = ovsdb::set_elements(row["ofport"]);
  if (elements.empty() || !elements[0].is_number_integer()) {
    return -1;
  }
  return elements[0].get<int64_t>();
}

interface_event event_from(const json& row, interface_event::change what,
                           int64_t ofport) {
  auto ids = ovsdb::map_entries(row.value("external_ids", json::array()));
  interface_event event;
  event.what = what;
  event.name = row.value("name", std::string{});
  event.port_id = ids["iface-id"];
  event.mac = ids["attached-mac"];
  event.ofport = ofport;
  return event;
}

/// Turns one <table-updates> into events: an interface appears when it gets
/// an ofport and disappears when it loses it or its row goes.
void report(const json& updates,
            const std::function<void(const interface_event&)>& listener) {
  if (!updates.contains("Interface")) {
    return;
  }
  for (const auto& [uuid, change] : updates["Interface"].items()) {
    auto old_row = change.value("old", json::object());
    auto new_row = change.value("new", json::object());
    auto before = ofport_of(old_row);
    auto after = change.contains("new") ? ofport_of(new_row) : -1;
    // Monitor "old" rows carry only the changed columns: merge for names.
    auto row = new_row;
    for (const auto& [key, value] : old_row.items()) {
      if (!row.contains(key)) {
        row[key] = value;
      }
    }
    // "old" lists only changed columns: no "ofport" there means unchanged.
    bool had = false;
    if (change.contains("old")) {
      had = old_row.contains("ofport") ? before > 0 : after > 0;
    }
    if (after > 0 && !had) {
      listener(event_from(row, interface_event::change::appeared, after));
    } else if (after <= 0 && had) {
      listener(event_from(row, interface_event::change::removed, before));
    }
  }
}

} // namespace

status ovs_network::watch_interfaces(
  std::function<void(const interface_event&)> listener) {
  std::lock_guard guard{mutex_};
  monitor_client_.reset();
  auto opened = ovsdb::client::connect(config_.ovsdb, config_.timeout);
  if (!opened) {
    return opened.error();
  }
  monitor_client_ = std::move(*opened);
  json requests{{"Interface",
                 {{"columns", json::array({"name", "ofport", "external_ids"})}}}};
  auto initial = monitor_client_->monitor(
    "Open_vSwitch", "strato-interfaces", requests,
    [listener](const json& updates) { report(updates, listener); });
  if (!initial) {
    return initial.error();
  }
  report(*initial, listener);
  return {};
}

result<int64_t> ovs_network::ofport(const std::string& device) {
  auto found = transact(json::array(
    {{{"op", "select"}, {"table", "Interface"},
      {"where", ovsdb::where_name(device)},
      {"columns", json::array({"ofport"})}}}));
  if (!found) {
    return found.error();
  }
  const auto& rows = (*found)[0]["rows"];
  auto port = rows.empty() ? -1 : ofport_of(rows[0]);
  if (port <= 0) {
    return status{errc::unavailable,
                  device + " has no OpenFlow port (is ovs-vswitchd running?)"};
  }
  return port;
}

result<std::string> ovs_network::ofctl(const std::string& command,
                                       std::vector<std::string> args,
                                       const std::string& input, bool bundle) {
  // Bundles need OpenFlow 1.4; conntrack actions are Nicira extensions that
  // work with any version.
  std::vector<std::string> argv{"ovs-ofctl", "-O", "OpenFlow14"};
  if (bundle) {
    argv.emplace_back("--bundle");
  }
  argv.push_back(command);
  // ovs-ofctl finds a bridge by name under its run directory; with a
  // private ovs-vswitchd the management socket is named directly.
  argv.push_back(config_.ovs_rundir.empty()
                   ? config_.integration_bridge
                   : "unix:" + config_.ovs_rundir + "/"
                       + config_.integration_bridge + ".mgmt");
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input);
}

} // namespace strato::network
