// The Stripe event replay: 1,000 payment scenarios, their events delivered in order to one
// database and, duplicated, shuffled and now and then applied twice (a worker that dies
// before marking an event processed), through the webhook inbox to another. Both databases
// must end in the same state, every side effect (booking, calendar event, refund, message to
// the chat the order came from) must exist exactly once, and each kind of scenario must end
// as it should whatever the order.
//
// TUTORBOT_REPLAY_SEED=<n> replays one run (the seed is printed at the start);
// TUTORBOT_REPLAY_REPORT_ALL=1 reports every scenario that went wrong, not the first 20.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "actors/payment_events.hpp"
#include "db/bookings.hpp"
#include "db/inbox.hpp"
#include "db/migrations.hpp"
#include "db/outbox.hpp"
#include "db/payments.hpp"
#include "db/tutors.hpp"
#include "net/stripe_json.hpp"
#include "tests/support/pg.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace json = boost::json;
using std::chrono::sys_seconds;

namespace {

const db::staff_override by_staff{"Eva", "paid in cash at the desk"};

constexpr int scenario_count = 1000;
constexpr long long lesson_cents = 4500;
constexpr long long package_cents = 8000;
constexpr int package_credits = 2;
constexpr const char* order_placeholder = "@ORDER@";  // each database has its own order ids

// ---- The scenarios -----------------------------------------------------------------------

enum class kind {
  paid,                           // checkout.session.completed, paid
  refunded,                       // paid, then refund.created (succeeded) + charge.refunded
  refund_pending_then_succeeded,  // paid, then refund.created (pending), refund.updated (succeeded), charge.refunded
  refunded_in_two_parts,          // paid, then two refunds that add up to the whole amount
  partially_refunded,             // paid, then a refund of a third
  failed_then_paid,               // payment_intent.payment_failed, then the same intent pays
  expired,                        // checkout.session.expired
  expired_after_failure,          // a failed attempt, then the session expires
  async_paid,                     // completed unpaid, then async_payment_succeeded
  async_failed,                   // completed unpaid, then async_payment_failed
  late_slot_free,                 // paid after the hold was swept, slot still free: rebooked_late
  late_slot_taken,                // paid after the hold was swept, slot taken meanwhile: refund_due
  late_slot_taken_refunded,       // the same, and the refund's own events arrive too
  untouched,                      // only events that mean nothing to us
  package_paid,                   // a lesson package: credit once paid
};

const char* name_of(kind k) {
  switch (k) {
    case kind::paid: return "paid";
    case kind::refunded: return "refunded";
    case kind::refund_pending_then_succeeded: return "refund_pending_then_succeeded";
    case kind::refunded_in_two_parts: return "refunded_in_two_parts";
    case kind::partially_refunded: return "partially_refunded";
    case kind::failed_then_paid: return "failed_then_paid";
    case kind::expired: return "expired";
    case kind::expired_after_failure: return "expired_after_failure";
    case kind::async_paid: return "async_paid";
    case kind::async_failed: return "async_failed";
    case kind::late_slot_free: return "late_slot_free";
    case kind::late_slot_taken: return "late_slot_taken";
    case kind::late_slot_taken_refunded: return "late_slot_taken_refunded";
    case kind::untouched: return "untouched";
    case kind::package_paid: return "package_paid";
  }
  return "?";
}

// How often each kind is drawn, in the order of the enum.
const std::vector<double> kind_weights = {12, 8, 5, 5, 6, 8, 8, 4, 6, 5, 7, 6, 5, 3, 5};

bool is_late(kind k) { return k == kind::late_slot_free || k == kind::late_slot_taken || k == kind::late_slot_taken_refunded; }
bool slot_taken(kind k) { return k == kind::late_slot_taken || k == kind::late_slot_taken_refunded; }

struct planned_event {
  std::string id, type;
  std::string json;  // with order_placeholder where the order id goes
};

struct scenario {
  int index = 0;
  kind k = kind::paid;
  std::string tutor;
  sys_seconds start;             // of the lesson
  bool competitor_confirmed = false;  // slot taken: by a confirmed booking, else by a live hold
  int reference_style = 0;  // 0: metadata.order_id + client_reference_id, 1: client_reference_id only, 2: neither
  bool conversation = false;  // the order came from a chat, which is told what became of it
  long long amount = lesson_cents;
  std::vector<planned_event> events;

  std::string n() const { return std::to_string(index); }
  std::string session() const { return "cs_test_" + n(); }
  std::string intent() const { return "pi_" + n(); }
  std::string label() const { return "#" + n() + " (" + name_of(k) + ")"; }
  long long conversation_id() const { return 900000 + index; }
};

// Builds the Stripe-shaped events of one scenario, in the order Stripe sends them.
class event_builder {
 public:
  event_builder(scenario& s, std::mt19937_64& rng, long long created) : s_(s), rng_(rng), created_(created) {}

  void add(const std::string& type, json::object object) {
    json::object e{{"id", "evt_" + s_.n() + "_" + std::to_string(s_.events.size())},
                   {"object", "event"},
                   {"api_version", "2024-06-20"},
                   {"created", created_ + static_cast<long long>(s_.events.size()) * 30},
                   {"livemode", false},
                   {"pending_webhooks", 1},
                   {"request", json::object{{"id", nullptr}, {"idempotency_key", nullptr}}},
                   {"type", type},
                   {"data", json::object{{"object", std::move(object)}}}};
    s_.events.push_back({std::string(e["id"].as_string()), type, json::serialize(e)});
  }

  // Something Stripe sends that changes nothing here, now and then.
  void maybe(const std::string& type, json::object object) {
    if (std::bernoulli_distribution(0.5)(rng_)) add(type, std::move(object));
  }

  json::object session(const char* status, const char* payment_status, bool with_intent) const {
    json::object o{{"id", s_.session()},
                   {"object", "checkout.session"},
                   {"amount_subtotal", s_.amount},
                   {"amount_total", s_.amount},
                   {"currency", "eur"},
                   {"mode", "payment"},
                   {"status", status},
                   {"payment_status", payment_status},
                   {"url", nullptr},
                   {"created", created_ - 600},
                   {"expires_at", created_ + 1200},
                   {"customer_details", json::object{{"email", "student" + s_.n() + "@example.org"}}},
                   {"customer_email", nullptr}};
    o["payment_intent"] = with_intent ? json::value(s_.intent()) : json::value(nullptr);
    o["client_reference_id"] = s_.reference_style <= 1 ? json::value(order_placeholder) : json::value(nullptr);
    json::object metadata;
    if (s_.reference_style == 0) metadata["order_id"] = order_placeholder;
    o["metadata"] = std::move(metadata);
    return o;
  }

  json::object intent(const char* status, bool failed) const {
    json::object o{{"id", s_.intent()},
                   {"object", "payment_intent"},
                   {"amount", s_.amount},
                   {"currency", "eur"},
                   {"status", status},
                   {"metadata", json::object{{"order_id", order_placeholder}}}};
    if (failed)
      o["last_payment_error"] = json::object{{"type", "card_error"}, {"code", "card_declined"}, {"message", "Your card was declined."}};
    else
      o["last_payment_error"] = nullptr;
    return o;
  }

  json::object charge(long long refunded, const char* status = "succeeded") const {
    return json::object{{"id", "ch_" + s_.n()},
                        {"object", "charge"},
                        {"amount", s_.amount},
                        {"amount_refunded", refunded},
                        {"refunded", refunded >= s_.amount},
                        {"paid", std::string(status) == "succeeded"},
                        {"status", status},
                        {"currency", "eur"},
                        {"payment_intent", s_.intent()},
                        {"metadata", json::object{}}};
  }

  json::object refund(int k, long long amount, const char* status) const {
    return json::object{{"id", "re_" + s_.n() + "_" + std::to_string(k)},
                        {"object", "refund"},
                        {"amount", amount},
                        {"currency", "eur"},
                        {"charge", "ch_" + s_.n()},
                        {"payment_intent", s_.intent()},
                        {"reason", "requested_by_customer"},
                        {"status", status},
                        {"metadata", json::object{}}};
  }

  // A card payment as Stripe reports it: the intent, its charge, then the session.
  void card_payment() {
    maybe("payment_intent.created", intent("requires_payment_method", false));
    maybe("charge.succeeded", charge(0));
    maybe("payment_intent.succeeded", intent("succeeded", false));
    add("checkout.session.completed", session("complete", "paid", true));
  }

  void failed_attempt() {
    maybe("payment_intent.created", intent("requires_payment_method", false));
    maybe("charge.failed", charge(0, "failed"));
    add("payment_intent.payment_failed", intent("requires_payment_method", true));
  }

 private:
  scenario& s_;
  std::mt19937_64& rng_;
  long long created_;
};

std::vector<scenario> plan_scenarios(std::mt19937_64& rng, sys_seconds first_day, long long created) {
  std::discrete_distribution<int> pick_kind(kind_weights.begin(), kind_weights.end());
  std::discrete_distribution<int> pick_style({6, 2, 2});
  std::vector<scenario> plan(scenario_count);
  for (int i = 0; i < scenario_count; ++i) {
    scenario& s = plan[i];
    s.index = i;
    s.k = static_cast<kind>(pick_kind(rng));
    // One scenario per tutor and day: only a slot-taken scenario's competitor collides.
    s.tutor = i % 2 == 0 ? "anouk" : "daan";
    s.start = first_day + std::chrono::days{i / 2} + 10h;
    s.competitor_confirmed = std::bernoulli_distribution(0.5)(rng);
    s.reference_style = s.k == kind::package_paid ? 0 : pick_style(rng);
    s.conversation = std::bernoulli_distribution(0.5)(rng);
    s.amount = s.k == kind::package_paid ? package_cents : lesson_cents;

    event_builder b(s, rng, created + i * 600);
    b.maybe("customer.created", json::object{{"id", "cus_" + s.n()}, {"object", "customer"},
                                             {"email", "student" + s.n() + "@example.org"}});
    switch (s.k) {
      case kind::paid:
      case kind::late_slot_free:
      case kind::late_slot_taken:
      case kind::package_paid:
        b.card_payment();
        break;
      case kind::refunded:
      case kind::late_slot_taken_refunded:
        b.card_payment();
        b.add("refund.created", b.refund(0, s.amount, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        b.maybe("charge.refund.updated", b.refund(0, s.amount, "succeeded"));
        break;
      case kind::refund_pending_then_succeeded:
        b.card_payment();
        b.add("refund.created", b.refund(0, s.amount, "pending"));
        b.add("refund.updated", b.refund(0, s.amount, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        break;
      case kind::refunded_in_two_parts:
        b.card_payment();
        b.add("refund.created", b.refund(0, 1500, "succeeded"));
        b.add("charge.refunded", b.charge(1500));
        b.add("refund.created", b.refund(1, s.amount - 1500, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        break;
      case kind::partially_refunded:
        b.card_payment();
        b.add("refund.created", b.refund(0, 1500, "succeeded"));
        b.add("charge.refunded", b.charge(1500));
        break;
      case kind::failed_then_paid:
        b.failed_attempt();
        b.card_payment();  // a new attempt on the same payment intent, as Checkout does
        break;
      case kind::expired:
        b.add("checkout.session.expired", b.session("expired", "unpaid", false));
        break;
      case kind::expired_after_failure:
        b.failed_attempt();
        b.add("checkout.session.expired", b.session("expired", "unpaid", true));
        break;
      case kind::async_paid:
        b.add("checkout.session.completed", b.session("complete", "unpaid", true));
        b.maybe("payment_intent.processing", b.intent("processing", false));
        b.add("checkout.session.async_payment_succeeded", b.session("complete", "paid", true));
        b.maybe("payment_intent.succeeded", b.intent("succeeded", false));
        break;
      case kind::async_failed:
        b.add("checkout.session.completed", b.session("complete", "unpaid", true));
        b.add("payment_intent.payment_failed", b.intent("requires_payment_method", true));
        b.add("checkout.session.async_payment_failed", b.session("complete", "unpaid", true));
        break;
      case kind::untouched:
        b.add("payment_intent.created", b.intent("requires_payment_method", false));
        b.add("balance.available", json::object{{"object", "balance"}, {"livemode", false}});
        break;
    }
  }
  return plan;
}

std::string with_order(std::string text, const std::string& order_id) {
  const std::string placeholder = order_placeholder;
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + order_id.size()))
    text.replace(at, placeholder.size(), order_id);
  return text;
}

// ---- One database ------------------------------------------------------------------------

// A fresh database for this test alone. Commits need not wait for the disk (nothing here
// survives a server crash anyway), which keeps 30,000 transactions fast.
std::string replay_database(const char* purpose) {
  auto url = testing::fresh_database(purpose);
  pqxx::connection admin(testing::admin_database_url());
  pqxx::nontransaction(admin).exec("ALTER DATABASE " + url.substr(url.rfind('/') + 1) + " SET synchronous_commit = off");
  return url;
}

struct scenario_ids {
  std::string booking, order, competitor, student;
};

struct replay_db {
  explicit replay_db(const char* purpose) : url(replay_database(purpose)), conn(url) {
    db::migrate(conn, db::bundled_migrations());
    domain::tutor_rules anouk;
    anouk.id = "anouk";
    anouk.name = "Anouk";
    domain::tutor_rules daan;
    daan.id = "daan";
    daan.name = "Daan";
    db::upsert_tutors(conn, {anouk, daan});
  }

  std::string url;
  db::connection conn;
  std::vector<scenario_ids> ids;
  std::vector<std::vector<std::string>> outcomes;  // per scenario, what applying each event did
  std::vector<std::vector<std::string>> problems;  // per scenario: events that threw or never applied
};

// Preparation and delivery run in two threads (one per database), where Boost.Test's
// assertions may not be used: what cannot go on throws, and the test fails with it.
void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("payment_replay: " + what);
}

db::order_request request_for(const scenario& s) {
  db::order_request r;
  domain::quote_line line;
  line.product_id = s.k == kind::package_paid ? "package-2x60" : "lesson-60";
  line.description_nl = line.description_en = line.product_id;
  line.unit_amount = line.amount = line.list_unit_amount = domain::cents{s.amount};
  r.quote.lines = {line};
  r.quote.total = domain::cents{s.amount};
  r.quote.currency = "EUR";
  r.quote.payment_required = true;
  r.product_id = line.product_id;
  r.customer_email = "student" + s.n() + "@example.org";
  r.credits = s.k == kind::package_paid ? package_credits : 0;
  return r;
}

db::new_hold hold_for(const scenario& s, const std::string& student_ref, sys_seconds expires) {
  return db::new_hold{domain::tutor_id{s.tutor}, student_ref, s.start, s.start + 60min, s.start - 10min,
                      s.start + 65min, expires, "lesson-60", domain::cents{lesson_cents}};
}

// The same starting point in every database: holds, orders with their Checkout Session, the
// late scenarios' holds swept, and the competitors that took some of those slots.
void prepare(replay_db& d, const std::vector<scenario>& plan, sys_seconds now) {
  d.ids.assign(plan.size(), {});
  d.outcomes.assign(plan.size(), {});
  d.problems.assign(plan.size(), {});
  for (const auto& s : plan) {
    auto& ids = d.ids[s.index];
    if (s.k == kind::package_paid) {
      ids.student = db::ensure_student(d.conn, "student-" + s.n(), "student" + s.n() + "@example.org");
      ids.order = db::open_package_order(d.conn, ids.student, request_for(s), now + 24h).id;
    } else {
      auto held = db::insert_hold(d.conn, hold_for(s, "student-" + s.n(), is_late(s.k) ? now + 10min : now + 7 * 24h));
      require(std::holds_alternative<domain::booking>(held), "no hold for " + s.label());
      ids.booking = std::get<domain::booking>(held).id.value;
      auto order = db::open_order_for_hold(d.conn, domain::booking_id{ids.booking}, request_for(s), now);
      require(std::holds_alternative<db::order_view>(order), "no order for " + s.label());
      ids.order = std::get<db::order_view>(order).id;
    }
    db::attach_checkout(d.conn, ids.order, s.session(), "https://checkout.stripe.com/c/pay/" + s.session());
  }
  {
    // Half the orders were asked for in a chat (by SQL: schema 002 has the columns).
    pqxx::connection c(d.url);
    pqxx::work tx(c);
    for (const auto& s : plan) {
      if (!s.conversation) continue;
      tx.exec_params("INSERT INTO conversations (chatwoot_conversation_id, chatwoot_account_id) VALUES ($1, 1)",
                     s.conversation_id());
      tx.exec_params("UPDATE orders SET conversation_id = $1 WHERE id = $2::uuid", s.conversation_id(), d.ids[s.index].order);
    }
    tx.commit();
  }
  auto swept = db::expire_holds(d.conn, now + 20min);
  auto late = std::count_if(plan.begin(), plan.end(), [](const scenario& s) { return is_late(s.k); });
  require(static_cast<long>(swept.size()) == static_cast<long>(late), "the sweep expired other holds than the late ones");
  for (const auto& s : plan) {
    if (!slot_taken(s.k)) continue;
    auto other = db::insert_hold(d.conn, hold_for(s, "competitor-" + s.n(), now + 7 * 24h));
    require(std::holds_alternative<domain::booking>(other), "no competitor for " + s.label());
    d.ids[s.index].competitor = std::get<domain::booking>(other).id.value;
    if (s.competitor_confirmed) {
      auto confirmed = db::confirm_hold(d.conn, domain::booking_id{d.ids[s.index].competitor}, now + 20min, by_staff);
      require(std::holds_alternative<domain::booking>(confirmed), "competitor of " + s.label() + " not confirmed");
    }
  }
}

// An exception's message on one line (PostgreSQL's end in a newline).
std::string message_of(const std::exception& e) {
  std::string text = e.what();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

net::stripe_event parse(const std::string& body) {
  auto parsed = net::parse_stripe_event(body);
  if (auto* error = std::get_if<net::stripe_parse_error>(&parsed))
    throw std::runtime_error("an event of the replay does not parse: " + error->message);
  return std::get<net::stripe_event>(std::move(parsed));
}

// Each scenario's events in order, straight through apply_stripe_event; a deferred event
// goes to the back of its scenario's queue. An event that throws (a bug) is noted and
// skipped, one that is still deferred after all others were applied is noted and dropped.
void deliver_in_order(replay_db& d, const std::vector<scenario>& plan, sys_seconds now) {
  for (const auto& s : plan) {
    std::deque<std::pair<std::string, const planned_event*>> queue;
    for (const auto& e : s.events) queue.emplace_back(with_order(e.json, d.ids[s.index].order), &e);
    for (int deferrals = 0; !queue.empty();) {
      auto [body, planned] = std::move(queue.front());
      queue.pop_front();
      try {
        auto verdict = actors::apply_stripe_event(parse(body), d.conn, now);
        d.outcomes[s.index].push_back(verdict.outcome);
        if (verdict.processed) continue;
        if (++deferrals < 20) {
          queue.emplace_back(std::move(body), planned);
          continue;
        }
        d.problems[s.index].push_back(planned->id + " " + planned->type + " deferred for ever: " + verdict.outcome);
      } catch (const std::exception& e) {
        d.outcomes[s.index].push_back("threw");
        d.problems[s.index].push_back(planned->id + " " + planned->type + " threw: " + message_of(e));
      }
    }
  }
}

struct inbox_stats {
  std::size_t deliveries = 0, stored = 0, refused_duplicates = 0, applied = 0, deferred = 0, crashed = 0, threw = 0;
  std::size_t killed_workers = 0;
  std::size_t given_up = 0;  // events that threw or were deferred too often: parked, still pending
};

int scenario_of(const std::string& event_id) { return std::stoi(event_id.substr(4)); }  // evt_<i>_<k>

// Every event two or three times, all scenarios mixed, through the webhook inbox: stored as
// the webhook endpoint does, leased in small batches while deliveries still arrive, deferred
// (with backoff) when it cannot be applied yet, and now and then applied without being marked
// processed because its worker died, so that it is leased and applied again: after its lease
// runs out, or at once when the worker's connection died with it.
inbox_stats deliver_shuffled(replay_db& d, const std::vector<scenario>& plan, std::mt19937_64& rng) {
  struct delivery {
    int scenario;
    std::size_t event;
  };
  std::vector<delivery> deliveries;
  for (const auto& s : plan)
    for (std::size_t e = 0; e < s.events.size(); ++e) {
      int copies = std::bernoulli_distribution(0.25)(rng) ? 3 : 2;
      for (int c = 0; c < copies; ++c) deliveries.push_back({s.index, e});
    }
  std::shuffle(deliveries.begin(), deliveries.end(), rng);

  inbox_stats stats;
  stats.deliveries = deliveries.size();
  // Inbox rows are due from the wall clock's now() at storing; the worker's clock starts
  // after that and moves on by itself.
  auto clock = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 2h;
  bool draining = false;
  // As the supervisor backs off: 30 s, 1 min, 2 min, … up to 16 min; 30 s once all is in.
  auto backoff = [&](int attempts) {
    return std::chrono::seconds{draining ? 30 : 30 << std::min(attempts - 1, 5)};
  };
  std::map<long long, int> drain_deferrals;  // inbox id → deferrals after the last delivery
  // One batch of a worker that, with probability `dies`, applies an event and stops before
  // marking it processed.
  auto work_batch = [&](db::connection& worker, int limit, double dies) {
    std::bernoulli_distribution crash(dies);
    auto batch = db::lease_inbox(worker, "stripe", limit, 60s, clock);
    for (const auto& item : batch) {
      // Parked for the rest of the run: the event is still pending at the end.
      auto give_up = [&](const std::string& why) {
        ++stats.given_up;
        d.problems[scenario_of(item.event_id)].push_back(item.event_id + " " + item.event_type + " " + why);
        db::defer_event(worker, item.id, why, 24h * 365, clock);
      };
      actors::event_verdict verdict;
      try {
        verdict = actors::apply_stripe_event(parse(item.payload), worker, clock);
        ++stats.applied;
      } catch (const std::exception& e) {
        // As the payment supervisor does: the event stays leased and comes again after the lease.
        ++stats.threw;
        if (item.attempts >= 5) give_up("threw on every attempt: " + message_of(e));
        continue;
      }
      if (!verdict.processed) {
        ++stats.deferred;
        // Once every delivery is in, what its event waits for is in the inbox too.
        if (draining && ++drain_deferrals[item.id] > 20) give_up("deferred for ever: " + verdict.outcome);
        else db::defer_event(worker, item.id, verdict.outcome, backoff(item.attempts), clock);
      } else if (crash(rng)) {
        ++stats.crashed;  // applied, never marked: it is leased and applied again
      } else {
        db::mark_processed(worker, item.id);
      }
    }
    return batch.size();
  };

  std::uniform_int_distribution<int> chunk(1, 40);
  for (std::size_t next = 0; next < deliveries.size();) {
    for (int n = chunk(rng); n > 0 && next < deliveries.size(); --n, ++next) {
      const auto& s = plan[deliveries[next].scenario];
      const auto& e = s.events[deliveries[next].event];
      if (db::store_webhook(d.conn, "stripe", e.id, e.type, with_order(e.json, d.ids[s.index].order)))
        ++stats.stored;
      else
        ++stats.refused_duplicates;
    }
    if (std::bernoulli_distribution(0.1)(rng)) {
      // A worker process that is killed: what it leased and did not mark is taken over as soon
      // as its connection is gone (or, should the server not have noticed yet, after the lease).
      ++stats.killed_workers;
      db::connection doomed(d.url);
      work_batch(doomed, chunk(rng), 0.5);
    } else {
      // The steady worker dies now and then too, but its connection lives on: the lease runs out.
      work_batch(d.conn, chunk(rng), 0.1);
    }
    clock += 7s;
  }
  draining = true;
  for (int idle = 0;;) {
    if (work_batch(d.conn, 200, 0.1) > 0) continue;
    if (db::count_inbox(d.conn, "stripe").pending == static_cast<long long>(stats.given_up)) break;
    require(++idle < 500, "the inbox never empties: events are deferred for ever");
    clock += 61s;  // past every deferral and lease
  }
  return stats;
}

// ---- The state, per scenario ---------------------------------------------------------------

struct scenario_state {
  std::string booking_status, paid_with, cancel_reason;
  std::string order_status;
  long long refunded = 0;
  std::string payment_intent;
  bool paid_at = false;
  std::vector<std::string> payments;        // "kind reference amount status", sorted
  std::map<std::string, int> outbox;        // kind (":competitor" for the competitor's) → rows
  std::vector<std::string> outbox_details;  // what a refund or expiry asks for, sorted
  std::vector<std::string> ledger;          // "reason delta", sorted
  std::string competitor_status;
  // What the order's conversation was told (conversation_events of kind payment): how often
  // each event, and for refund_done the amounts told in all (when and in how many messages
  // a refund is told may follow what Stripe said first); `messages` lists them for reading.
  std::map<std::string, int> told;
  long long refund_told = 0;
  std::vector<std::string> messages;

  bool operator==(const scenario_state& o) const {
    auto key = [](const scenario_state& s) {
      return std::tie(s.booking_status, s.paid_with, s.cancel_reason, s.order_status, s.refunded, s.payment_intent,
                      s.paid_at, s.payments, s.outbox, s.outbox_details, s.ledger, s.competitor_status, s.told,
                      s.refund_told);
    };
    return key(*this) == key(o);
  }

  int count(const std::string& kind) const {
    auto it = outbox.find(kind);
    return it == outbox.end() ? 0 : it->second;
  }

  int times_told(const std::string& event) const {
    auto it = told.find(event);
    return it == told.end() ? 0 : it->second;
  }

  std::string describe() const {
    std::ostringstream out;
    out << "booking " << (booking_status.empty() ? "-" : booking_status) << "/" << (paid_with.empty() ? "-" : paid_with)
        << "/" << (cancel_reason.empty() ? "-" : cancel_reason) << "; order " << order_status << " refunded "
        << refunded << " pi " << (payment_intent.empty() ? "-" : payment_intent) << (paid_at ? " paid_at" : "")
        << "; payments [";
    for (std::size_t i = 0; i < payments.size(); ++i) out << (i ? ", " : "") << payments[i];
    out << "]; outbox {";
    bool first = true;
    for (const auto& [k, n] : outbox) out << (std::exchange(first, false) ? "" : ", ") << k << ": " << n;
    out << "}";
    for (const auto& d : outbox_details) out << " [" << d << "]";
    if (!ledger.empty()) {
      out << "; ledger [";
      for (std::size_t i = 0; i < ledger.size(); ++i) out << (i ? ", " : "") << ledger[i];
      out << "]";
    }
    if (!competitor_status.empty()) out << "; competitor " << competitor_status;
    if (!messages.empty()) {
      out << "; told [";
      for (std::size_t i = 0; i < messages.size(); ++i) out << (i ? ", " : "") << messages[i];
      out << "]";
    }
    return out.str();
  }
};

struct database_state {
  std::vector<scenario_state> scenarios;
  bool messages = false;  // the schema has conversation_events
  std::vector<std::string> unattributed;  // outbox or ledger rows that belong to no scenario
};

database_state read_state(replay_db& d) {
  std::map<std::string, std::pair<int, bool>> booking_of;  // booking id → (scenario, is competitor)
  std::map<std::string, int> order_of, student_of;
  for (std::size_t i = 0; i < d.ids.size(); ++i) {
    const int n = static_cast<int>(i);
    if (!d.ids[i].booking.empty()) booking_of[d.ids[i].booking] = {n, false};
    if (!d.ids[i].competitor.empty()) booking_of[d.ids[i].competitor] = {n, true};
    order_of[d.ids[i].order] = n;
    if (!d.ids[i].student.empty()) student_of[d.ids[i].student] = n;
  }
  database_state state;
  state.scenarios.resize(d.ids.size());
  auto& st = state.scenarios;

  pqxx::connection c(d.url);
  pqxx::nontransaction tx(c);
  for (const auto& r : tx.exec("SELECT id::text, status, coalesce(paid_with, ''), coalesce(cancel_reason, '') FROM bookings")) {
    auto it = booking_of.find(r[0].as<std::string>());
    if (it == booking_of.end()) {
      state.unattributed.push_back("booking " + r[1].as<std::string>());
      continue;
    }
    auto& s = st[it->second.first];
    if (it->second.second) {
      s.competitor_status = r[1].as<std::string>();
    } else {
      s.booking_status = r[1].as<std::string>();
      s.paid_with = r[2].as<std::string>();
      s.cancel_reason = r[3].as<std::string>();
    }
  }
  for (const auto& r : tx.exec("SELECT id::text, status, refunded_cents, coalesce(stripe_payment_intent_id, ''), "
                               "paid_at IS NOT NULL FROM orders")) {
    auto it = order_of.find(r[0].as<std::string>());
    if (it == order_of.end()) {
      state.unattributed.push_back("order " + r[1].as<std::string>());
      continue;
    }
    auto& s = st[it->second];
    s.order_status = r[1].as<std::string>();
    s.refunded = r[2].as<long long>();
    s.payment_intent = r[3].as<std::string>();
    s.paid_at = r[4].as<bool>();
  }
  for (const auto& r : tx.exec("SELECT order_id::text, kind, provider_reference, amount_cents, status FROM payments")) {
    st[order_of.at(r[0].as<std::string>())].payments.push_back(r[1].as<std::string>() + " " + r[2].as<std::string>() +
                                                               " " + r[3].as<std::string>() + " " +
                                                               r[4].as<std::string>());
  }
  for (const auto& r : tx.exec("SELECT kind, idempotency_key, payload::text FROM outbox")) {
    const auto kind = r[0].as<std::string>();
    auto payload = json::parse(r[2].as<std::string>()).as_object();
    auto text = [&](const char* key) {
      const auto* v = payload.if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    if (auto b = booking_of.find(text("booking_id")); b != booking_of.end()) {
      ++st[b->second.first].outbox[b->second.second ? kind + ":competitor" : kind];
    } else if (auto o = order_of.find(text("order_id")); o != order_of.end()) {
      auto& s = st[o->second];
      ++s.outbox[kind];
      auto key = r[1].as<std::string>();  // the order id in it differs between the databases
      if (auto at = key.find(o->first); at != std::string::npos) key.replace(at, o->first.size(), "<order>");
      std::string detail = kind + " key " + key;
      if (const auto* amount = payload.if_contains("amount_cents")) detail += " amount " + json::serialize(*amount);
      if (!text("reason").empty()) detail += " reason " + text("reason");
      if (!text("session_id").empty()) detail += " session " + text("session_id");
      s.outbox_details.push_back(detail);
    } else {
      state.unattributed.push_back("outbox " + kind + " " + r[2].as<std::string>());
    }
  }
  for (const auto& r : tx.exec("SELECT student_id::text, coalesce(order_id::text, ''), reason, delta FROM credit_ledger")) {
    auto o = order_of.find(r[1].as<std::string>());
    auto s = student_of.find(r[0].as<std::string>());
    int n = o != order_of.end() ? o->second : s != student_of.end() ? s->second : -1;
    auto row = r[2].as<std::string>() + " " + r[3].as<std::string>();
    if (n < 0) state.unattributed.push_back("ledger " + row);
    else st[n].ledger.push_back(row);
  }
  state.messages = tx.exec("SELECT to_regclass('conversation_events') IS NOT NULL")[0][0].as<bool>();
  if (state.messages) {
    for (const auto& r : tx.exec("SELECT conversation_id, dedupe_key, payload::text FROM conversation_events "
                                 "WHERE kind = 'payment'")) {
      const auto n = r[0].as<long long>() - 900000;
      if (n < 0 || n >= static_cast<long long>(st.size())) {
        state.unattributed.push_back("conversation event " + r[1].as<std::string>());
        continue;
      }
      auto& s = st[n];
      auto payload = json::parse(r[2].as<std::string>()).as_object();
      const auto* event = payload.if_contains("event");
      const std::string what = event && event->is_string() ? std::string(event->as_string()) : "?";
      auto message = r[1].as<std::string>();
      if (auto at = message.find(d.ids[n].order); at != std::string::npos)
        message.replace(at, d.ids[n].order.size(), "<order>");
      if (const auto* amount = payload.if_contains("amount_cents"); amount && amount->is_int64()) {
        message += " " + std::to_string(amount->as_int64());
        if (what == "refund_done") s.refund_told += amount->as_int64();
      }
      if (what != "refund_done") ++s.told[what];
      s.messages.push_back(message);
    }
  }
  for (auto& s : st) {
    std::sort(s.messages.begin(), s.messages.end());
    std::sort(s.payments.begin(), s.payments.end());
    std::sort(s.outbox_details.begin(), s.outbox_details.end());
    std::sort(s.ledger.begin(), s.ledger.end());
  }
  std::sort(state.unattributed.begin(), state.unattributed.end());
  return state;
}

// ---- What each kind must end as, whatever the delivery order -------------------------------

std::vector<std::string> violations(const scenario& s, const scenario_state& st, bool messages) {
  std::vector<std::string> out;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) out.push_back(what);
  };
  const std::string charge_ok = "charge " + s.intent() + " " + std::to_string(s.amount) + " succeeded";
  const std::string charge_failed = "charge " + s.intent() + " " + std::to_string(s.amount) + " failed";
  auto has = [&](const std::string& row) { return std::find(st.payments.begin(), st.payments.end(), row) != st.payments.end(); };
  auto refunds_succeeded = [&] {
    long long sum = 0;
    for (const auto& p : st.payments)
      if (p.rfind("refund ", 0) == 0) {
        // KNOWN BUG (refund_pending_then_succeeded): record_refund_row lets a late
        // refund.created (pending) overwrite the 'succeeded' of an earlier refund.updated.
        expect(p.ends_with(" succeeded"), "every refund row succeeded (" + p + ")");
        std::istringstream in(p);
        std::string kind, ref;
        long long amount = 0;
        in >> kind >> ref >> amount;
        sum += amount;
      }
    return sum;
  };
  auto confirmed_by_payment = [&] {
    expect(st.booking_status == "confirmed", "booking confirmed");
    expect(st.paid_with == "stripe", "booking paid_with stripe");
    expect(st.order_status == "paid", "order paid");
    expect(st.refunded == 0, "nothing refunded");
    // The payment that succeeded is the one row of its intent, whatever failed before it.
    // KNOWN BUG (failed_then_paid): record_charge's ON CONFLICT DO NOTHING keeps the 'failed'
    // row that record_payment_failure wrote for the same payment intent.
    expect(st.payments == std::vector<std::string>{charge_ok}, "payments = [" + charge_ok + "]");
    expect(st.count("calendar.sync") == 1, "one calendar.sync for the confirmation");
    expect(st.count("stripe.refund") == 0, "no refund");
  };
  auto cancelled_by_refund = [&] {
    expect(st.booking_status == "cancelled" && st.cancel_reason == "refunded", "booking cancelled (refunded)");
    expect(st.order_status == "refunded" && st.refunded == s.amount, "order refunded in full");
    expect(has(charge_ok), "the charge succeeded");
    expect(refunds_succeeded() == s.amount, "the refund rows add up to the amount");
    expect(st.count("calendar.sync") == 2, "one calendar.sync for the confirmation and one for the cancellation");
    expect(st.count("stripe.refund") == 0, "no refund asked of Stripe (it was made there)");
  };
  auto released = [&](const char* order_status, const char* reason) {
    expect(st.booking_status == "expired" && st.cancel_reason == reason,
           std::string("booking expired (") + reason + ")");
    expect(st.order_status == order_status, std::string("order ") + order_status);
    expect(!has(charge_ok), "no succeeded charge");
    expect(st.outbox.empty(), "no side effects");
  };

  switch (s.k) {
    case kind::paid:
    case kind::failed_then_paid:
    case kind::async_paid:
      confirmed_by_payment();
      expect(st.outbox.size() == 1, "no other side effects");
      break;
    case kind::late_slot_free:
      confirmed_by_payment();
      expect(st.count("stripe.expire_session") <= 1, "the sweep's session expiry at most once");
      break;
    case kind::refunded:
    case kind::refund_pending_then_succeeded:
    case kind::refunded_in_two_parts:
      cancelled_by_refund();
      break;
    case kind::partially_refunded:
      expect(st.order_status == "partially_refunded" && st.refunded == 1500, "order partially refunded (1500)");
      expect(has(charge_ok), "the charge succeeded");
      expect(refunds_succeeded() == 1500, "one refund row of 1500");
      // What a partial refund means for the lesson is policy; whichever it is, the calendar
      // follows it once.
      expect(st.count("calendar.sync") == (st.booking_status == "cancelled" ? 2 : 1), "calendar.sync once per change");
      expect(st.count("stripe.refund") == 0, "no refund asked of Stripe");
      break;
    case kind::expired:
      released("expired", "checkout_expired");
      expect(st.payments.empty(), "no payments");
      break;
    case kind::expired_after_failure:
      released("expired", "checkout_expired");
      expect(st.payments == std::vector<std::string>{charge_failed}, "payments = [" + charge_failed + "]");
      break;
    case kind::async_failed:
      released("failed", "payment_failed");
      expect(st.payments == std::vector<std::string>{charge_failed}, "payments = [" + charge_failed + "]");
      break;
    case kind::late_slot_taken:
    case kind::late_slot_taken_refunded: {
      // KNOWN BUG: record_paid_checkout throws here ("current transaction is aborted"): its
      // pqxx::subtransaction never issues SAVEPOINT (libpqxx 6.4 begins it lazily, and
      // exec_prepared does not), so the exclusion violation aborts the whole transaction.
      expect(st.booking_status == "expired", "booking stays expired (its slot is someone else's)");
      expect(has(charge_ok), "the charge succeeded");
      expect(st.count("calendar.sync") == 0, "no calendar event for the lost booking");
      expect(st.count("stripe.refund") == 1, "exactly one stripe.refund");
      expect(std::count(st.outbox_details.begin(), st.outbox_details.end(),
                        "stripe.refund key refund:slot-lost:<order> amount " + std::to_string(s.amount) +
                            " reason slot_no_longer_free") == 1,
             "the refund is the whole amount, keyed on the order");
      expect(st.competitor_status == (s.competitor_confirmed ? "confirmed" : "held"), "the competitor keeps the slot");
      expect(st.count("calendar.sync:competitor") == (s.competitor_confirmed ? 1 : 0), "the competitor's calendar.sync");
      if (s.k == kind::late_slot_taken) {
        expect(st.order_status == "paid" && st.refunded == 0, "order paid (refund on its way)");
      } else {
        expect(st.order_status == "refunded" && st.refunded == s.amount, "order refunded in full");
        expect(refunds_succeeded() == s.amount, "the refund row");
      }
      break;
    }
    case kind::untouched:
      expect(st.booking_status == "held" && st.order_status == "open", "booking held, order open");
      expect(st.payments.empty() && st.outbox.empty(), "no payments, no side effects");
      break;
    case kind::package_paid:
      expect(st.order_status == "paid", "order paid");
      expect(st.payments == std::vector<std::string>{charge_ok}, "payments = [" + charge_ok + "]");
      expect(st.ledger == std::vector<std::string>{"package_purchase " + std::to_string(package_credits)},
             "the package's lessons credited once");
      expect(st.outbox.empty(), "no side effects");
      break;
  }
  if (s.k != kind::package_paid) expect(st.ledger.empty(), "no credit changes");
  expect(st.count("stripe.refund") <= 1, "never two refunds");
  if (messages) {
    // The chat hears of each outcome once (and a chat-less order is told nothing).
    const bool c = s.conversation;
    const bool paid = s.k != kind::expired && s.k != kind::expired_after_failure && s.k != kind::async_failed &&
                      s.k != kind::untouched;
    const bool confirmed = paid && !slot_taken(s.k) && s.k != kind::package_paid;
    const bool cancelled = s.k == kind::refunded || s.k == kind::refund_pending_then_succeeded ||
                           s.k == kind::refunded_in_two_parts || st.cancel_reason == "refunded";
    const long long refund = slot_taken(s.k) ? s.amount : st.refunded;
    expect(st.times_told("payment_succeeded") == (c && paid ? 1 : 0), "told payment_succeeded once");
    expect(st.times_told("booking_confirmed") == (c && confirmed ? 1 : 0), "told booking_confirmed once");
    expect(st.times_told("booking_cancelled") == (c && cancelled ? 1 : 0), "told booking_cancelled once");
    expect(st.times_told("payment_expired") == (c && (s.k == kind::expired || s.k == kind::expired_after_failure) ? 1 : 0),
           "told payment_expired once");
    // A refund still on its way may be told now or once Stripe has made it, but only once.
    // KNOWN BUG (late_slot_taken_refunded, chat): record_paid_checkout tells refund_done
    // (key …:refund_done) and record_refund tells it again (key …:refund_done:4500).
    if (s.k == kind::late_slot_taken && c)
      expect(st.refund_told == 0 || st.refund_told == refund, "told of the refund at most once (" + std::to_string(refund) + ")");
    else
      expect(st.refund_told == (c ? refund : 0), "told of the money refunded once (" + std::to_string(c ? refund : 0) + ")");
    if (!c) expect(st.messages.empty(), "nothing told without a chat");
  }
  return out;
}

std::uint64_t replay_seed() {
  if (const char* text = std::getenv("TUTORBOT_REPLAY_SEED"); text && *text) return std::stoull(text);
  return std::random_device{}() * 0x100000000ull + std::random_device{}();
}

// One report per scenario that went wrong, at most 20 (and 5 per kind, so that every kind
// of failure shows); the rest are counted per kind. TUTORBOT_REPLAY_REPORT_ALL=1 shows all.
class mismatch_report {
 public:
  explicit mismatch_report(std::uint64_t seed) : seed_(seed) {}

  void add(const scenario& s, const std::vector<std::string>& issues) {
    if (issues.empty()) return;
    ++total_;
    if (++per_kind_[name_of(s.k)] > per_kind_limit_ || ++shown_ > limit_) return;
    std::ostringstream text;
    for (const auto& issue : issues) text << "\n  " << issue;
    BOOST_ERROR("seed " << seed_ << ", scenario " << s.label() << ":" << text.str());
  }

  void finish() {
    std::ostringstream summary;
    for (const auto& [k, n] : per_kind_) summary << " " << k << " " << n << ";";
    BOOST_TEST(total_ == 0, "seed " << seed_ << ": " << total_ << " scenarios went wrong, per kind:" << summary.str());
  }

 private:
  std::uint64_t seed_;
  bool all_ = std::getenv("TUTORBOT_REPLAY_REPORT_ALL") != nullptr;
  int limit_ = all_ ? 1000000 : 20;
  int per_kind_limit_ = all_ ? 1000000 : 5;
  int total_ = 0, shown_ = 0;
  std::map<std::string, int> per_kind_;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payment_replay)

BOOST_AUTO_TEST_CASE(duplicated_shuffled_delivery_ends_in_the_in_order_state_with_each_side_effect_once) {
  const auto seed = replay_seed();
  std::cout << "payment_replay: seed " << seed << " (TUTORBOT_REPLAY_SEED=" << seed << " replays this run)" << std::endl;
  BOOST_TEST_MESSAGE("payment_replay: seed " << seed);
  std::mt19937_64 rng(seed);
  const auto started = std::chrono::steady_clock::now();

  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto first_day = std::chrono::floor<std::chrono::days>(now) + std::chrono::days{30};
  const auto plan = plan_scenarios(rng, first_day, now.time_since_epoch().count());
  std::map<std::string, int> kinds;
  std::size_t events = 0;
  for (const auto& s : plan) {
    ++kinds[name_of(s.k)];
    events += s.events.size();
  }
  std::ostringstream mix;
  for (const auto& [k, n] : kinds) mix << " " << k << " " << n;
  BOOST_TEST_MESSAGE("payment_replay: " << plan.size() << " scenarios, " << events << " events:" << mix.str());

  replay_db in_order("replay_in_order");
  replay_db shuffled("replay_shuffled");
  // The two databases are independent: each is prepared and fed on its own thread.
  auto in_order_run = std::async(std::launch::async, [&] {
    prepare(in_order, plan, now);
    deliver_in_order(in_order, plan, now + 1h);
    return seconds_since(started);
  });
  prepare(shuffled, plan, now);
  const double prepared = seconds_since(started);
  auto stats = deliver_shuffled(shuffled, plan, rng);
  const double shuffled_done = seconds_since(started);
  const double in_order_done = in_order_run.get();
  BOOST_TEST_MESSAGE("payment_replay: in order done after " << in_order_done << " s; shuffled prepared after "
                                                         << prepared << " s, done after " << shuffled_done << " s");
  BOOST_TEST_MESSAGE("payment_replay: " << stats.deliveries << " deliveries, " << stats.stored << " stored, "
                                        << stats.refused_duplicates << " refused as duplicates, " << stats.applied
                                        << " applications, " << stats.deferred << " deferred, " << stats.crashed
                                        << " applied without being marked (" << stats.killed_workers
                                        << " workers killed), " << stats.threw << " threw, "
                                        << stats.given_up << " given up");

  // The inbox kept each event once and processed all of them.
  BOOST_TEST(stats.stored == events);
  BOOST_TEST(stats.refused_duplicates == stats.deliveries - events);
  auto inbox = db::count_inbox(shuffled.conn, "stripe");
  BOOST_TEST(inbox.processed == static_cast<long long>(events));
  BOOST_TEST(inbox.pending == 0);

  auto expected = read_state(in_order);
  auto actual = read_state(shuffled);
  BOOST_TEST(expected.unattributed == actual.unattributed, "rows that belong to no scenario differ");
  BOOST_TEST(expected.unattributed.empty(), "rows that belong to no scenario: " << expected.unattributed.size());

  mismatch_report report(seed);
  for (const auto& s : plan) {
    std::vector<std::string> issues;
    const auto& a = expected.scenarios[s.index];
    const auto& b = actual.scenarios[s.index];
    for (const auto& [d, name] : {std::pair{&in_order, "in order"}, std::pair{&shuffled, "shuffled"}})
      for (const auto& p : d->problems[s.index]) issues.push_back(std::string(name) + ": " + p);
    if (!(a == b)) issues.push_back("states differ\n    in order: " + a.describe() + "\n    shuffled: " + b.describe());
    for (const auto& [state, name] : {std::pair{&a, "in order"}, std::pair{&b, "shuffled"}}) {
      auto wrong = violations(s, *state, expected.messages);
      if (wrong.empty()) continue;
      std::string text = std::string(name) + " ends as " + state->describe() + "\n    expected:";
      for (const auto& w : wrong) text += " " + w + ";";
      issues.push_back(text);
    }
    // What the payment did, as apply_stripe_event said in order.
    const auto& outcomes = in_order.outcomes[s.index];
    auto said = [&](const char* outcome) { return std::count(outcomes.begin(), outcomes.end(), outcome) == 1; };
    if (s.k == kind::late_slot_free && !said("rebooked_late")) issues.push_back("in order: the payment was not rebooked_late");
    if (slot_taken(s.k) && !said("refund_due")) issues.push_back("in order: the payment was not refund_due");
    report.add(s, issues);
  }
  report.finish();
  BOOST_TEST_MESSAGE("payment_replay: done in " << seconds_since(started) << " s");
}

BOOST_AUTO_TEST_SUITE_END()
