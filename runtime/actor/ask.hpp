#pragma once

/// Asking an actor from outside the actor world without blocking: HTTP
/// handlers run on I/O threads and must not wait, so `ask` spawns a
/// short-lived actor that makes the request and hands the reply (or the
/// error) to a callback, on an actor thread.

#include <caf/all.hpp>

#include <chrono>
#include <functional>

#include "runtime/actor/caf_error.hpp"
#include "runtime/core/error.hpp"

namespace strato::actor {

template <class Reply>
void ask(caf::actor_system& sys, const caf::actor& dest, caf::message msg,
         std::chrono::milliseconds timeout,
         std::function<void(result<Reply>)> done) {
  sys.spawn([dest, msg = std::move(msg), timeout,
                             done = std::move(done)](
                              caf::event_based_actor* self) mutable {
    self->request(dest, timeout, std::move(msg))
      .then([done](Reply& reply) { done(result<Reply>{std::move(reply)}); },
            [done](caf::error& err) { done(result<Reply>{from_caf_error(err)}); });
  });
}

} // namespace strato::actor
