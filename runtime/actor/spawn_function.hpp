#pragma once

/// Spawning function-based actors without CAF 0.17's undefined behaviour.

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <utility>

namespace strato::actor {

/// Spawns `fun(caf::event_based_actor*)` as an actor. CAF 0.17 starts a
/// function that takes nothing but `self` by binding a reference to a null
/// `std::shared_ptr<std::tuple<>>` (caf/detail/init_fun_factory.hpp), which
/// the sanitizer build reports as undefined behaviour; handing the function
/// over as the actor's one argument avoids that path.
template <caf::spawn_options Os = caf::no_spawn_options, class F>
caf::actor spawn_function(caf::actor_system& sys, F fun) {
  return sys.spawn<Os>(
    [](caf::event_based_actor* self, F f) { return f(self); }, std::move(fun));
}

} // namespace strato::actor
