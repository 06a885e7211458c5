#include "actors/conversation.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <boost/json.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_messages.hpp"
#include "db/conversations.hpp"
#include "db/payments.hpp"
#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "domain/whatsapp_text.hpp"
#include "obs/log.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::conversation_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::student_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tutorbot::db::conversation_event>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::free_confirm_result)

namespace tutorbot::actors {

namespace json = boost::json;
using std::chrono::sys_seconds;

namespace {

constexpr auto ask_timeout = std::chrono::seconds(15);
constexpr auto checkout_timeout = std::chrono::seconds(80);

std::string text_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

long long int_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// What a stored event means for the dialogue; nullopt when it means nothing to it.
struct decoded_event {
  std::optional<domain::dialogue_event> event;
  bool incoming = false;                      // a student's message
  std::optional<long long> message_id;
  domain::contact_info contact;               // from the message's sender
  std::optional<long long> contact_id;
};

decoded_event decode(const db::conversation_event& stored) {
  decoded_event d;
  boost::system::error_code ec;
  auto value = json::parse(stored.payload, ec);
  if (ec || !value.is_object()) return d;
  const auto& o = value.as_object();
  if (stored.kind == "message") {
    d.incoming = true;
    if (auto id = int_at(o, "message_id")) d.message_id = id;
    if (const auto* c = o.if_contains("contact"); c && c->is_object()) {
      const auto& contact = c->as_object();
      if (auto id = int_at(contact, "id")) d.contact_id = id;
      auto set = [](std::optional<std::string>& field, std::string v) { if (!v.empty()) field = std::move(v); };
      set(d.contact.name, text_at(contact, "name"));
      set(d.contact.email, text_at(contact, "email"));
      set(d.contact.phone, text_at(contact, "phone_number"));
      set(d.contact.locale, text_at(contact, "locale"));
      if (const auto* a = contact.if_contains("custom_attributes"); a && a->is_object())
        for (const auto& [k, v] : a->as_object())
          if (v.is_string()) d.contact.attributes[std::string(k)] = std::string(v.as_string());
    }
    auto content = text_at(o, "content");
    if (!content.empty()) {
      d.event = domain::text_received{content};
    } else if (auto kind = text_at(o, "attachment"); !kind.empty()) {
      d.event = domain::unsupported_received{kind};
    }
    return d;
  }
  if (stored.kind == "status") {
    // Staff resolved the conversation or handed it back to the bot (status pending).
    auto status = text_at(o, "status");
    if (status == "resolved" || status == "pending") d.event = domain::handoff_ended{};
    return d;
  }
  auto what = text_at(o, "event");
  if (what == "payment_succeeded") d.event = domain::payment_succeeded{};
  else if (what == "payment_failed") d.event = domain::payment_failed{};
  else if (what == "payment_expired") d.event = domain::payment_expired{};
  else if (what == "refund_done") d.event = domain::refund_done{domain::cents{int_at(o, "amount_cents")}};
  else if (what == "booking_cancelled") d.event = domain::booking_cancelled{domain::booking_id{text_at(o, "booking_id")}};
  else if (what == "booking_confirmed") {
    domain::offered_slot slot{domain::tutor_id{text_at(o, "tutor_id")},
                              {sys_seconds{std::chrono::seconds{int_at(o, "start")}},
                               sys_seconds{std::chrono::seconds{int_at(o, "end")}}}};
    d.event = domain::booking_confirmed{domain::booking_id{text_at(o, "booking_id")}, slot};
  }
  return d;
}

// Outgoing work for the Chatwoot outbox handlers, in the order the dialogue said it.
void append_work(std::vector<db::outbox_work>& work, long long conversation, const std::optional<long long>& contact,
                 const domain::effect& effect) {
  auto add = [&](const char* kind, json::object payload) {
    payload["conversation_id"] = conversation;
    work.push_back({kind, json::serialize(payload)});
  };
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, domain::send_text>) {
          if (e.options.empty()) {
            for (auto& part : domain::split_message(e.text)) add("chatwoot.message", {{"content", part}});
          } else {
            json::array options;
            for (const auto& option : e.options) options.emplace_back(option);
            add("chatwoot.message", {{"content", e.text}, {"options", options}});
          }
        } else if constexpr (std::is_same_v<E, domain::private_note>) {
          add("chatwoot.message", {{"content", e.text}, {"private", true}});
        } else if constexpr (std::is_same_v<E, domain::add_labels> || std::is_same_v<E, domain::remove_labels>) {
          json::array labels;
          for (const auto& l : e.labels) labels.emplace_back(l);
          add("chatwoot.labels", {{std::is_same_v<E, domain::add_labels> ? "add" : "remove", labels}});
        } else if constexpr (std::is_same_v<E, domain::set_contact_attributes>) {
          if (!contact) return;
          json::object attributes;
          for (const auto& [k, v] : e.attributes) attributes[k] = v;
          add("chatwoot.contact", {{"contact_id", *contact}, {"attributes", attributes}});
        } else if constexpr (std::is_same_v<E, domain::hand_off>) {
          add("chatwoot.status", {{"status", "open"}, {"reason", e.reason}});
        }
      },
      effect);
}

bool is_outward(const domain::effect& e) {
  return std::holds_alternative<domain::send_text>(e) || std::holds_alternative<domain::private_note>(e) ||
         std::holds_alternative<domain::add_labels>(e) || std::holds_alternative<domain::remove_labels>(e) ||
         std::holds_alternative<domain::set_contact_attributes>(e) || std::holds_alternative<domain::hand_off>(e);
}

struct conversation_state {
  conversation_settings settings;
  long long id = 0;
  std::optional<db::conversation_row> row;
  domain::dialogue_state dialogue;
  domain::dialogue_context context;
  bool busy = false;
  bool again = false;  // nudged while busy: look for events once more
  // The stored event being processed, and what processing it has produced so far.
  std::optional<db::conversation_event> current;
  std::deque<domain::dialogue_event> events;
  int inflight = 0;
  std::vector<db::outbox_work> work;
  bool incoming = false;
  std::optional<long long> message_id;
  std::optional<long long> contact_id;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  static inline const char* name = "conversation";
};

using conversation_actor = caf::stateful_actor<conversation_state>;

std::string student_ref(long long conversation) { return "chatwoot:" + std::to_string(conversation); }

void drain(conversation_actor* self);

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
  s.busy = false;
  s.current.reset();
  s.row.reset();  // read again next time: another instance may have moved on
  if (s.again || error.empty()) {
    s.again = false;
    if (error.empty()) self->send(self, nudge_atom::value);
  }
}

void save(conversation_actor* self) {
  auto& s = self->state;
  db::step_save step{s.id,
                     s.row->version,
                     domain::serialize_dialogue_state(s.dialogue),
                     s.current->id,
                     s.incoming,
                     s.message_id,
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
              s.busy = false;
              s.row.reset();
              self->send(self, nudge_atom::value);
              return;
            }
            if (s.settings.outbox) self->send(s.settings.outbox, nudge_atom::value);
            finish(self);
          },
          [self](caf::error& e) { finish(self, self->system().render(e)); });
}

void answer(conversation_actor* self, domain::dialogue_event event) {
  self->state.events.push_back(std::move(event));
  --self->state.inflight;
  drain(self);
}

void failed_answer(conversation_actor* self, const caf::error& e) {
  --self->state.inflight;
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
    if (auto* b = std::get_if<domain::booking>(&a.outcome)) {
      auto events = on_booking(*b);
      // Answers after the first are queued ahead of the count: one inflight per request.
      for (std::size_t i = 1; i < events.size(); ++i) self->state.events.push_back(events[i]);
      if (!events.empty()) return answer(self, events.front());
    }
    --self->state.inflight;
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
  ++s.inflight;
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
          --s.inflight;
        }
      },
      effect);
}

// Steps every queued event; when nothing is queued or running any more, saves.
void drain(conversation_actor* self) {
  auto& s = self->state;
  if (!s.busy || !s.current) return;
  while (!s.events.empty()) {
    auto event = std::move(s.events.front());
    s.events.pop_front();
    s.context.now = now_seconds();
    auto result = domain::step(s.dialogue, event, s.context);
    s.dialogue = std::move(result.state);
    for (const auto& effect : result.effects) {
      if (is_outward(effect))
        append_work(s.work, s.id, s.contact_id, effect);
      else
        run_effect(self, effect);
    }
  }
  if (s.inflight == 0) save(self);
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
  auto decoded = decode(stored);
  s.current = stored;
  s.incoming = decoded.incoming;
  s.message_id = decoded.message_id;
  if (decoded.contact_id) s.contact_id = decoded.contact_id;
  auto contact_id = s.contact_id;
  auto id = s.id;
  auto account = int_at(json::parse(stored.payload).as_object(), "account_id");
  auto job = make_db_job([id, account, contact_id](db::connection& conn) {
    auto row = db::load_conversation(conn, id, account, contact_id);
    return row;
  });
  self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
      .then(
          [self, decoded](db::conversation_row& row) {
            auto& s = self->state;
            auto restored = domain::parse_dialogue_state(row.state_json);
            s.dialogue = std::holds_alternative<domain::dialogue_state>(restored) ? std::get<domain::dialogue_state>(restored)
                                                                                : domain::dialogue_state{};
            if (row.contact_id) s.contact_id = row.contact_id;
            s.row = std::move(row);
            auto student = s.row->student_id.value_or("");
            auto ref = student_ref(s.id);
            auto facts_job = make_db_job([student, ref](db::connection& conn) {
              return db::facts_of(conn, student, ref, now_seconds());
            });
            self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, facts_job)
                .then(
                    [self, decoded](db::student_facts& facts) {
                      auto& s = self->state;
                      s.context = base_context(s.settings);
                      if (decoded.incoming) s.context.contact = decoded.contact;
                      s.context.trial_used = facts.trial_used;
                      s.context.credits = facts.credits;
                      for (std::size_t i = 0; i < facts.upcoming.size(); ++i) {
                        const auto& b = facts.upcoming[i];
                        s.context.upcoming.push_back({b.id, b.tutor, b.lesson_start, b.lesson_end, b.product_id,
                                                      domain::cents{facts.paid[i].second}, false});
                      }
                      if (decoded.event) s.events.push_back(*decoded.event);
                      drain(self);
                    },
                    [self](caf::error& e) { finish(self, self->system().render(e)); });
          },
          [self](caf::error& e) { finish(self, self->system().render(e)); });
}

caf::behavior conversation(conversation_actor* self, long long id, conversation_settings settings) {
  self->state.id = id;
  self->state.settings = std::move(settings);
  self->delayed_send(self, self->state.settings.idle_passivation, idle_atom::value);
  return {
      [=](nudge_atom) {
        auto& s = self->state;
        s.last_active = std::chrono::steady_clock::now();
        if (s.busy) {
          s.again = true;
          return;
        }
        s.busy = true;
        auto job = make_db_job([id](db::connection& conn) { return db::pending_events(conn, id, 1); });
        self->request(s.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then(
                [self](std::vector<db::conversation_event>& events) {
                  if (events.empty()) {
                    self->state.busy = false;
                    return;
                  }
                  begin(self, events.front());
                },
                [self](caf::error&) { self->state.busy = false; });
      },
      [=](idle_atom) {
        auto& s = self->state;
        if (!s.busy && std::chrono::steady_clock::now() - s.last_active >= s.settings.idle_passivation) {
          self->quit();  // its state is in the database; the next event brings it back
          return;
        }
        self->delayed_send(self, s.settings.idle_passivation, idle_atom::value);
      },
  };
}

struct registry_state {
  conversation_settings settings;
  std::map<long long, caf::actor> conversations;
  static inline const char* name = "conversation_registry";
};

caf::behavior conversation_registry(caf::stateful_actor<registry_state>* self, conversation_settings settings) {
  self->state.settings = std::move(settings);
  // Linked: conversations stop with the registry (the service stopping); one that stops by
  // itself (passivated, or failed) is forgotten and respawned by its next event.
  self->set_exit_handler([self](caf::exit_msg& exit) {
    auto& all = self->state.conversations;
    for (auto it = all.begin(); it != all.end(); ++it)
      if (it->second.address() == exit.source) {
        all.erase(it);
        return;
      }
    self->quit(exit.reason);
  });
  auto deliver = [self](long long id) {
    auto& all = self->state.conversations;
    auto it = all.find(id);
    if (it == all.end()) {
      auto actor = self->spawn<caf::linked>(conversation, id, self->state.settings);
      it = all.emplace(id, actor).first;
    }
    self->send(it->second, nudge_atom::value);
  };
  self->send(self, tick_atom::value);
  return {
      [=](nudge_atom, long long id) { deliver(id); },
      // Events stored by another instance, or left over from before a restart.
      [=](tick_atom) {
        auto job = make_db_job([](db::connection& conn) { return db::conversations_with_pending_events(conn, 100); });
        self->request(self->state.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then([deliver](std::vector<long long>& ids) { for (auto id : ids) deliver(id); }, [](caf::error&) {});
        self->delayed_send(self, self->state.settings.sweep_interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_conversation_registry(caf::actor_system& system, conversation_settings settings) {
  return system.spawn(conversation_registry, std::move(settings));
}

}  // namespace tutorbot::actors
