#pragma once
// Asks an actor from outside the actor system (an HTTP handler on an Asio thread) without
// blocking: a short-lived actor makes the request and hands the answer to `done`.
#include <functional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

namespace tutorbot::actors {

template <class Result, class Handle, class... Ts>
void ask(caf::actor_system& system, const Handle& target, caf::duration timeout,
         std::function<void(caf::expected<Result>)> done, Ts... xs) {
  // Everything goes in as spawn arguments, none captured: CAF 0.17 dereferences a null
  // argument tuple when a function actor takes no arguments (UBSan reports it).
  system.spawn(
      [](caf::event_based_actor* self, Handle to, caf::duration within,
         std::function<void(caf::expected<Result>)> reply, Ts... args) {
        self->request(to, within, args...)
            .then([reply](Result& value) { reply(std::move(value)); },
                  [reply](caf::error& error) { reply(std::move(error)); });
      },
      target, timeout, std::move(done), std::move(xs)...);
}

}  // namespace tutorbot::actors
