#include "runtime/store/event_store.hpp"

#include <condition_variable>
#include <mutex>

namespace strato::store {

result<append_result> event_store::append_and_wait(append_request request) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<result<append_result>> outcome;
  append(std::move(request), [&](result<append_result> res) {
    std::lock_guard guard{mutex};
    outcome.emplace(std::move(res));
    cv.notify_one();
  });
  std::unique_lock lock{mutex};
  cv.wait(lock, [&] { return outcome.has_value(); });
  return std::move(*outcome);
}

} // namespace strato::store
