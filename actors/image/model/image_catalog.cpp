#include "actors/image/model/image_catalog.hpp"

#include <condition_variable>

namespace strato::image {

namespace {

constexpr std::string_view stream_prefix = "image/";

} // namespace

image_catalog::image_catalog(executor run_later)
  : run_later_(std::move(run_later)) {
}

image_catalog::~image_catalog() {
  subscription_.reset();
}

status image_catalog::start(store::event_store& store) {
  auto target = store.last_position();
  auto sub = store.subscribe(
    0, [this](const std::vector<store::recorded_event>& events) {
      apply(events);
    });
  if (!sub) {
    return sub.error();
  }
  subscription_ = std::move(*sub);
  // Wait until the stored history is applied, so that the node serves only
  // once every image is known.
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  when_caught_up(target, [&] {
    std::lock_guard guard{mutex};
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock{mutex};
  cv.wait(lock, [&] { return done; });
  return {};
}

void image_catalog::apply(const std::vector<store::recorded_event>& events) {
  {
    std::unique_lock lock{mutex_};
    v1::ImageEvent event;
    for (const auto& rec : events) {
      position_ = std::max(position_, rec.position);
      if (rec.stream.compare(0, stream_prefix.size(), stream_prefix) != 0
          || !event.ParseFromString(rec.payload)) {
        continue;
      }
      images_[rec.stream.substr(stream_prefix.size())].apply(event);
    }
  }
  std::vector<waiter> ready;
  {
    std::lock_guard guard{waiters_mutex_};
    auto now = position();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->position <= now) {
        ready.push_back(std::move(*it));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : ready) {
    run_later_(std::move(w.fn));
  }
}

void image_catalog::when_caught_up(uint64_t position,
                                   std::function<void()> fn) {
  {
    std::lock_guard guard{waiters_mutex_};
    if (this->position() < position) {
      waiters_.push_back({position, std::move(fn)});
      return;
    }
  }
  fn();
}

uint64_t image_catalog::position() const {
  std::shared_lock lock{mutex_};
  return position_;
}

std::optional<v1::ImageSnapshot>
image_catalog::find(const std::string& id) const {
  std::shared_lock lock{mutex_};
  auto it = images_.find(id);
  if (it == images_.end()) {
    return std::nullopt;
  }
  return it->second.record();
}

std::vector<v1::ImageSnapshot> image_catalog::select(
  const std::function<bool(const v1::ImageSnapshot&)>& keep) const {
  std::vector<v1::ImageSnapshot> out;
  std::shared_lock lock{mutex_};
  for (const auto& [id, model] : images_) {
    if (keep(model.record())) {
      out.push_back(model.record());
    }
  }
  return out;
}

} // namespace strato::image
