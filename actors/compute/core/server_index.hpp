#pragma once

/// The servers of the node as a projection of the global event log: every
/// "instance/<uuid>" event is folded into the same `instance_model` the
/// entity keeps, plus the server's os-instance-actions rows. List and show
/// requests read it under a read lock and never ask the instance actors.
///
/// The store delivers committed events to the index before it acknowledges
/// the append, so a client that got an answer to a write reads it back.
/// The index is rebuilt from the log when the node starts.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/compute/core/instance_model.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::compute {

/// One row of os-instance-actions, with its single event.
struct action_record {
  std::string action;
  std::string request_id;
  std::string user_id;
  std::string project_id;
  int64_t start_us = 0;
  int64_t finish_us = 0; ///< 0 while in progress.
  bool failed = false;
  std::string message;
};

struct server_record {
  instance_model model;
  std::vector<action_record> actions;
};

class server_index {
public:
  /// Folds the instance events among `events` (others are skipped).
  void on_events(const std::vector<store::recorded_event>& events);

  /// Reads under the lock: `f(const std::unordered_map<id, record>&)`.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(servers_);
  }

  [[nodiscard]] std::optional<server_record> find(const std::string& id) const;

  /// Servers with an operation (or a volume attach/detach) in flight, to
  /// resume after a restart.
  [[nodiscard]] std::vector<std::string> in_flight() const;

  [[nodiscard]] size_t size() const;

  /// Subscribes to `store`'s log from the start; the catch-up happens
  /// before this returns.
  [[nodiscard]] status follow(store::event_store& store);
  /// Ends the subscription (before the store it follows goes away).
  void unfollow() {
    subscription_.reset();
  }

private:
  void apply(const std::string& id, const pb::InstanceEvent& ev,
             const store::recorded_event& rec);

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, server_record> servers_;
  std::unique_ptr<store::subscription> subscription_;
};

} // namespace strato::compute
