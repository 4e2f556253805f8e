#pragma once

/// The read side of block storage: every volume, snapshot, backup and volume
/// type, folded from the global event log. The list and show APIs read it;
/// the entities only write. The store publishes each commit to log
/// subscribers before it acknowledges the append, so a client that got its
/// answer reads its own write here.
///
/// Thread safety: `apply` runs on the store's commit thread; `read` may be
/// called from any thread (shared lock).

#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "actors/volume/model/records.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::volume {

/// Stream kinds ("<kind>/<id>").
inline constexpr std::string_view volume_kind = "volume";
inline constexpr std::string_view snapshot_kind = "volume_snapshot";
inline constexpr std::string_view backup_kind = "volume_backup";
inline constexpr std::string_view type_kind = "volume_type";

struct catalog_contents {
  std::map<std::string, volume_record> volumes;
  std::map<std::string, copy_record> snapshots;
  std::map<std::string, copy_record> backups;
  std::map<std::string, volume_type_record> types;
  uint64_t position = 0; ///< Last global log position applied.

  /// Snapshots (not deleted) taken of `volume_id`.
  [[nodiscard]] size_t snapshots_of(const std::string& volume_id) const;
  /// A type by id or by name (the built-in default included).
  [[nodiscard]] const volume_type_record*
  find_type(const std::string& id_or_name) const;
};

class volume_catalog {
public:
  volume_catalog();

  /// Folds committed events of our streams; ignores every other stream.
  void apply(const std::vector<store::recorded_event>& events);

  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(contents_);
  }

private:
  void apply_one(const store::recorded_event& rec);

  mutable std::shared_mutex mutex_;
  catalog_contents contents_;
};

} // namespace strato::volume
