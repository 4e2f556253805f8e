#include "runtime/store/log_fanout.hpp"

#include <algorithm>

namespace strato::store::internal {

void log_fanout::subscriber::deliver_locked(
  const std::vector<recorded_event>& events) {
  if (cancelled_) {
    return;
  }
  // Catch-up reads and live commits overlap; the position filter makes each
  // event arrive once.
  auto first = std::find_if(events.begin(), events.end(), [this](auto& ev) {
    return ev.position >= next_position_;
  });
  if (first == events.end()) {
    return;
  }
  if (first == events.begin()) {
    listener_(events);
  } else {
    listener_(std::vector<recorded_event>(first, events.end()));
  }
  next_position_ = events.back().position + 1;
}

void log_fanout::subscriber::deliver_stored(
  const std::vector<recorded_event>& events) {
  std::lock_guard guard{mutex_};
  deliver_locked(events);
}

void log_fanout::subscriber::deliver_live(
  const std::vector<recorded_event>& events) {
  std::lock_guard guard{mutex_};
  if (catching_up_) {
    buffered_.insert(buffered_.end(), events.begin(), events.end());
    return;
  }
  deliver_locked(events);
}

void log_fanout::subscriber::finish_catch_up() {
  std::lock_guard guard{mutex_};
  catching_up_ = false;
  if (!buffered_.empty()) {
    deliver_locked(buffered_);
    buffered_.clear();
  }
}

void log_fanout::subscriber::cancel() {
  std::lock_guard guard{mutex_};
  cancelled_ = true;
  buffered_.clear();
}

uint64_t log_fanout::subscriber::next_position() {
  std::lock_guard guard{mutex_};
  return next_position_;
}

std::shared_ptr<log_fanout::subscriber>
log_fanout::add(uint64_t from_position, log_listener listener) {
  auto sub = std::make_shared<subscriber>(from_position, std::move(listener));
  std::lock_guard guard{mutex_};
  subscribers_.push_back(sub);
  return sub;
}

void log_fanout::remove(const std::shared_ptr<subscriber>& sub) {
  sub->cancel();
  std::lock_guard guard{mutex_};
  std::erase(subscribers_, sub);
}

bool log_fanout::empty() {
  std::lock_guard guard{mutex_};
  return subscribers_.empty();
}

void log_fanout::publish(const std::vector<recorded_event>& events) {
  std::vector<std::shared_ptr<subscriber>> targets;
  {
    std::lock_guard guard{mutex_};
    targets = subscribers_;
  }
  for (auto& sub : targets) {
    sub->deliver_live(events);
  }
}

} // namespace strato::store::internal
