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
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "db/inbox.hpp"
#include "tests/integration/db/payment_replay/checker.hpp"
#include "tests/integration/db/payment_replay/delivery.hpp"
#include "tests/integration/db/payment_replay/scenarios.hpp"

using namespace tutorbot;
using namespace tutorbot::testing::replay;
using namespace std::chrono_literals;

namespace {

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
