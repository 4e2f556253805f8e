#pragma once

/// Flavors, keypairs and server groups: Nova's API-database records, as the
/// fold of the stream "compute/catalog". `check` decides whether an event
/// may be applied (Nova's uniqueness and existence rules) and `apply` folds
/// it. The HTTP threads read a `shared_catalog` under a read lock, which
/// keeps `GET /flavors` free of actor round trips.

#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/error.hpp"
#include "strato/compute/v1/compute.pb.h"

namespace strato::compute {

namespace pb = strato::compute::v1;

struct catalog {
  /// Flavors by id, and private flavors' project access lists.
  std::map<std::string, pb::Flavor> flavors;
  std::map<std::string, std::set<std::string>> flavor_access;
  /// Keypairs by (user id, name).
  std::map<std::pair<std::string, std::string>, pb::Keypair> keypairs;
  std::map<std::string, pb::ServerGroup> server_groups;

  [[nodiscard]] status check(const pb::CatalogEvent& ev) const;
  void apply(const pb::CatalogEvent& ev);

  [[nodiscard]] const pb::Flavor* flavor(const std::string& id) const;
  /// Whether `project_id` may use the flavor (public, or on its list).
  [[nodiscard]] bool flavor_visible(const pb::Flavor& f,
                                    const std::string& project_id,
                                    bool admin) const;
  [[nodiscard]] const pb::Keypair* keypair(const std::string& user_id,
                                           const std::string& name) const;

  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  void clear();
};

/// The catalog shared between its entity (the one writer) and readers.
class shared_catalog {
public:
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(data_);
  }
  template <class F>
  auto write(F&& f) {
    std::unique_lock lock{mutex_};
    return f(data_);
  }

private:
  mutable std::shared_mutex mutex_;
  catalog data_;
};

/// The flavors Nova's devstack creates, m1.tiny .. m1.xlarge (ids 1-5), as
/// the events that create them.
[[nodiscard]] std::vector<pb::CatalogEvent> default_flavor_events(int64_t now_us);

} // namespace strato::compute
