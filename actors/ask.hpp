#pragma once
// Asks an actor from outside the actor system (an HTTP handler on an Asio thread) without
// blocking: a short-lived actor makes the request and hands the answer to `done`.
#include <functional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

namespace tutorbot::actors {

template <class Result, class... Ts>
void ask(caf::actor_system& system, const caf::actor& target, caf::duration timeout,
         std::function<void(caf::expected<Result>)> done, Ts... xs) {
  system.spawn([=](caf::event_based_actor* self) {
    self->request(target, timeout, xs...)
        .then([=](Result& value) { done(std::move(value)); },
              [=](caf::error& error) { done(std::move(error)); });
  });
}

}  // namespace tutorbot::actors
