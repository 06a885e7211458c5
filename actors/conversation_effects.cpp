// The effects of a conversation's step that ask the world — slots, holds, payment links,
// bookings without payment, cancellations and reschedules — and how each answer comes back
// as a dialogue event.
#include <algorithm>
#include <memory>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/clock.hpp"
#include "actors/conversation_step.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_messages.hpp"
#include "db/credit.hpp"
#include "db/payments.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors::conversation_step {

namespace {

// query_slots: every matching tutor's calendar answers from memory; merged by start.
void run_query(conversation_actor* self, const domain::query_slots& q) {
  auto& s = self->state;
  std::vector<domain::tutor_id> tutors;
  for (const auto& t : s.context.tutors)
    if ((!q.tutor || t.id == *q.tutor) &&
        std::find(t.durations_minutes.begin(), t.durations_minutes.end(), q.duration_minutes) != t.durations_minutes.end())
      tutors.push_back(t.id);
  const auto serial = s.step;
  if (tutors.empty()) return answer(self, serial, domain::no_slots{});
  auto found = std::make_shared<std::vector<domain::offered_slot>>();
  auto remaining = std::make_shared<std::size_t>(tutors.size());
  auto done = [self, serial, found, remaining, q] {
    if (--*remaining > 0) return;
    std::sort(found->begin(), found->end(), [](const auto& a, const auto& b) {
      return a.slot.start != b.slot.start ? a.slot.start < b.slot.start : a.tutor.value < b.tutor.value;
    });
    std::vector<domain::offered_slot> page;
    for (std::size_t i = q.offset; i < found->size() && page.size() < q.limit; ++i) page.push_back((*found)[i]);
    if (page.empty()) return answer(self, serial, domain::no_slots{});
    answer(self, serial, domain::slots_found{std::move(page)});
  };
  for (const auto& tutor : tutors) {
    domain::slot_query query{q.from, q.to, q.duration_minutes, q.weekdays, q.parts_of_day, q.offset + q.limit};
    self->request(s.settings.tutors, caf::duration{ask_timeout}, slots_atom::value, slots_request{tutor, query})
        .then(
            [found, done, tutor](slots_answer& a) {
              if (auto* slots = std::get_if<std::vector<domain::slot>>(&a.slots))
                for (const auto& slot : *slots) found->push_back({tutor, slot});
              done();
            },
            [done](caf::error&) { done(); });  // one calendar silent: the others still answer
  }
}

void run_hold(conversation_actor* self, const domain::place_hold& h) {
  auto& s = self->state;
  domain::cents price{0};
  if (const auto* product = s.settings.catalog->find_product(h.product_id)) price = product->price;
  hold_request req{h.tutor, h.slot.start, h.duration_minutes, student_ref(s.id), h.product_id, price, s.fence};
  domain::offered_slot offered{h.tutor, h.slot};
  self->request(s.settings.tutors, caf::duration{ask_timeout}, hold_atom::value, std::move(req))
      .then(
          [self, serial = s.step, offered](hold_answer& a) {
            if (auto* b = std::get_if<domain::booking>(&a.outcome))
              return answer(self, serial,
                            domain::hold_placed{b->id, b->hold_expires_at.value_or(b->lesson_start), offered});
            answer(self, serial, domain::slot_taken{});
          },
          [self, serial = s.step](caf::error& e) { failed_answer(self, serial, e); });
}

// place_series: the tutor's calendar plans the series under the school's policy and holds every
// lesson of the plan at once; each lesson is priced at the catalog's list price until the
// series' order gives it its share.
void run_series(conversation_actor* self, const domain::place_series& p) {
  auto& s = self->state;
  domain::series_request series{p.first.start, static_cast<int>((p.first.end - p.first.start).count() / 60),
                                p.interval_weeks, p.count, p.until};
  const auto* product = s.settings.catalog->find_product(p.product_id);
  const domain::cents price = product ? product->price : domain::cents{0};
  series_hold_request req{p.tutor,
                          series,
                          s.settings.calendar->series.on_clash,
                          student_ref(s.id),
                          p.product_id,
                          [price](std::chrono::sys_seconds) { return price; },
                          s.fence};
  self->request(s.settings.tutors, caf::duration{ask_timeout}, series_atom::value, std::move(req))
      .then(
          [self, serial = s.step](series_answer& a) {
            if (auto* held = std::get_if<db::stored_series>(&a.outcome)) {
              // The series is as long as its shortest hold.
              std::optional<std::chrono::sys_seconds> expires;
              for (const auto& b : held->bookings)
                if (b.hold_expires_at) expires = std::min(expires.value_or(*b.hold_expires_at), *b.hold_expires_at);
              return answer(self, serial, domain::series_held{held->id, a.plan, expires.value_or(now_seconds())});
            }
            answer(self, serial, domain::series_not_held{std::holds_alternative<hold_refusal>(a.outcome)});
          },
          [self, serial = s.step](caf::error& e) { failed_answer(self, serial, e); });
}

// release_series and cancel_series: the series' lessons from now on are cancelled, each as a
// single cancellation (a held one is let go; a paid one refunded under the policy). The
// dialogue hears of it when it asked to cancel (`tell`), not when it only let go of holds.
void run_series_cancel(conversation_actor* self, const std::string& series, const std::string& reason, bool tell) {
  auto& s = self->state;
  series_change_request req{series, now_seconds(), reason, {}};
  self->request(s.settings.tutors, caf::duration{ask_timeout}, series_cancel_atom::value, std::move(req))
      .then(
          [self, serial = s.step, series, tell](series_change_answer& a) {
            if (!current(self, serial)) return;
            if (tell && std::holds_alternative<db::stored_series>(a.outcome))
              return answer(self, serial, domain::series_cancelled{series});
            --self->state.answers_pending;
            drain(self);
          },
          [self, serial = s.step](caf::error& e) { failed_answer(self, serial, e); });
}

void run_payment(conversation_actor* self, const domain::request_payment& p) {
  auto& s = self->state;
  const auto serial = s.step;
  if (!s.settings.payments) return answer(self, serial, domain::payment_failed{});
  auto on_answer = [self, serial](checkout_answer& a) {
    if (auto* order = std::get_if<db::order_view>(&a.outcome))
      return answer(self, serial,
                    domain::payment_link_ready{order->checkout_url, order->expires_at.value_or(now_seconds())});
    obs::log_warn("conversation_checkout_refused", {{"conversation_id", static_cast<std::int64_t>(self->state.id)},
                                                    {"reason", a.message}});
    answer(self, serial, domain::payment_failed{});
  };
  auto on_error = [self, serial](caf::error& e) { failed_answer(self, serial, e); };
  if (p.series) {
    series_checkout_request req{*p.series, p.customer_email, p.locale, s.id, s.fence};
    self->request(s.settings.payments, caf::duration{s.settings.checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, on_error);
  } else if (!p.bookings.empty()) {
    lesson_checkout_request req{p.bookings.front(), p.customer_email, p.locale, s.id, s.fence};
    self->request(s.settings.payments, caf::duration{s.settings.checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, on_error);
  } else {
    package_checkout_request req{student_ref(s.id), p.product_id, p.customer_email, p.locale, s.id, s.fence};
    self->request(s.settings.payments, caf::duration{s.settings.checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, on_error);
  }
}

void run_free_booking(conversation_actor* self, const domain::booking_id& booking, db::free_kind kind) {
  auto& s = self->state;
  auto student = s.row && s.row->student_id ? *s.row->student_id : std::string{};
  auto chosen = s.dialogue.chosen;
  auto job = make_db_job([booking, student, kind, fence = s.fence](db::connection& conn) {
    return db::confirm_without_payment(conn, booking, student, kind, now_seconds(), fence);
  });
  const auto serial = s.step;
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self, serial, chosen, kind](db::free_confirm_result& r) {
            if (!current(self, serial)) return;
            if (auto* b = std::get_if<domain::booking>(&r)) {
              domain::offered_slot slot = chosen.value_or(domain::offered_slot{b->tutor, {b->lesson_start, b->lesson_end}});
              if (kind == db::free_kind::credit && self->state.context.credits > 0) --self->state.context.credits;
              if (self->state.settings.outbox) self->send(self->state.settings.outbox, nudge_atom::value);
              return answer(self, serial, domain::booking_confirmed{b->id, slot});
            }
            answer(self, serial, domain::payment_failed{});
          },
          [self, serial](caf::error& e) { failed_answer(self, serial, e); });
}

void run_transition(conversation_actor* self, caf::atom_value atom_name, transition_request req,
                    std::function<std::vector<domain::dialogue_event>(const domain::booking&)> on_booking) {
  auto& s = self->state;
  req.fence = s.fence;
  const auto serial = s.step;
  auto handle = [self, serial, on_booking](transition_answer& a) {
    if (!current(self, serial)) return;
    if (auto* b = std::get_if<domain::booking>(&a.outcome)) {
      auto events = on_booking(*b);
      // Answers after the first are queued ahead of the count: one pending answer per request.
      for (std::size_t i = 1; i < events.size(); ++i) self->state.events.push_back(events[i]);
      if (!events.empty()) return answer(self, serial, events.front());
    }
    --self->state.answers_pending;
    drain(self);
  };
  auto fail = [self, serial](caf::error& e) { failed_answer(self, serial, e); };
  if (atom_name == cancel_atom::value)
    self->request(s.settings.tutors, caf::duration{ask_timeout}, cancel_atom::value, std::move(req)).then(handle, fail);
  else
    self->request(s.settings.tutors, caf::duration{ask_timeout}, reschedule_atom::value, std::move(req)).then(handle, fail);
}

}  // namespace

void run_effect(conversation_actor* self, const domain::effect& effect) {
  auto& s = self->state;
  ++s.answers_pending;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, domain::query_slots>) {
          run_query(self, e);
        } else if constexpr (std::is_same_v<E, domain::place_hold>) {
          run_hold(self, e);
        } else if constexpr (std::is_same_v<E, domain::place_series>) {
          run_series(self, e);
        } else if constexpr (std::is_same_v<E, domain::release_series>) {
          run_series_cancel(self, e.series, "released", false);
        } else if constexpr (std::is_same_v<E, domain::cancel_series>) {
          // Each lesson's refund follows through Stripe; its webhook tells the dialogue.
          run_series_cancel(self, e.series, "student", true);
        } else if constexpr (std::is_same_v<E, domain::request_payment>) {
          run_payment(self, e);
        } else if constexpr (std::is_same_v<E, domain::use_credit>) {
          run_free_booking(self, e.booking, db::free_kind::credit);
        } else if constexpr (std::is_same_v<E, domain::book_trial>) {
          run_free_booking(self, e.booking, db::free_kind::trial);
        } else if constexpr (std::is_same_v<E, domain::release_hold>) {
          run_transition(self, cancel_atom::value, {e.booking, "released", {}, {}, {}},
                         [](const domain::booking&) { return std::vector<domain::dialogue_event>{}; });
        } else if constexpr (std::is_same_v<E, domain::cancel_booking>) {
          // The refund follows through Stripe; its webhook tells the dialogue (refund_done).
          run_transition(self, cancel_atom::value, {e.booking, "student", {}, {}, {}}, [](const domain::booking& b) {
            return std::vector<domain::dialogue_event>{domain::booking_cancelled{b.id}};
          });
        } else if constexpr (std::is_same_v<E, domain::reschedule>) {
          // The dialogue waits for the hold it asked to move onto; the moved booking keeps its id.
          run_transition(self, reschedule_atom::value, {e.booking, "", e.new_hold, {}, {}}, [hold = e.new_hold](const domain::booking& b) {
            return std::vector<domain::dialogue_event>{
                domain::booking_confirmed{hold, {b.tutor, {b.lesson_start, b.lesson_end}}}};
          });
        } else {
          --s.answers_pending;
        }
      },
      effect);
}

}  // namespace tutorbot::actors::conversation_step
