#pragma once

/// A fixed set of threads for work that blocks (disk reads, hypervisor and
/// OVS calls), so actor threads never do. Tasks run in submission order per
/// thread, and in parallel across threads. A task reports back by sending a
/// message to the actor that posted it.
///
/// Thread safety: `post` may be called from any thread. The destructor
/// finishes queued tasks and joins.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace strato {

class blocking_pool {
public:
  blocking_pool(std::string name, size_t threads);
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  void post(std::function<void()> task);

  [[nodiscard]] size_t size() const {
    return threads_.size();
  }

private:
  void run();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace strato
