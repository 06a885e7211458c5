#include "actors/tutor_registry.hpp"

#include <map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/db_pool.hpp"
#include "actors/tutor_calendar.hpp"

namespace tutorbot::actors {

struct tutor_registry_state {
  tutor_registry_settings settings;
  std::map<std::string, caf::actor> calendars;
  static inline const char* name = "tutor_registry";
};

namespace {

using registry_actor = caf::stateful_actor<tutor_registry_state, tutor_registry_actor::base>;

// The calendar of a configured tutor, spawned now if needed; nullopt for an unknown tutor.
std::optional<caf::actor> calendar_of(registry_actor* self, const std::string& tutor) {
  auto& s = self->state;
  if (auto it = s.calendars.find(tutor); it != s.calendars.end()) return it->second;
  const auto* rules = s.settings.calendar.find_tutor(tutor);
  if (!rules) return std::nullopt;
  auto cs = s.settings.each_calendar;
  cs.rules = *rules;
  cs.calendar_id = rules->calendar_id.empty() ? s.settings.default_calendar_id : rules->calendar_id;
  cs.school_holidays = s.settings.calendar.school_holidays;
  cs.series = s.settings.calendar.series;
  auto calendar = spawn_tutor_calendar(self, std::move(cs));
  s.calendars.emplace(tutor, calendar);
  return calendar;
}

caf::error unknown_tutor(const std::string& tutor) {
  return caf::make_error(caf::sec::invalid_argument, "unknown tutor " + tutor);
}

// Slot queries and holds name their tutor: hand them to that calendar as they are.
template <class Answer, class Atom, class Request>
caf::typed_response_promise<Answer> route_by_tutor(registry_actor* self, Atom atom, Request req) {
  auto rp = self->template make_response_promise<Answer>();
  auto calendar = calendar_of(self, req.tutor.value);
  if (!calendar) {
    rp.deliver(unknown_tutor(req.tutor.value));
  } else {
    rp.delegate(*calendar, atom, std::move(req));
  }
  return rp;
}

// Confirm, cancel and reschedule name a booking, a series' cancellation names the series:
// find the tutor it belongs to first (`find` runs on the database), then ask that calendar;
// `missing` is the answer when there is no such booking or series.
template <class Answer, class Atom, class Request, class Find>
caf::typed_response_promise<Answer> route_by_owner(registry_actor* self, Atom atom, Request req, Find find,
                                                   Answer missing) {
  auto rp = self->template make_response_promise<Answer>();
  using found_type = decltype(find(std::declval<db::connection&>()));
  self->request(self->state.settings.each_calendar.db_pool, caf::duration{std::chrono::seconds(5)}, run_atom::value,
                make_db_job(std::move(find)))
      .then(
          [=](found_type& found) mutable {
            auto calendar = found ? calendar_of(self, found->tutor.value) : std::nullopt;
            if (!calendar) {
              rp.deliver(std::move(missing));
              return;
            }
            self->request(*calendar, caf::duration{std::chrono::seconds(10)}, atom, req)
                .then([=](Answer& answer) mutable { rp.deliver(std::move(answer)); },
                      [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

template <class Atom>
caf::typed_response_promise<transition_answer> route_by_booking(registry_actor* self, Atom atom,
                                                                transition_request req) {
  auto id = req.id;
  return route_by_owner(
      self, atom, std::move(req), [id](db::connection& conn) { return db::find_booking(conn, id); },
      transition_answer{db::not_found{}});
}

template <class Atom>
caf::typed_response_promise<series_change_answer> route_by_series(registry_actor* self, Atom atom,
                                                                  series_change_request req) {
  auto id = req.series_id;
  return route_by_owner(
      self, atom, std::move(req), [id](db::connection& conn) { return db::find_series(conn, id); },
      series_change_answer{db::not_found{}});
}

tutor_registry_actor::behavior_type tutor_registry(registry_actor* self, tutor_registry_settings settings) {
  self->state.settings = std::move(settings);
  self->set_exit_handler([self](caf::exit_msg& exit) {
    auto& calendars = self->state.calendars;
    for (auto it = calendars.begin(); it != calendars.end(); ++it) {
      if (it->second.address() == exit.source) {
        calendars.erase(it);  // the next request spawns a fresh one, loaded from the database
        return;
      }
    }
    self->quit(exit.reason);  // not a calendar: the service is stopping us
  });
  return {
      [=](slots_atom a, slots_request& req) { return route_by_tutor<slots_answer>(self, a, std::move(req)); },
      [=](hold_atom a, hold_request& req) { return route_by_tutor<hold_answer>(self, a, std::move(req)); },
      [=](series_atom a, series_hold_request& req) { return route_by_tutor<series_answer>(self, a, std::move(req)); },
      [=](series_confirm_atom a, series_change_request& req) { return route_by_series(self, a, std::move(req)); },
      [=](series_cancel_atom a, series_change_request& req) { return route_by_series(self, a, std::move(req)); },
      [=](confirm_atom a, transition_request& req) { return route_by_booking(self, a, std::move(req)); },
      [=](cancel_atom a, transition_request& req) { return route_by_booking(self, a, std::move(req)); },
      [=](reschedule_atom a, transition_request& req) { return route_by_booking(self, a, std::move(req)); },
      [=](changed_atom a, booking_change& change) {
        auto it = self->state.calendars.find(change.booking.tutor.value);
        if (it != self->state.calendars.end()) caf::anon_send(it->second, a, std::move(change));
      },
      [=](reload_atom a) {
        for (auto& [tutor, calendar] : self->state.calendars) caf::anon_send(calendar, a);
      },
  };
}

}  // namespace

tutor_registry_actor spawn_tutor_registry(caf::actor_system& system, tutor_registry_settings settings) {
  return system.spawn(tutor_registry, std::move(settings));
}

}  // namespace tutorbot::actors
