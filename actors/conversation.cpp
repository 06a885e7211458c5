#include "actors/conversation.hpp"

#include <algorithm>
#include <deque>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/clock.hpp"
#include "actors/conversation_codec.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_messages.hpp"
#include "db/conversations.hpp"
#include "db/payments.hpp"
#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "obs/log.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::conversation_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::student_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tutorbot::db::conversation_event>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::free_confirm_result)

namespace tutorbot::actors {


namespace {

constexpr auto ask_timeout = std::chrono::seconds(15);
constexpr auto checkout_timeout = std::chrono::seconds(80);

// Where the conversation is with the oldest of its pending events. One event at a time: a
// nudge that arrives meanwhile changes nothing, since every step that ends well looks for
// the next event anyway.
enum class step_phase {
  idle,      // nothing in hand
  fetching,  // asking for the oldest pending event
  loading,   // reading the conversation and what is known of the student
  stepping,  // the event and the world's answers go through the dialogue
  saving,    // the new state, its outbox work and the processed mark are being written
};

struct conversation_state {
  conversation_settings settings;
  long long id = 0;
  step_phase phase = step_phase::idle;
  std::optional<db::conversation_row> row;
  domain::dialogue_state dialogue;
  domain::dialogue_context context;
  // The stored event being processed, and what processing it has produced so far.
  std::optional<db::conversation_event> current;
  decoded_event decoded;
  std::deque<domain::dialogue_event> events;
  int answers_pending = 0;  // effects that asked the world and have not been answered
  std::vector<db::outbox_work> work;
  std::optional<long long> contact_id;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  static inline const char* name = "conversation";
};

using conversation_actor = caf::stateful_actor<conversation_state>;

std::string student_ref(long long conversation) { return "chatwoot:" + std::to_string(conversation); }

void drain(conversation_actor* self);
void on_loaded(conversation_actor* self, db::conversation_row row);
void on_facts(conversation_actor* self, const db::student_facts& facts);

// Ends the step in hand; a failed one is tried again by a later sweep. After a step that
// ended well, the next pending event is looked for at once.
void finish(conversation_actor* self, const std::string& error = {}) {
  auto& s = self->state;
  if (!error.empty() && s.current) {
    obs::log_error("conversation_step_failed", {{"conversation_id", static_cast<std::int64_t>(s.id)}, {"error", error}});
    auto id = s.current->id;
    auto job = make_db_job([id, error](db::connection& conn) {
      db::defer_conversation_event(conn, id, error);
      return true;
    });
    self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job).then([](bool) {}, [](caf::error&) {});
  }
  s.phase = step_phase::idle;
  s.current.reset();
  s.events.clear();
  s.work.clear();
  s.answers_pending = 0;
  s.row.reset();  // read again next time: another instance may have moved on
  if (error.empty()) self->send(self, nudge_atom::value);
}

void save(conversation_actor* self) {
  auto& s = self->state;
  s.phase = step_phase::saving;
  db::step_save step{s.id,
                     s.row->version,
                     domain::serialize_dialogue_state(s.dialogue),
                     s.current->id,
                     s.decoded.incoming,
                     s.decoded.message_id,
                     s.dialogue.phase == domain::dialogue_phase::handoff,
                     std::move(s.work)};
  s.work.clear();
  auto job = make_db_job([step](db::connection& conn) { return db::save_step(conn, step); });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self](bool saved) {
            auto& s = self->state;
            if (!saved) {
              // Another instance stepped this conversation first: read it again and redo.
              obs::log_warn("conversation_version_conflict", {{"conversation_id", static_cast<std::int64_t>(s.id)}});
              return finish(self);
            }
            if (s.settings.outbox) self->send(s.settings.outbox, nudge_atom::value);
            finish(self);
          },
          [self](caf::error& e) { finish(self, self->system().render(e)); });
}

void answer(conversation_actor* self, domain::dialogue_event event) {
  if (self->state.phase != step_phase::stepping) return;  // the step ended meanwhile
  self->state.events.push_back(std::move(event));
  --self->state.answers_pending;
  drain(self);
}

void failed_answer(conversation_actor* self, const caf::error& e) {
  if (self->state.phase != step_phase::stepping) return;
  finish(self, self->system().render(e));
}

// query_slots: every matching tutor's calendar answers from memory; merged by start.
void run_query(conversation_actor* self, const domain::query_slots& q) {
  auto& s = self->state;
  std::vector<domain::tutor_id> tutors;
  for (const auto& t : s.context.tutors)
    if ((!q.tutor || t.id == *q.tutor) &&
        std::find(t.durations_minutes.begin(), t.durations_minutes.end(), q.duration_minutes) != t.durations_minutes.end())
      tutors.push_back(t.id);
  if (tutors.empty()) return answer(self, domain::no_slots{});
  auto found = std::make_shared<std::vector<domain::offered_slot>>();
  auto remaining = std::make_shared<std::size_t>(tutors.size());
  auto done = [self, found, remaining, q] {
    if (--*remaining > 0) return;
    std::sort(found->begin(), found->end(), [](const auto& a, const auto& b) {
      return a.slot.start != b.slot.start ? a.slot.start < b.slot.start : a.tutor.value < b.tutor.value;
    });
    std::vector<domain::offered_slot> page;
    for (std::size_t i = q.offset; i < found->size() && page.size() < q.limit; ++i) page.push_back((*found)[i]);
    if (page.empty()) return answer(self, domain::no_slots{});
    answer(self, domain::slots_found{std::move(page)});
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
  hold_request req{h.tutor, h.slot.start, h.duration_minutes, student_ref(s.id), h.product_id, price};
  domain::offered_slot offered{h.tutor, h.slot};
  self->request(s.settings.tutors, caf::duration{ask_timeout}, hold_atom::value, std::move(req))
      .then(
          [self, offered](hold_answer& a) {
            if (auto* b = std::get_if<domain::booking>(&a.outcome))
              return answer(self, domain::hold_placed{b->id, b->hold_expires_at.value_or(b->lesson_start), offered});
            answer(self, domain::slot_taken{});
          },
          [self](caf::error& e) { failed_answer(self, e); });
}

void run_payment(conversation_actor* self, const domain::request_payment& p) {
  auto& s = self->state;
  if (!s.settings.payments) return answer(self, domain::payment_failed{});
  auto on_answer = [self](checkout_answer& a) {
    if (auto* order = std::get_if<db::order_view>(&a.outcome))
      return answer(self, domain::payment_link_ready{order->checkout_url, order->expires_at.value_or(now_seconds())});
    obs::log_warn("conversation_checkout_refused", {{"conversation_id", static_cast<std::int64_t>(self->state.id)},
                                                    {"reason", a.message}});
    answer(self, domain::payment_failed{});
  };
  if (!p.bookings.empty()) {
    lesson_checkout_request req{p.bookings.front(), p.customer_email, p.locale, s.id};
    self->request(s.settings.payments, caf::duration{checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, [self](caf::error& e) { failed_answer(self, e); });
  } else {
    package_checkout_request req{student_ref(s.id), p.product_id, p.customer_email, p.locale, s.id};
    self->request(s.settings.payments, caf::duration{checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, [self](caf::error& e) { failed_answer(self, e); });
  }
}

void run_free_booking(conversation_actor* self, const domain::booking_id& booking, db::free_kind kind) {
  auto& s = self->state;
  auto student = s.row && s.row->student_id ? *s.row->student_id : std::string{};
  auto chosen = s.dialogue.chosen;
  auto job = make_db_job([booking, student, kind](db::connection& conn) {
    return db::confirm_without_payment(conn, booking, student, kind, now_seconds());
  });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self, chosen, kind](db::free_confirm_result& r) {
            if (auto* b = std::get_if<domain::booking>(&r)) {
              domain::offered_slot slot = chosen.value_or(domain::offered_slot{b->tutor, {b->lesson_start, b->lesson_end}});
              if (kind == db::free_kind::credit && self->state.context.credits > 0) --self->state.context.credits;
              if (self->state.settings.outbox) self->send(self->state.settings.outbox, nudge_atom::value);
              return answer(self, domain::booking_confirmed{b->id, slot});
            }
            answer(self, domain::payment_failed{});
          },
          [self](caf::error& e) { failed_answer(self, e); });
}

void run_transition(conversation_actor* self, caf::atom_value atom_name, transition_request req,
                    std::function<std::vector<domain::dialogue_event>(const domain::booking&)> on_booking) {
  auto& s = self->state;
  auto handle = [self, on_booking](transition_answer& a) {
    if (self->state.phase != step_phase::stepping) return;
    if (auto* b = std::get_if<domain::booking>(&a.outcome)) {
      auto events = on_booking(*b);
      // Answers after the first are queued ahead of the count: one pending answer per request.
      for (std::size_t i = 1; i < events.size(); ++i) self->state.events.push_back(events[i]);
      if (!events.empty()) return answer(self, events.front());
    }
    --self->state.answers_pending;
    drain(self);
  };
  auto fail = [self](caf::error& e) { failed_answer(self, e); };
  if (atom_name == cancel_atom::value)
    self->request(s.settings.tutors, caf::duration{ask_timeout}, cancel_atom::value, std::move(req)).then(handle, fail);
  else
    self->request(s.settings.tutors, caf::duration{ask_timeout}, reschedule_atom::value, std::move(req)).then(handle, fail);
}

// Starts the effects that ask the world; each answer comes back as an event.
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
        } else if constexpr (std::is_same_v<E, domain::request_payment>) {
          run_payment(self, e);
        } else if constexpr (std::is_same_v<E, domain::use_credit>) {
          run_free_booking(self, e.booking, db::free_kind::credit);
        } else if constexpr (std::is_same_v<E, domain::book_trial>) {
          run_free_booking(self, e.booking, db::free_kind::trial);
        } else if constexpr (std::is_same_v<E, domain::release_hold>) {
          run_transition(self, cancel_atom::value, {e.booking, "released", {}, {}},
                         [](const domain::booking&) { return std::vector<domain::dialogue_event>{}; });
        } else if constexpr (std::is_same_v<E, domain::cancel_booking>) {
          // The refund follows through Stripe; its webhook tells the dialogue (refund_done).
          run_transition(self, cancel_atom::value, {e.booking, "student", {}, {}}, [](const domain::booking& b) {
            return std::vector<domain::dialogue_event>{domain::booking_cancelled{b.id}};
          });
        } else if constexpr (std::is_same_v<E, domain::reschedule>) {
          // The dialogue waits for the hold it asked to move onto; the moved booking keeps its id.
          run_transition(self, reschedule_atom::value, {e.booking, "", e.new_hold, {}}, [hold = e.new_hold](const domain::booking& b) {
            return std::vector<domain::dialogue_event>{
                domain::booking_confirmed{hold, {b.tutor, {b.lesson_start, b.lesson_end}}}};
          });
        } else {
          --s.answers_pending;
        }
      },
      effect);
}

// Steps every queued event; when nothing is queued or awaited any more, saves.
void drain(conversation_actor* self) {
  auto& s = self->state;
  if (s.phase != step_phase::stepping) return;
  while (!s.events.empty()) {
    auto event = std::move(s.events.front());
    s.events.pop_front();
    s.context.now = now_seconds();
    auto result = domain::step(s.dialogue, event, s.context);
    s.dialogue = std::move(result.state);
    for (const auto& effect : result.effects) {
      if (is_outward(effect))
        append_outbox_work(s.work, s.id, s.contact_id, effect);
      else
        run_effect(self, effect);
    }
  }
  if (s.answers_pending == 0) save(self);
}

domain::dialogue_context base_context(const conversation_settings& settings) {
  domain::dialogue_context ctx;
  ctx.zone = settings.zone;
  ctx.catalog = settings.catalog;
  for (const auto& t : settings.calendar->tutors)
    ctx.tutors.push_back({domain::tutor_id{t.id}, t.name, t.durations_minutes});
  return ctx;
}

void begin(conversation_actor* self, db::conversation_event stored) {
  auto& s = self->state;
  s.phase = step_phase::loading;
  s.decoded = decode(stored);
  s.current = std::move(stored);
  if (s.decoded.contact_id) s.contact_id = s.decoded.contact_id;
  auto contact_id = s.contact_id;
  auto id = s.id;
  auto account = s.decoded.account_id;
  auto job = make_db_job([id, account, contact_id](db::connection& conn) {
    return db::load_conversation(conn, id, account, contact_id);
  });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then([self](db::conversation_row& row) { on_loaded(self, std::move(row)); },
            [self](caf::error& e) { finish(self, self->system().render(e)); });
}

void on_loaded(conversation_actor* self, db::conversation_row row) {
  auto& s = self->state;
  auto restored = domain::parse_dialogue_state(row.state_json);
  s.dialogue = std::holds_alternative<domain::dialogue_state>(restored) ? std::get<domain::dialogue_state>(restored)
                                                                      : domain::dialogue_state{};
  if (row.contact_id) s.contact_id = row.contact_id;
  s.row = std::move(row);
  auto student = s.row->student_id.value_or("");
  auto ref = student_ref(s.id);
  auto facts_job = make_db_job([student, ref](db::connection& conn) { return db::facts_of(conn, student, ref, now_seconds()); });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, facts_job)
      .then([self](db::student_facts& facts) { on_facts(self, facts); },
            [self](caf::error& e) { finish(self, self->system().render(e)); });
}

void on_facts(conversation_actor* self, const db::student_facts& facts) {
  auto& s = self->state;
  s.context = base_context(s.settings);
  if (s.decoded.incoming) s.context.contact = s.decoded.contact;
  s.context.trial_used = facts.trial_used;
  s.context.credits = facts.credits;
  for (std::size_t i = 0; i < facts.upcoming.size(); ++i) {
    const auto& b = facts.upcoming[i];
    s.context.upcoming.push_back({b.id, b.tutor, b.lesson_start, b.lesson_end, b.product_id,
                                  domain::cents{facts.paid[i].second}, false});
  }
  s.phase = step_phase::stepping;
  if (s.decoded.event) s.events.push_back(*s.decoded.event);
  drain(self);
}

caf::behavior conversation(conversation_actor* self, long long id, conversation_settings settings) {
  self->state.id = id;
  self->state.settings = std::move(settings);
  self->delayed_send(self, self->state.settings.idle_passivation, idle_atom::value);
  return {
      [=](nudge_atom) {
        auto& s = self->state;
        s.last_active = std::chrono::steady_clock::now();
        if (s.phase != step_phase::idle) return;
        s.phase = step_phase::fetching;
        auto job = make_db_job([id](db::connection& conn) { return db::pending_events(conn, id, 1); });
        self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then(
                [self](std::vector<db::conversation_event>& events) {
                  if (events.empty()) {
                    self->state.phase = step_phase::idle;
                    return;
                  }
                  begin(self, std::move(events.front()));
                },
                [self](caf::error&) { self->state.phase = step_phase::idle; });
      },
      [=](idle_atom) {
        auto& s = self->state;
        if (s.phase == step_phase::idle && std::chrono::steady_clock::now() - s.last_active >= s.settings.idle_passivation) {
          self->quit();  // its state is in the database; the next event brings it back
          return;
        }
        self->delayed_send(self, s.settings.idle_passivation, idle_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_linked_conversation(caf::event_based_actor* parent, long long id, const conversation_settings& settings) {
  return parent->spawn<caf::linked>(conversation, id, settings);
}

}  // namespace tutorbot::actors
