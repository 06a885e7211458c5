#include "app/readiness.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/db_pool.hpp"
#include "db/migrations.hpp"

namespace tutorbot::app {

readiness::reading readiness::last() const {
  return {static_cast<readiness_status>(status_.load()),
          std::chrono::steady_clock::time_point{std::chrono::nanoseconds{at_.load()}}};
}

void readiness::record(readiness_status status) {
  status_ = static_cast<std::uint8_t>(status);
  at_ = std::chrono::steady_clock::now().time_since_epoch().count();
}

namespace {

// The settings are spawn arguments, not captures: CAF 0.17 dereferences a null argument
// tuple when a function actor takes no arguments (UBSan reports it).
caf::behavior readiness_prober(caf::event_based_actor* self, caf::actor db_pool, std::shared_ptr<readiness> into,
                               std::chrono::milliseconds every, std::chrono::milliseconds timeout) {
  self->send(self, actors::tick_atom::value);
  return {
      [=](actors::tick_atom) {
        // Not waited for: a database that does not answer within `timeout` is unavailable.
        auto job = actors::make_db_job([](db::connection& conn) {
          return static_cast<int>(db::check_schema(conn, db::bundled_migrations()));
        }, std::chrono::steady_clock::now() + timeout);
        self->request(db_pool, caf::duration{timeout}, actors::run_atom::value, job)
            .then(
                [into](int status) {
                  switch (static_cast<db::schema_status>(status)) {
                    case db::schema_status::current: return into->record(readiness_status::ready);
                    case db::schema_status::behind: return into->record(readiness_status::migrations_pending);
                    case db::schema_status::diverged: return into->record(readiness_status::migrations_diverged);
                  }
                },
                [into](caf::error&) { into->record(readiness_status::database_unavailable); });
        self->delayed_send(self, every, actors::tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_readiness_prober(caf::actor_system& system, caf::actor db_pool, std::shared_ptr<readiness> into,
                                  std::chrono::milliseconds every, std::chrono::milliseconds timeout) {
  return system.spawn(readiness_prober, std::move(db_pool), std::move(into), every, timeout);
}

}  // namespace tutorbot::app
