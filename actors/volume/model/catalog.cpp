#include "actors/volume/model/catalog.hpp"

#include <spdlog/spdlog.h>

namespace strato::volume {

namespace {

/// Decodes `rec` as `Event` and folds it into `records[id]`, dropping the
/// record once it is deleted.
template <class Event, class Record, class Apply>
void fold(std::map<std::string, Record>& records, const std::string& id,
          const store::recorded_event& rec, Apply apply) {
  Event ev;
  if (!ev.ParseFromString(rec.payload)) {
    // A corrupt event would also stop its entity; the projection goes on.
    spdlog::error("volume catalog: cannot decode {} #{}", rec.stream,
                  rec.sequence);
    return;
  }
  auto& record = records[id];
  apply(record, id, ev);
  if constexpr (requires { record.version; }) {
    record.version = rec.sequence;
  }
  if (record.deleted) {
    records.erase(id);
  }
}

} // namespace

size_t catalog_contents::snapshots_of(const std::string& volume_id) const {
  size_t n = 0;
  for (const auto& [id, snap] : snapshots) {
    n += snap.volume_id == volume_id ? 1 : 0;
  }
  return n;
}

const volume_type_record*
catalog_contents::find_type(const std::string& id_or_name) const {
  if (auto it = types.find(id_or_name); it != types.end()) {
    return &it->second;
  }
  for (const auto& [id, type] : types) {
    if (type.name == id_or_name) {
      return &type;
    }
  }
  return nullptr;
}

volume_catalog::volume_catalog() {
  auto builtin = default_volume_type();
  contents_.types.emplace(builtin.id, builtin);
}

void volume_catalog::apply(const std::vector<store::recorded_event>& events) {
  std::unique_lock lock{mutex_};
  for (const auto& rec : events) {
    apply_one(rec);
    contents_.position = rec.position;
  }
}

void volume_catalog::apply_one(const store::recorded_event& rec) {
  auto slash = rec.stream.find('/');
  if (slash == std::string::npos) {
    return;
  }
  auto kind = std::string_view{rec.stream}.substr(0, slash);
  auto id = rec.stream.substr(slash + 1);
  if (kind == volume_kind) {
    fold<pb::VolumeEvent>(contents_.volumes, id, rec, apply_volume_event);
  } else if (kind == snapshot_kind) {
    fold<pb::CopyEvent>(contents_.snapshots, id, rec, apply_copy_event);
  } else if (kind == backup_kind) {
    fold<pb::CopyEvent>(contents_.backups, id, rec, apply_copy_event);
  } else if (kind == type_kind) {
    fold<pb::VolumeTypeEvent>(contents_.types, id, rec, apply_type_event);
  }
}

} // namespace strato::volume
