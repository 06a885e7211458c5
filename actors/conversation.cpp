#include "actors/conversation.hpp"

#include <algorithm>
#include <deque>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/clock.hpp"
#include "actors/conversation_codec.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_messages.hpp"
#include "db/conversations.hpp"
#include "db/payments.hpp"
#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"


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
  // Counts steps: an answer requested by an earlier step (one that failed before all its
  // answers came) is recognised and dropped.
  std::uint64_t step = 0;
  db::conversation_fence fence;                // the claim the step in hand runs under
  std::optional<std::string> parking_because;  // the step in hand parks its event
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
void load(conversation_actor* self);
void on_loaded(conversation_actor* self, db::conversation_row row);
void on_facts(conversation_actor* self, const db::student_facts& facts);

void count_step(const conversation_actor* self, const char* outcome) {
  if (auto* m = self->state.settings.metrics)
    m->counter("tutorbot_conversation_steps_total", "Conversation steps by outcome: saved, not_saved, failed, parked")
        .Add({{"outcome", outcome}})
        .Increment();
}

// Whether an answer requested under step `serial` still belongs to the step in hand.
bool current(const conversation_actor* self, std::uint64_t serial, step_phase phase = step_phase::stepping) {
  return self->state.step == serial && self->state.phase == phase;
}

// A failed attempt is tried again after 2, 4, 8, 16 s.
std::chrono::seconds retry_delay(int failed_attempts) { return std::chrono::seconds{1 << std::min(failed_attempts, 5)}; }

void fire_and_forget(conversation_actor* self, db_job job) {
  self->request(self->state.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, std::move(job))
      .then([](bool) {}, [](caf::error&) {});
}

// Ends the step in hand and gives up its claim. A failed step is tried again after a backoff;
// one that failed too often is stepped once more as processing_failed: the student is told,
// staff get the conversation, the event is parked. After a step that ended well, the next
// pending event is looked for at once.
void finish(conversation_actor* self, const std::string& error = {}) {
  auto& s = self->state;
  const auto fence = s.fence;
  if (!error.empty() && s.current) {
    obs::log_error("conversation_step_failed", {{"conversation_id", static_cast<std::int64_t>(s.id)},
                                                {"attempt", s.current->attempts + 1}, {"error", error}});
    count_step(self, "failed");
    const int failed = s.current->attempts + 1;
    if (failed >= s.settings.attempts_before_parking && !s.parking_because) {
      // Still under the same claim: the same event, once more, to park it.
      s.parking_because = error;
      s.events.clear();
      s.work.clear();
      s.answers_pending = 0;
      ++s.step;
      return load(self);
    }
    auto id = s.current->id;
    fire_and_forget(self, make_db_job([fence, id, error, failed](db::connection& conn) {
      db::defer_conversation_event(conn, fence, id, error, retry_delay(failed));
      return true;
    }));
  }
  fire_and_forget(self, make_db_job([fence](db::connection& conn) {
    db::release_claim(conn, fence);
    return true;
  }));
  s.phase = step_phase::idle;
  ++s.step;
  s.current.reset();
  s.parking_because.reset();
  s.events.clear();
  s.work.clear();
  s.answers_pending = 0;
  s.row.reset();  // read again next time: another instance may have moved on
  if (error.empty()) self->send(self, nudge_atom::value);
}

void save(conversation_actor* self) {
  auto& s = self->state;
  s.phase = step_phase::saving;
  db::step_save step{s.fence,
                     s.row->version,
                     domain::serialize_dialogue_state(s.dialogue),
                     s.current->id,
                     s.decoded.incoming,
                     s.decoded.message_id,
                     s.dialogue.phase == domain::dialogue_phase::handoff,
                     std::move(s.work),
                     s.parking_because};
  s.work.clear();
  auto job = make_db_job([step](db::connection& conn) { return db::save_step(conn, step); });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self, serial = s.step](bool saved) {
            if (!current(self, serial, step_phase::saving)) return;
            auto& s = self->state;
            if (!saved) {
              // Another instance took the conversation over (or stepped it first): it is theirs.
              obs::log_warn("conversation_step_not_saved", {{"conversation_id", static_cast<std::int64_t>(s.id)},
                                                            {"reason", "claim lost or version moved on"}});
              count_step(self, "not_saved");
              return finish(self);
            }
            count_step(self, s.parking_because ? "parked" : "saved");
            if (s.parking_because)
              obs::log_error("conversation_event_parked", {{"conversation_id", static_cast<std::int64_t>(s.id)},
                                                           {"event_id", static_cast<std::int64_t>(s.current->id)},
                                                           {"error", *s.parking_because}});
            if (s.settings.outbox) self->send(s.settings.outbox, nudge_atom::value);
            finish(self);
          },
          [self, serial = s.step](caf::error& e) {
            if (current(self, serial, step_phase::saving)) finish(self, self->system().render(e));
          });
}

void answer(conversation_actor* self, std::uint64_t serial, domain::dialogue_event event) {
  if (!current(self, serial)) return;  // the step it was asked for ended meanwhile
  self->state.events.push_back(std::move(event));
  --self->state.answers_pending;
  drain(self);
}

void failed_answer(conversation_actor* self, std::uint64_t serial, const caf::error& e) {
  if (current(self, serial)) finish(self, self->system().render(e));
}

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
  if (!p.bookings.empty()) {
    lesson_checkout_request req{p.bookings.front(), p.customer_email, p.locale, s.id, s.fence};
    self->request(s.settings.payments, caf::duration{checkout_timeout}, checkout_atom::value, std::move(req))
        .then(on_answer, on_error);
  } else {
    package_checkout_request req{student_ref(s.id), p.product_id, p.customer_email, p.locale, s.id, s.fence};
    self->request(s.settings.payments, caf::duration{checkout_timeout}, checkout_atom::value, std::move(req))
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

// Reads the conversation and what is known of the student, then steps the event in hand.
void load(conversation_actor* self) {
  auto& s = self->state;
  s.phase = step_phase::loading;
  auto contact_id = s.contact_id;
  auto id = s.id;
  auto account = s.decoded.account_id;
  auto job = make_db_job([id, account, contact_id](db::connection& conn) {
    return db::load_conversation(conn, id, account, contact_id);
  });
  const auto serial = s.step;
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self, serial](db::conversation_row& row) {
            if (current(self, serial, step_phase::loading)) on_loaded(self, std::move(row));
          },
          [self, serial](caf::error& e) {
            if (current(self, serial, step_phase::loading)) finish(self, self->system().render(e));
          });
}

void begin(conversation_actor* self, db::claimed_event claimed) {
  auto& s = self->state;
  ++s.step;
  s.fence = claimed.fence;
  s.decoded = decode(claimed.event);
  s.current = std::move(claimed.event);
  if (s.decoded.contact_id) s.contact_id = s.decoded.contact_id;
  self->delayed_send(self, s.settings.renew_every, tick_atom::value, s.step);
  load(self);
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
  const auto serial = s.step;
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, facts_job)
      .then(
          [self, serial](db::student_facts& facts) {
            if (current(self, serial, step_phase::loading)) on_facts(self, facts);
          },
          [self, serial](caf::error& e) {
            if (current(self, serial, step_phase::loading)) finish(self, self->system().render(e));
          });
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
  if (s.parking_because)
    s.events.push_back(domain::processing_failed{*s.parking_because});
  else if (s.decoded.event)
    s.events.push_back(*s.decoded.event);
  drain(self);
}

caf::behavior conversation(conversation_actor* self, long long id, conversation_settings settings) {
  self->state.id = id;
  self->state.settings = std::move(settings);
  self->delayed_send(self, self->state.settings.idle_passivation, passivate_atom::value);
  return {
      [=](nudge_atom) {
        auto& s = self->state;
        s.last_active = std::chrono::steady_clock::now();
        if (s.phase != step_phase::idle) return;
        s.phase = step_phase::fetching;
        auto job = make_db_job([id, holder = s.settings.instance, lease = s.settings.claim_lease](db::connection& conn) {
          return db::claim_next_event(conn, id, holder, lease);
        });
        self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then(
                [self](db::claim_result& claimed) {
                  if (self->state.phase != step_phase::fetching) return;
                  if (auto* mine = std::get_if<db::claimed_event>(&claimed)) return begin(self, std::move(*mine));
                  // Nothing due, or another instance works on it: the sweep looks again.
                  self->state.phase = step_phase::idle;
                },
                [self](caf::error&) {
                  if (self->state.phase == step_phase::fetching) self->state.phase = step_phase::idle;
                });
      },
      // The claim is renewed while its step runs; a step that lost it finds its effects
      // and its save refused (fenced), so losing it needs no action here.
      [=](tick_atom, std::uint64_t serial) {
        auto& s = self->state;
        if (s.step != serial || s.phase == step_phase::idle) return;
        auto job = make_db_job([fence = s.fence, lease = s.settings.claim_lease](db::connection& conn) {
          return db::renew_claim(conn, fence, lease);
        });
        self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then(
                [self, serial](bool renewed) {
                  if (!renewed && self->state.step == serial)
                    obs::log_warn("conversation_claim_lost", {{"conversation_id", static_cast<std::int64_t>(self->state.id)}});
                },
                [](caf::error&) {});
        self->delayed_send(self, s.settings.renew_every, tick_atom::value, serial);
      },
      [=](passivate_atom) {
        auto& s = self->state;
        if (s.phase == step_phase::idle && std::chrono::steady_clock::now() - s.last_active >= s.settings.idle_passivation) {
          self->quit();  // its state is in the database; the next event brings it back
          return;
        }
        self->delayed_send(self, s.settings.idle_passivation, passivate_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_linked_conversation(caf::event_based_actor* parent, long long id, const conversation_settings& settings) {
  return parent->spawn<caf::linked>(conversation, id, settings);
}

}  // namespace tutorbot::actors
