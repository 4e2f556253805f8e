#pragma once

/// The read side of the image service: every image's current record, folded
/// from the global event log (streams "image/<id>"), for show, list and
/// download without asking the entities.
///
/// Read-your-writes: an entity answers only after its events are durable,
/// and a request that asks `when_caught_up(store.last_position(), fn)` runs
/// `fn` only once the catalog has applied everything up to that position, so
/// a client always sees its own earlier writes.
///
/// Thread safety: every member may be called from any thread; the log
/// subscription applies events on the store's thread under a writer lock.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "actors/image/model/image_model.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::image {

class image_catalog {
public:
  /// Runs deferred continuations (those that waited for the log) off the
  /// store's thread.
  using executor = std::function<void(std::function<void()>)>;

  explicit image_catalog(executor run_later);
  ~image_catalog();
  image_catalog(const image_catalog&) = delete;
  image_catalog& operator=(const image_catalog&) = delete;

  /// Subscribes to the log from its beginning; returns once the stored
  /// history is applied (blocks: call while the node starts).
  [[nodiscard]] status start(store::event_store& store);

  /// Runs `fn` at once when the catalog has applied `position`, else later
  /// through the executor.
  void when_caught_up(uint64_t position, std::function<void()> fn);

  /// The record of `id` (deleted ones too), if it was ever created.
  [[nodiscard]] std::optional<v1::ImageSnapshot> find(const std::string& id) const;

  /// Every record that matches `keep`.
  [[nodiscard]] std::vector<v1::ImageSnapshot>
  select(const std::function<bool(const v1::ImageSnapshot&)>& keep) const;

  /// Applies a batch of log events (the subscription's listener; public for
  /// tests).
  void apply(const std::vector<store::recorded_event>& events);

  [[nodiscard]] uint64_t position() const;

private:
  struct waiter {
    uint64_t position;
    std::function<void()> fn;
  };

  executor run_later_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, image_model> images_;
  uint64_t position_ = 0;
  std::mutex waiters_mutex_;
  std::vector<waiter> waiters_;
  std::unique_ptr<store::subscription> subscription_;
};

} // namespace strato::image
