#pragma once

// Delivers committed events to live subscribers of the global log, each in
// order and exactly once, including while a subscriber is still catching up
// from disk. Internal to the store.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/store/event_store.hpp"

namespace strato::store::internal {

class log_fanout {
public:
  /// One subscriber's delivery state; shared by the fanout and its handle.
  class subscriber {
  public:
    subscriber(uint64_t from_position, log_listener listener)
      : next_position_(from_position), listener_(std::move(listener)) {
    }

    /// Events read from disk while catching up.
    void deliver_stored(const std::vector<recorded_event>& events);
    /// Events just committed: buffered while catching up, else delivered.
    void deliver_live(const std::vector<recorded_event>& events);
    /// Ends catch-up, delivering what was buffered meanwhile.
    void finish_catch_up();
    void cancel();
    [[nodiscard]] uint64_t next_position();

  private:
    void deliver_locked(const std::vector<recorded_event>& events);

    std::mutex mutex_;
    uint64_t next_position_;
    log_listener listener_;
    bool catching_up_ = true;
    bool cancelled_ = false;
    std::vector<recorded_event> buffered_;
  };

  std::shared_ptr<subscriber> add(uint64_t from_position,
                                  log_listener listener);
  void remove(const std::shared_ptr<subscriber>& sub);
  [[nodiscard]] bool empty();
  void publish(const std::vector<recorded_event>& events);

private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<subscriber>> subscribers_;
};

} // namespace strato::store::internal
