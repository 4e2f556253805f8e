#pragma once

/// An all-in-one Strato node: the event store, the blocking pool, the actor
/// system, every service's actors and routes, and the HTTP front on one
/// address. `start` either brings all of it up or fails with a message that
/// names what was unusable (the data directory, the port), leaving nothing
/// running.

#include <memory>
#include <string>
#include <utility>

#include "runtime/core/error.hpp"
#include "runtime/server/config.hpp"

namespace strato::server {

class node {
public:
  [[nodiscard]] static result<std::unique_ptr<node>>
  start(const node_config& config);

  virtual ~node() = default;

  /// The port the API listens on (the chosen one when configured as 0).
  [[nodiscard]] virtual uint16_t port() const noexcept = 0;

  /// The base URL of the API, e.g. "http://127.0.0.1:8080".
  [[nodiscard]] virtual std::string public_url() const = 0;

  /// The clouds.yaml this start wrote with the admin's credentials; empty
  /// when the admin password was neither generated nor given this time.
  [[nodiscard]] virtual std::string clouds_yaml() const = 0;

  /// Stops the HTTP front first, then the actors, then the store.
  virtual void stop() = 0;
};

/// A node without the controller role: its compute host agents, joined to
/// the controllers named by `config.join`. No API and no event store of its
/// own; `public_url()` is empty.
[[nodiscard]] result<std::unique_ptr<node>>
start_compute_node(const node_config& config);

/// The lock on a claimed data directory, held until destroyed or released.
class data_dir_lock {
public:
  data_dir_lock() = default;
  explicit data_dir_lock(int fd) : fd_(fd) {
  }
  data_dir_lock(data_dir_lock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {
  }
  data_dir_lock& operator=(data_dir_lock&& other) noexcept {
    release();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  ~data_dir_lock() {
    release();
  }
  void release();

private:
  int fd_ = -1;
};

/// Creates `dir` if needed and checks that it is a writable directory that
/// no other node holds; the returned descriptor keeps the lock while open.
[[nodiscard]] result<int> claim_data_dir(const std::string& dir);

} // namespace strato::server
