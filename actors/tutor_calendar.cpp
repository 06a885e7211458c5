#include "actors/tutor_calendar.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/db_pool.hpp"
#include "net/google_calendar.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

using std::chrono::sys_seconds;

struct tutor_calendar_state {
  tutor_calendar_settings settings;
  std::map<std::string, domain::booking> active;  // held and confirmed, by booking id
  std::vector<domain::busy_interval> busy;        // derived from `active`, sorted by start
  bool busy_stale = true;
  std::vector<domain::busy_interval> events;      // the Google calendar's busy times, sorted
  std::optional<sys_seconds> events_fetched_at;
  std::vector<domain::busy_interval> merged;      // scratch: bookings and events of one query
  // Holds being written right now, by blocked period: an overlapping hold is refused at once
  // instead of racing the first to the database.
  std::vector<std::pair<sys_seconds, sys_seconds>> pending;
  // Holds and series waiting for a busy-time refresh that is under way, each until its own
  // deadline (arrival + busy_wait), whether it started that refresh or found one running.
  struct awaiting_busy_read {
    std::function<void()> go;
    std::chrono::steady_clock::time_point until;
  };
  std::vector<awaiting_busy_read> awaiting_busy;
  bool refreshing = false;
  static inline const char* name = "tutor_calendar";

  void apply(const domain::booking& b) {
    if (domain::is_active(b.status)) {
      active[b.id.value] = b;
    } else {
      active.erase(b.id.value);
    }
    busy_stale = true;
  }

  void forget(const domain::booking_id& id) {
    active.erase(id.value);
    busy_stale = true;
  }

  void replace(const std::vector<domain::booking>& bookings) {
    active.clear();
    for (const auto& b : bookings) apply(b);
    busy_stale = true;
  }

  // The intervals of a sorted list that a query over [from, to) needs: the daily cap counts
  // every booking of the local days the window touches, hence two days' margin each side.
  static std::span<const domain::busy_interval> near(const std::vector<domain::busy_interval>& sorted,
                                                     sys_seconds from, sys_seconds to) {
    auto margin = std::chrono::days{2};
    auto first = std::lower_bound(sorted.begin(), sorted.end(), from - margin,
                                  [](const auto& i, sys_seconds t) { return i.start < t; });
    auto last = std::lower_bound(first, sorted.end(), to + margin,
                                 [](const auto& i, sys_seconds t) { return i.start < t; });
    return {first, last};
  }

  // The active bookings as busy lesson times, sorted, but for the live holds of
  // `own_student_ref` when it is not empty.
  void collect_bookings(std::vector<domain::busy_interval>& out, const std::string& own_student_ref = {}) const {
    out.clear();
    for (const auto& [id, b] : active) {
      const bool own = !own_student_ref.empty() && b.status == domain::booking_status::held &&
                       b.student_ref == own_student_ref;
      if (!own) out.push_back({b.lesson_start, b.lesson_end, true});
    }
    // Holds still being written count too: a slot one student is taking is not offered to
    // the next (by lesson times; the rules add the buffers).
    for (const auto& [start, end] : pending)
      out.push_back({start + settings.rules.buffer_before, end - settings.rules.buffer_after, true});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  }

  const std::vector<domain::busy_interval>& bookings_busy() {
    if (busy_stale) {
      collect_bookings(busy);
      busy_stale = false;
    }
    return busy;
  }

  // Calendar events always count (the tutor is away); bookings only when asked, so that a
  // hold can tell "outside availability" from "taken".
  domain::slots_result slots(const domain::slot_query& q, sys_seconds now, bool with_bookings) {
    auto event_span = near(events, q.from, q.to);
    std::span<const domain::busy_interval> busy_span = event_span;
    if (with_bookings) {
      auto booking_span = near(bookings_busy(), q.from, q.to);
      if (event_span.empty()) {
        busy_span = booking_span;
      } else {
        merged.clear();
        std::merge(booking_span.begin(), booking_span.end(), event_span.begin(), event_span.end(),
                   std::back_inserter(merged), [](const auto& a, const auto& b) { return a.start < b.start; });
        busy_span = merged;
      }
    }
    return domain::available_slots(settings.rules, settings.zone, settings.school_holidays, busy_span, q, now);
  }

  // Every booking and calendar event, sorted: what a series, which spans months, is checked
  // against; the live holds of `own_student_ref` (when not empty) left out.
  std::vector<domain::busy_interval> all_busy(const std::string& own_student_ref) const {
    std::vector<domain::busy_interval> bookings;
    collect_bookings(bookings, own_student_ref);
    std::vector<domain::busy_interval> all;
    all.reserve(bookings.size() + events.size());
    std::merge(bookings.begin(), bookings.end(), events.begin(), events.end(), std::back_inserter(all),
               [](const auto& a, const auto& b) { return a.start < b.start; });
    return all;
  }

  std::optional<std::chrono::seconds> busy_age(sys_seconds now) const {
    if (!settings.google || !events_fetched_at) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(now - *events_fetched_at);
  }

  bool offers(const domain::slot_query& q, sys_seconds now, bool with_bookings) {
    auto result = slots(q, now, with_bookings);
    auto* found = std::get_if<std::vector<domain::slot>>(&result);
    return found && !found->empty() && found->front().start == q.from;
  }

  bool overlaps_a_booking(sys_seconds blocked_start, sys_seconds blocked_end) const {
    return std::any_of(active.begin(), active.end(), [&](const auto& entry) {
      return entry.second.blocked_start < blocked_end && blocked_start < entry.second.blocked_end;
    });
  }

  bool overlaps_a_pending_hold(sys_seconds blocked_start, sys_seconds blocked_end) const {
    return std::any_of(pending.begin(), pending.end(),
                       [&](const auto& p) { return p.first < blocked_end && blocked_start < p.second; });
  }

  void settle_pending(sys_seconds blocked_start, sys_seconds blocked_end) {
    auto it = std::find(pending.begin(), pending.end(), std::make_pair(blocked_start, blocked_end));
    if (it != pending.end()) pending.erase(it);
    busy_stale = true;
  }
};

namespace {

// Everything a hold must pass before the database is asked, cheapest first.
std::optional<hold_refusal> precheck(tutor_calendar_state& s, const hold_request& req, sys_seconds now) {
  if (!s.settings.rules.accepts_duration(req.duration_minutes)) return hold_refusal::duration_not_allowed;
  domain::slot_query exact{req.start, req.start + std::chrono::seconds{1}, req.duration_minutes, {}, {}, 1};
  if (!s.offers(exact, now, false)) return hold_refusal::outside_availability;
  if (s.offers(exact, now, true)) return std::nullopt;
  auto end = req.start + std::chrono::minutes{req.duration_minutes};
  if (s.overlaps_a_booking(req.start - s.settings.rules.buffer_before, end + s.settings.rules.buffer_after)) {
    return hold_refusal::slot_taken;
  }
  return hold_refusal::day_full;
}

void load_bookings(caf::stateful_actor<tutor_calendar_state>* self, bool block_until_loaded) {
  auto tutor = domain::tutor_id{self->state.settings.rules.id};
  auto job = make_db_job([tutor](db::connection& conn) {
    return db::active_bookings(conn, tutor, now_seconds() - std::chrono::days{2});
  });
  auto handle = self->request(self->state.settings.db_pool, caf::duration{self->state.settings.db_timeout},
                              run_atom::value, job);
  auto on_loaded = [self](std::vector<domain::booking>& bookings) { self->state.replace(bookings); };
  if (block_until_loaded) {
    // Nothing is answered from an empty memory: other messages wait until the load is in.
    handle.await(on_loaded, [self](caf::error& e) {
      obs::log_warn("tutor_calendar_load_failed", {{"tutor", self->state.settings.rules.id},
                                                   {"error", self->system().render(e)}});
      self->quit(e);
    });
  } else {
    handle.then(on_loaded, [self](caf::error& e) {
      obs::log_warn("tutor_calendar_reload_failed", {{"tutor", self->state.settings.rules.id},
                                                     {"error", self->system().render(e)}});
    });
  }
}

// Asks Google for the calendar's busy times over the bookable horizon; the answer arrives
// on an Asio thread and is mailed back to the actor (busy_atom, with no update on failure:
// then the old cache stays).
void refresh_busy(caf::stateful_actor<tutor_calendar_state>* self) {
  auto& s = self->state.settings;
  if (!s.google || self->state.refreshing) return;
  self->state.refreshing = true;
  auto now = now_seconds();
  auto from = now - std::chrono::days{1};
  auto to = now + std::max(s.rules.horizon, s.series.horizon) + std::chrono::days{1};
  auto me = caf::actor_cast<caf::actor>(self);
  auto calendar = s.calendar_id;
  auto tutor = s.rules.id;
  s.google->free_busy({calendar}, from, to, [me, calendar, tutor, now](net::free_busy_result result) {
    auto failed = [&](const std::string& why) {
      obs::log_warn("calendar_busy_refresh_failed", {{"tutor", tutor}, {"error", why}});
      caf::anon_send(me, busy_atom::value, std::optional<busy_update>{});
    };
    if (auto* error = std::get_if<net::google_error>(&result)) return failed(error->message);
    busy_update update{{}, now};
    const auto& calendars = std::get<net::free_busy_map>(result);
    if (auto it = calendars.find(calendar); it != calendars.end()) {
      if (!it->second.errors.empty()) return failed(it->second.errors.front().reason);
      for (const auto& b : it->second.busy) update.events.push_back({b.start, b.end, false});
    }
    std::sort(update.events.begin(), update.events.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    caf::anon_send(me, busy_atom::value, std::optional<busy_update>{std::move(update)});
  });
}

void nudge_outbox(caf::stateful_actor<tutor_calendar_state>* self) {
  if (self->state.settings.outbox) self->send(self->state.settings.outbox, nudge_atom::value);
}

// The student's own live hold on exactly this lesson: a conversation that asks again (taken
// over by another instance after its first holder had placed it) gets that hold back.
std::optional<domain::booking> own_hold(const tutor_calendar_state& s, const hold_request& req, sys_seconds now) {
  const auto end = req.start + std::chrono::minutes{req.duration_minutes};
  for (const auto& [id, b] : s.active)
    if (b.status == domain::booking_status::held && b.student_ref == req.student_ref && b.lesson_start == req.start &&
        b.lesson_end == end && b.hold_expires_at && *b.hold_expires_at > now)
      return b;
  return std::nullopt;
}

void place_hold(caf::stateful_actor<tutor_calendar_state>* self, const hold_request& req, caf::response_promise rp) {
  auto now = now_seconds();
  if (auto own = own_hold(self->state, req, now)) {
    rp.deliver(hold_answer{*own});
    return;
  }
  if (auto refusal = precheck(self->state, req, now)) {
    rp.deliver(hold_answer{*refusal});
    return;
  }
  const auto& rules = self->state.settings.rules;
  db::new_hold hold{domain::tutor_id{rules.id},
                    req.student_ref,
                    req.start,
                    req.start + std::chrono::minutes{req.duration_minutes},
                    req.start - rules.buffer_before,
                    req.start + std::chrono::minutes{req.duration_minutes} + rules.buffer_after,
                    now + self->state.settings.hold_duration,
                    req.product_id,
                    req.price};
  // Holds for this tutor are serialised by their blocked periods: one that overlaps a hold
  // still being written is refused now (that one wins or loses at the database, and
  // either way the slot is someone's). Slot queries and unrelated holds keep flowing.
  if (self->state.overlaps_a_pending_hold(hold.blocked_start, hold.blocked_end)) {
    rp.deliver(hold_answer{hold_refusal::slot_taken});
    return;
  }
  self->state.pending.emplace_back(hold.blocked_start, hold.blocked_end);
  self->state.busy_stale = true;
  // Not placed at all once its asker has stopped waiting: a hold nobody hears of would keep
  // the slot from everyone until it expires.
  auto job = make_db_job([hold, fence = req.fence](db::connection& conn) { return db::insert_hold(conn, hold, fence); },
                         std::chrono::steady_clock::now() + self->state.settings.db_timeout / 2);
  self->request(self->state.settings.db_pool, caf::duration{self->state.settings.db_timeout}, run_atom::value, job)
      .then(
          [=](db::hold_result& result) mutable {
            self->state.settle_pending(hold.blocked_start, hold.blocked_end);
            if (auto* booked = std::get_if<domain::booking>(&result)) {
              self->state.apply(*booked);
              rp.deliver(hold_answer{*booked});
            } else {
              rp.deliver(hold_answer{hold_refusal::slot_taken});
            }
          },
          [=](caf::error& e) mutable {
            self->state.settle_pending(hold.blocked_start, hold.blocked_end);
            rp.deliver(std::move(e));
          });
}

// What a series' lesson costs and blocks, held until the whole series is paid.
db::new_hold lesson_hold(const tutor_calendar_state& s, const series_hold_request& req, const domain::slot& lesson,
                         sys_seconds now) {
  const auto& rules = s.settings.rules;
  return db::new_hold{domain::tutor_id{rules.id},
                      req.student_ref,
                      lesson.start,
                      lesson.end,
                      lesson.start - rules.buffer_before,
                      lesson.end + rules.buffer_after,
                      now + s.settings.hold_duration,
                      req.product_id,
                      req.price_of(lesson.start)};
}

// Plans the series against everything this calendar knows, then holds every planned lesson in
// one transaction. Its blocked periods are pending meanwhile, as a single hold's is.
void place_series(caf::stateful_actor<tutor_calendar_state>* self, const series_hold_request& req,
                  caf::response_promise rp) {
  auto& st = self->state;
  const auto now = now_seconds();
  const auto duration = req.series.duration_minutes;
  series_answer answer;
  auto refuse = [&](auto outcome) {
    answer.outcome = outcome;
    rp.deliver(std::move(answer));
  };
  if (!st.settings.rules.accepts_duration(duration)) return refuse(hold_refusal::duration_not_allowed);
  // A series runs further ahead than a single booking may: to the series horizon.
  auto rules = st.settings.rules;
  rules.horizon = st.settings.series.horizon;
  const auto zone = st.settings.zone;
  const auto& holidays = st.settings.school_holidays;
  // The first lesson is one the tutor offers, bookings and calendar events aside: a series
  // starts from a slot.
  const domain::slot first{req.series.first_start, req.series.first_start + std::chrono::minutes{duration}};
  if (domain::availability_check(rules, zone, holidays, {}, now)(first)) return refuse(hold_refusal::outside_availability);
  // The student's own holds do not stand in the way: asked again (a retry after a timeout), the
  // series they belong to is found by db::insert_series and answered as it is.
  auto busy = st.all_busy(req.student_ref);
  auto is_free = domain::availability_check(rules, zone, holidays, busy, now);
  domain::free_slot_finder free_in = [&](sys_seconds from, sys_seconds to) {
    auto found = domain::available_slots(rules, zone, holidays, busy, domain::slot_query{from, to, duration, {}, {}, 0}, now);
    auto* slots = std::get_if<std::vector<domain::slot>>(&found);
    return slots ? std::move(*slots) : std::vector<domain::slot>{};
  };
  auto planned = domain::plan_series(req.series, zone, req.on_clash, is_free, free_in);
  if (auto* invalid = std::get_if<domain::series_error>(&planned)) return refuse(*invalid);
  answer.plan = std::move(std::get<domain::series_plan>(planned));
  const auto& plan = answer.plan;
  if (plan.rejected || plan.lessons.empty()) return refuse(series_not_booked{});

  db::new_series series{domain::tutor_id{rules.id},
                        req.student_ref,
                        req.series.first_start,
                        duration,
                        req.series.interval_weeks,
                        domain::rrule(plan.rule, zone),
                        domain::rrule(req.series, zone),
                        std::string(domain::to_string(req.on_clash)),
                        domain::clashes_json(plan),
                        {}};
  for (const auto& lesson : plan.lessons) series.holds.push_back(lesson_hold(st, req, lesson, now));
  for (const auto& h : series.holds)
    if (st.overlaps_a_pending_hold(h.blocked_start, h.blocked_end)) return refuse(hold_refusal::slot_taken);
  for (const auto& h : series.holds) st.pending.emplace_back(h.blocked_start, h.blocked_end);
  st.busy_stale = true;
  auto settle = [self, holds = series.holds] {
    for (const auto& h : holds) self->state.settle_pending(h.blocked_start, h.blocked_end);
  };
  auto job = make_db_job([series = std::move(series), fence = req.fence](db::connection& conn) {
    return db::insert_series(conn, series, fence);
  }, std::chrono::steady_clock::now() + st.settings.db_timeout / 2);
  self->request(st.settings.db_pool, caf::duration{st.settings.db_timeout}, run_atom::value, job)
      .then(
          [=](db::series_result& result) mutable {
            settle();
            if (auto* stored = std::get_if<db::stored_series>(&result)) {
              for (const auto& b : stored->bookings) self->state.apply(b);
              answer.outcome = std::move(*stored);
            } else {
              answer.outcome = hold_refusal::slot_taken;
            }
            rp.deliver(std::move(answer));
          },
          [=](caf::error& e) mutable {
            settle();
            rp.deliver(std::move(e));
          });
}

// Runs `go` at once when the busy times are fresh enough to hold on, else once a refresh is in
// (or busy_wait has passed).
void after_fresh_busy(caf::stateful_actor<tutor_calendar_state>* self, std::function<void()> go) {
  auto& st = self->state;
  auto age = st.busy_age(now_seconds());
  bool stale = st.settings.google && (!age || *age > st.settings.busy_max_age_for_hold);
  if (!stale) return go();
  st.awaiting_busy.push_back({std::move(go), std::chrono::steady_clock::now() + st.settings.busy_wait});
  self->delayed_send(self, st.settings.busy_wait, awaiting_due_atom::value);
  refresh_busy(self);  // unless one is under way already
}

// Holds that waited for fresh busy times go ahead, in arrival order, with whatever the cache
// now holds: all of them when the refresh is in, else those whose wait is over.
void release_awaiting_holds(caf::stateful_actor<tutor_calendar_state>* self,
                            std::optional<std::chrono::steady_clock::time_point> due_by = std::nullopt) {
  std::vector<tutor_calendar_state::awaiting_busy_read> ready;
  auto& waiting = self->state.awaiting_busy;
  auto is_due = [&](const auto& w) { return !due_by || w.until <= *due_by; };
  std::copy_if(waiting.begin(), waiting.end(), std::back_inserter(ready), is_due);
  std::erase_if(waiting, is_due);
  if (due_by && !ready.empty())
    obs::log_warn("calendar_busy_wait_exceeded", {{"tutor", self->state.settings.rules.id}, {"holds", ready.size()}});
  for (auto& w : ready) w.go();
}

// Confirm, cancel and reschedule: one database transition (which enqueues the calendar
// work), remembered here and announced to the outbox.
template <class Job>
caf::response_promise transition(caf::stateful_actor<tutor_calendar_state>* self, Job job,
                                 std::optional<domain::booking_id> released_hold = std::nullopt) {
  auto rp = self->make_response_promise();
  self->request(self->state.settings.db_pool, caf::duration{self->state.settings.db_timeout}, run_atom::value,
                make_db_job(std::move(job)))
      .then(
          [=](db::transition_result& result) mutable {
            if (auto* b = std::get_if<domain::booking>(&result)) {
              self->state.apply(*b);
              if (released_hold) self->state.forget(*released_hold);
              nudge_outbox(self);
            }
            rp.deliver(transition_answer{std::move(result)});
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

// A series confirmed or cancelled as one: one database transaction, its lessons remembered here
// as they are afterwards (a lesson whose hold expired is forgotten), and the outbox told.
template <class Job>
caf::response_promise series_change(caf::stateful_actor<tutor_calendar_state>* self, Job job) {
  auto rp = self->make_response_promise();
  self->request(self->state.settings.db_pool, caf::duration{self->state.settings.db_timeout}, run_atom::value,
                make_db_job(std::move(job)))
      .then(
          [=](db::series_confirm_result& result) mutable {
            if (auto* series = std::get_if<db::stored_series>(&result)) {
              for (const auto& b : series->bookings) self->state.apply(b);
              nudge_outbox(self);
            } else if (std::holds_alternative<db::hold_expired>(result)) {
              load_bookings(self, false);
            }
            rp.deliver(series_change_answer{std::move(result)});
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::behavior tutor_calendar(caf::stateful_actor<tutor_calendar_state>* self, tutor_calendar_settings settings) {
  self->state.settings = std::move(settings);
  if (self->state.settings.google) self->send(self, refresh_atom::value);
  load_bookings(self, true);
  self->delayed_send(self, self->state.settings.reload_interval, tick_atom::value);
  return {
      [=](slots_atom, slots_request& req) {
        auto now = now_seconds();
        return slots_answer{self->state.slots(req.query, now, true), self->state.busy_age(now)};
      },
      [=](hold_atom, hold_request& req) {
        auto rp = self->make_response_promise();
        after_fresh_busy(self, [self, req = std::move(req), rp] { place_hold(self, req, rp); });
        return rp;
      },
      [=](series_atom, series_hold_request& req) {
        auto rp = self->make_response_promise();
        after_fresh_busy(self, [self, req = std::move(req), rp] { place_series(self, req, rp); });
        return rp;
      },
      [=](series_confirm_atom, series_change_request& req) {
        return series_change(self, [req](db::connection& conn) -> db::series_confirm_result {
          return db::confirm_series(conn, req.series_id, now_seconds(), req.confirmed_by);
        });
      },
      [=](series_cancel_atom, series_change_request& req) {
        auto policy = self->state.settings.cancellation;
        return series_change(self, [req, policy](db::connection& conn) -> db::series_confirm_result {
          auto now = now_seconds();
          auto series = db::cancel_series_from(conn, req.series_id, std::max(req.from, now), now, req.reason, policy);
          if (!series) return db::not_found{};
          return *series;
        });
      },
      [=](confirm_atom, transition_request& req) {
        auto id = req.id;
        auto by = req.confirmed_by;
        auto rp = transition(self, [id, by](db::connection& conn) -> db::transition_result {
          return db::confirm_hold(conn, id, now_seconds(), by);
        });
        return rp;
      },
      [=](cancel_atom, transition_request& req) {
        auto id = req.id;
        auto reason = req.reason;
        auto policy = self->state.settings.cancellation;
        return transition(self, [id, reason, policy, fence = req.fence](db::connection& conn) -> db::transition_result {
          return db::cancel_booking(conn, id, now_seconds(), reason, policy, fence);
        });
      },
      [=](reschedule_atom, transition_request& req) {
        auto id = req.id;
        auto onto = req.onto.value_or(domain::booking_id{});
        return transition(
            self,
            [id, onto, fence = req.fence](db::connection& conn) -> db::transition_result {
              return db::reschedule_onto_hold(conn, id, onto, now_seconds(), fence);
            },
            onto);
      },
      [=](changed_atom, booking_change& change) { self->state.apply(change.booking); },
      [=](busy_atom, std::optional<busy_update>& update) {
        self->state.refreshing = false;
        if (update) {
          self->state.events = std::move(update->events);
          self->state.events_fetched_at = update->fetched_at;
        }
        release_awaiting_holds(self);
      },
      // Google is slow to answer: holds that waited busy_wait go ahead on the cache rather
      // than time out, even while the refresh they wait for is still under way.
      [=](awaiting_due_atom) { release_awaiting_holds(self, std::chrono::steady_clock::now()); },
      [=](refresh_atom) {
        refresh_busy(self);
        self->delayed_send(self, self->state.settings.busy_refresh, refresh_atom::value);
      },
      [=](reload_atom) { load_bookings(self, false); },
      [=](tick_atom) {
        load_bookings(self, false);
        self->delayed_send(self, self->state.settings.reload_interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_tutor_calendar(caf::local_actor* parent, tutor_calendar_settings settings) {
  // Linked: the calendars stop with their registry (its shutdown), and it learns when one stops.
  return parent->spawn<caf::linked>(tutor_calendar, std::move(settings));
}

}  // namespace tutorbot::actors
