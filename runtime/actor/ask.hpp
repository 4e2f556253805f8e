#pragma once

/// Asking an actor from outside the actor world without blocking: HTTP
/// handlers run on I/O threads and must not wait, so `ask` spawns a
/// short-lived actor that makes the request and hands the reply (or the
/// error) to a callback, on an actor thread.
///
/// Call it from actor threads or the HTTP I/O threads, not from blocking
/// pool threads: with CAF 0.17 an actor spawned from a pool thread kept the
/// actor system from shutting down. Pool work reports back by message.

#include <caf/all.hpp>

#include <chrono>
#include <functional>

#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/spawn_function.hpp"
#include "runtime/core/error.hpp"

namespace strato::actor {

template <class Reply>
void ask(caf::actor_system& sys, const caf::actor& dest, caf::message msg,
         std::chrono::milliseconds timeout,
         std::function<void(result<Reply>)> done) {
  spawn_function(sys, [dest, msg = std::move(msg), timeout,
                             done = std::move(done)](
                              caf::event_based_actor* self) mutable {
    // The asker has no behavior of its own: it quits with the answer, or a
    // lingering asker would hold the actor system open at shutdown.
    self->request(dest, timeout, std::move(msg))
      .then(
        [self, done](Reply& reply) {
          done(result<Reply>{std::move(reply)});
          self->quit();
        },
        [self, done](caf::error& err) {
          done(result<Reply>{from_caf_error(err)});
          self->quit();
        });
  });
}

} // namespace strato::actor
