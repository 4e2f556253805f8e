#pragma once

/// Whether each compute host's node is reachable, as the cluster membership
/// last saw it. The membership actor writes it; API handlers read it to show
/// `host_status` without asking an actor per server. Hosts of this node's
/// own agents are never on the board: they are up while the node serves.

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace strato::service {

enum class host_reachability { up, down };

class host_board {
public:
  void set(const std::string& hostname, host_reachability state) {
    std::lock_guard lock{mutex_};
    hosts_[hostname] = state;
  }

  [[nodiscard]] std::optional<host_reachability>
  get(const std::string& hostname) const {
    std::lock_guard lock{mutex_};
    auto it = hosts_.find(hostname);
    if (it == hosts_.end()) {
      return std::nullopt;
    }
    return it->second;
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, host_reachability> hosts_;
};

} // namespace strato::service
