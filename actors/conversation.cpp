#include "actors/conversation.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/conversation_step.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "domain/dialogue_state_json.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::actors {

namespace conversation_step {

std::string student_ref(long long conversation) { return domain::chat_student_ref(conversation); }

bool current(const conversation_actor* self, std::uint64_t serial, step_phase phase) {
  return self->state.step == serial && self->state.phase == phase;
}

namespace {

void load(conversation_actor* self);
void on_loaded(conversation_actor* self, db::conversation_row row);
void on_facts(conversation_actor* self, const db::student_facts& facts);

void count_step(const conversation_actor* self, const char* outcome) {
  if (auto* m = self->state.settings.metrics)
    m->counter("tutorbot_conversation_steps_total", "Conversation steps by outcome: saved, not_saved, failed, parked")
        .Add({{"outcome", outcome}})
        .Increment();
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
  s.student.reset();
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
                     s.parking_because,
                     std::move(s.student)};
  s.work.clear();
  s.student.reset();
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

}  // namespace

void answer(conversation_actor* self, std::uint64_t serial, domain::dialogue_event event) {
  if (!current(self, serial)) return;  // the step it was asked for ended meanwhile
  self->state.events.push_back(std::move(event));
  --self->state.answers_pending;
  drain(self);
}

void failed_answer(conversation_actor* self, std::uint64_t serial, const caf::error& e) {
  if (current(self, serial)) finish(self, self->system().render(e));
}

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
      if (const auto* learned = std::get_if<domain::set_contact_attributes>(&effect))
        s.student = student_details_of(*learned, s.dialogue.lang);
      if (is_outward(effect))
        append_outbox_work(s.work, s.id, s.contact_id, effect);
      else
        run_effect(self, effect);
    }
  }
  if (s.answers_pending == 0) save(self);
}

namespace {

domain::dialogue_context base_context(const conversation_settings& settings) {
  domain::dialogue_context ctx;
  ctx.zone = settings.zone;
  ctx.catalog = settings.catalog;
  ctx.invites_by_email = settings.invites_by_email;
  ctx.series_max_lessons = settings.calendar->series.max_lessons;
  ctx.series_on_clash = settings.calendar->series.on_clash;
  ctx.holidays = settings.calendar->school_holidays;
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
                                  domain::cents{facts.paid[i].second}, false, facts.series[i]});
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

}  // namespace conversation_step

caf::actor spawn_linked_conversation(caf::event_based_actor* parent, long long id, const conversation_settings& settings) {
  return parent->spawn<caf::linked>(conversation_step::conversation, id, settings);
}

}  // namespace tutorbot::actors
