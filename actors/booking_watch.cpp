#include "actors/booking_watch.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/db_pool.hpp"
#include "db/booking_notifications.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace {

struct listener_state {
  std::unique_ptr<db::booking_listener> listener;
  static inline const char* name = "booking_listener";
};

// Short waits keep the detached thread responsive to its exit message.
constexpr auto listen_wait = std::chrono::milliseconds(200);
constexpr auto reconnect_pause = std::chrono::seconds(1);

caf::behavior booking_listener(caf::stateful_actor<listener_state>* self, std::string url, tutor_registry_actor registry) {
  self->state.listener = std::make_unique<db::booking_listener>(std::move(url));
  self->send(self, listen_atom::value);
  return {
      [=](listen_atom) {
        try {
          auto changes = self->state.listener->poll(listen_wait);
          if (self->state.listener->reconnected()) {
            // Whatever was notified while we were not listening is lost: read it all again.
            self->send(registry, reload_atom::value);
          }
          for (auto& b : changes) self->send(registry, changed_atom::value, booking_change{std::move(b)});
          self->send(self, listen_atom::value);
        } catch (const db::unavailable& e) {
          obs::log_warn("booking_listener_unavailable", {{"error", e.what()}});
          self->delayed_send(self, reconnect_pause, listen_atom::value);
        }
      },
  };
}

caf::behavior hold_sweeper(caf::event_based_actor* self, caf::actor db_pool, tutor_registry_actor registry,
                           std::chrono::milliseconds interval) {
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        auto job = make_db_job([](db::connection& conn) {
          return db::expire_holds(conn, std::chrono::time_point_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now()));
        });
        self->request(db_pool, caf::duration{std::chrono::seconds(10)}, run_atom::value, job)
            .then(
                [=](std::vector<domain::booking>& expired) {
                  for (auto& b : expired) {
                    obs::log_info("hold_expired", {{"booking_id", b.id.value}, {"tutor", b.tutor.value}});
                    self->send(registry, changed_atom::value, booking_change{std::move(b)});
                  }
                  self->delayed_send(self, interval, tick_atom::value);
                },
                [=](caf::error&) { self->delayed_send(self, interval, tick_atom::value); });
      },
  };
}

}  // namespace

caf::actor spawn_booking_listener(caf::actor_system& system, std::string database_url, tutor_registry_actor registry) {
  return system.spawn<caf::detached>(booking_listener, std::move(database_url), std::move(registry));
}

caf::actor spawn_hold_sweeper(caf::actor_system& system, caf::actor db_pool, tutor_registry_actor registry,
                              std::chrono::milliseconds interval) {
  return system.spawn(hold_sweeper, std::move(db_pool), std::move(registry), interval);
}

}  // namespace tutorbot::actors
