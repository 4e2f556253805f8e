#pragma once

/// The event store: per-entity event streams plus one global, ordered log.
///
/// Every entity's changes are appended to its own stream ("instance/<uuid>")
/// with optimistic concurrency: an append names the version it expects the
/// stream to have and fails with `errc::conflict` otherwise. Each appended
/// event also receives the next position in the global log, which projections
/// read and follow live.
///
/// Thread safety: every member function may be called from any thread.
/// `append` never blocks on disk: it queues the request and invokes the
/// callback from the store's commit thread once the request is durable (or
/// failed). Callbacks must be quick and must not call back into `append`
/// synchronously with blocking waits. Reads block on disk and belong on a
/// blocking pool, never on an actor thread.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::store {

/// Appending with this expected version skips the concurrency check.
inline constexpr uint64_t any_version = std::numeric_limits<uint64_t>::max();

/// One event to append: its protobuf type name and serialized payload.
struct new_event {
  std::string type;
  std::string payload;
};

/// A state snapshot written atomically with an append, or on its own.
struct snapshot {
  uint64_t version = 0; ///< Number of stream events the state includes.
  std::string type;
  std::string state;
};

struct append_request {
  std::string stream;
  /// Number of events the stream must hold before this append (0: new).
  uint64_t expected_version = any_version;
  std::vector<new_event> events;
  std::string correlation_id;
  std::string causation_id;
};

struct append_result {
  uint64_t first_sequence = 0; ///< Sequence of the first appended event.
  uint64_t last_sequence = 0;  ///< The stream's version after the append.
  uint64_t first_position = 0; ///< Global position of the first event.
};

/// A stored event, decoded from its envelope.
struct recorded_event {
  std::string stream;
  uint64_t sequence = 0;
  uint64_t position = 0;
  int64_t recorded_at_us = 0; ///< Microseconds since the Unix epoch.
  std::string type;
  std::string causation_id;
  std::string correlation_id;
  std::string payload;
};

using append_callback = std::function<void(result<append_result>)>;

/// Receives committed events in global order, each exactly once, starting at
/// the position asked for. Called from the store's threads: keep it short.
using log_listener = std::function<void(const std::vector<recorded_event>&)>;

/// Cancels its subscription when destroyed.
class subscription {
public:
  virtual ~subscription() = default;
};

struct store_stats {
  uint64_t appends = 0;       ///< Append requests committed.
  uint64_t events = 0;        ///< Events committed.
  uint64_t commit_batches = 0; ///< Write batches (each one fsync when durable).
  uint64_t conflicts = 0;
};

class event_store {
public:
  virtual ~event_store() = default;

  /// Queues an append; `done` runs once it is durable or has failed. Events of
  /// one request are committed atomically: all of them or none.
  virtual void append(append_request request, append_callback done) = 0;

  /// Blocking convenience wrapper around `append`.
  [[nodiscard]] result<append_result> append_and_wait(append_request request);

  /// Events of `stream` with sequence >= `from_sequence`, at most `limit`.
  [[nodiscard]] virtual result<std::vector<recorded_event>>
  read_stream(const std::string& stream, uint64_t from_sequence,
              uint64_t limit = std::numeric_limits<uint64_t>::max())
    = 0;

  /// Number of events in `stream` (0 when it does not exist).
  [[nodiscard]] virtual result<uint64_t>
  stream_version(const std::string& stream) = 0;

  /// Events of the global log with position >= `from_position`.
  [[nodiscard]] virtual result<std::vector<recorded_event>>
  read_log(uint64_t from_position, uint64_t limit) = 0;

  /// Position of the newest committed event (0 when the log is empty).
  [[nodiscard]] virtual uint64_t last_position() const = 0;

  /// Delivers every event from `from_position` on: first the stored ones,
  /// then new ones as they commit, in order and without gaps or repeats.
  [[nodiscard]] virtual result<std::unique_ptr<subscription>>
  subscribe(uint64_t from_position, log_listener listener) = 0;

  /// Stores a snapshot of `stream`, replacing an older one. Not synced: a lost
  /// snapshot costs replay time, never data.
  [[nodiscard]] virtual status save_snapshot(const std::string& stream,
                                             const snapshot& snap) = 0;

  [[nodiscard]] virtual result<std::optional<snapshot>>
  load_snapshot(const std::string& stream) = 0;

  /// Durable key-value state of projections (their checkpoints and indexes).
  [[nodiscard]] virtual status put_projection(const std::string& key,
                                              const std::string& value) = 0;
  [[nodiscard]] virtual result<std::optional<std::string>>
  get_projection(const std::string& key) = 0;

  [[nodiscard]] virtual store_stats stats() const = 0;
};

} // namespace strato::store
