#pragma once

/// The RocksDB-backed event store. Column families:
///   events      "<stream>\0<sequence:be64>" -> EventEnvelope
///   log         "<position:be64>"          -> EventEnvelope (the global log)
///   streams     "<stream>"                 -> version (be64)
///   snapshots   "<stream>"                 -> Snapshot
///   projections free-form keys owned by projections
///   meta        "format_version", ...
/// Appends from all threads funnel into one commit thread that packs whatever
/// has queued up into a single WriteBatch with one fsync (group commit).

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/store/event_store.hpp"

namespace strato::store {

/// The on-disk format this build writes and the newest it can read.
inline constexpr uint32_t current_format_version = 1;

struct rocksdb_options {
  std::string path;
  /// fsync every commit batch. Off only for benchmarks (`--unsafe-no-fsync`).
  bool sync = true;
  /// Upper bound of events in one commit batch.
  size_t max_batch_events = 8192;
  /// Block cache for reads, in MiB.
  size_t block_cache_mb = 256;
};

/// Opens (creating if needed) the store at `options.path`. Fails with
/// `errc::unsupported_format` for a store written by a newer format and with
/// `errc::io_error` when the directory is unusable.
[[nodiscard]] result<std::unique_ptr<event_store>>
open_rocksdb_event_store(const rocksdb_options& options);

/// Overwrites the stored format version (the store must be closed), so tests
/// can play a newer Strato.
[[nodiscard]] status set_format_version_for_test(const std::string& path,
                                                 uint32_t version);

} // namespace strato::store
