#include "runtime/core/blocking_pool.hpp"

#include <pthread.h>

namespace strato {

blocking_pool::blocking_pool(std::string name, size_t threads)
  : name_(std::move(name)) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
    // Thread names show up in top/gdb; Linux allows 15 characters.
    ::pthread_setname_np(threads_.back().native_handle(),
                         name_.substr(0, 15).c_str());
  }
}

blocking_pool::~blocking_pool() {
  {
    std::lock_guard guard{mutex_};
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
}

void blocking_pool::post(std::function<void()> task) {
  {
    std::lock_guard guard{mutex_};
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void blocking_pool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock{mutex_};
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) {
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

} // namespace strato
