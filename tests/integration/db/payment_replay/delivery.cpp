#include "tests/integration/db/payment_replay/delivery.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "actors/payment_events.hpp"
#include "db/bookings.hpp"
#include "db/inbox.hpp"
#include "db/credit.hpp"
#include "db/payments.hpp"
#include "net/stripe_json.hpp"
#include "tests/integration/db/bookings_fixture.hpp"
#include "tests/support/pg.hpp"

namespace tutorbot::testing::replay {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {

// A fresh database for this test alone. Commits need not wait for the disk (nothing here
// survives a server crash anyway), which keeps 30,000 transactions fast.
std::string replay_database(const char* purpose) {
  auto url = testing::fresh_database(purpose);
  pqxx::connection admin(testing::admin_database_url());
  pqxx::nontransaction(admin).exec("ALTER DATABASE " + url.substr(url.rfind('/') + 1) + " SET synchronous_commit = off");
  return url;
}

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

int scenario_of(const std::string& event_id) { return std::stoi(event_id.substr(4)); }  // evt_<i>_<k>

}  // namespace

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

replay_db::replay_db(const char* purpose) : url(replay_database(purpose)), conn(url) {
  migrate_with_two_tutors(conn);
}

}  // namespace tutorbot::testing::replay
