#pragma once
// A fault campaign: two `tutorbot serve` instances on one PostgreSQL behind a balancer that
// keeps an instance out of rotation while it is down or paused (as a health-checking load
// balancer does), students who book and pay lessons over the Chatwoot sandbox, and a nemesis
// that kills instances (SIGKILL), pauses one (SIGSTOP, longer than a lease), restarts
// PostgreSQL, and makes Chatwoot, Stripe and Google slow (beyond their timeouts), failing
// (429, 5xx) and dropping webhooks — all on loopback. Afterwards a checker reads the whole
// history: every paid session booked or refunded, every student message answered exactly
// once, no overlapping bookings, every acknowledged webhook processed, the outbox drained,
// nothing parked without a reason.
//
// The CI-sized run is an e2e test (tests/e2e/fault_campaign_test.cpp); the long one is
// build/bench/fault_campaign (bench/README.md). Both need the test PostgreSQL of
// scripts/with_test_pg.sh (TUTORBOT_TEST_DATABASE_URL, TUTORBOT_TEST_PG_RESTART).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tutorbot::testing {

enum class fault_kind {
  kill,             // SIGKILL an instance, restart it
  pause,            // SIGSTOP an instance longer than a lease, then SIGCONT
  pg_restart,       // restart PostgreSQL under both
  chatwoot_slow,    // answers later than the client's attempt timeout, for a while
  chatwoot_failing, // the next few calls get 429 or 5xx
  stripe_slow,
  stripe_failing,
  google_slow,
  google_failing,
  chatwoot_drops,   // the next webhooks are lost (Chatwoot never retries them)
  stripe_drops,     // the next deliveries are lost (Stripe's retries and the reconciler must recover)
};
std::string to_string(fault_kind kind);
// Every kind once (kills twice): what a CI-sized run goes through.
std::vector<fault_kind> every_fault_kind();

struct campaign_options {
  std::string binary;      // build/tutorbot
  std::string config_dir;  // tests/config, copied and tuned for quick recovery
  // Faults in this order; empty: `faults` drawn at random (kills and provider faults often,
  // pauses and PostgreSQL restarts less).
  std::vector<fault_kind> schedule;
  int faults = 200;
  int students = 3;  // each books lesson after lesson, concurrently
  std::chrono::milliseconds gap_min{2000}, gap_max{5000};  // between faults
  std::chrono::seconds pause_length{36};                   // past the outbox lease (30 s)
  std::chrono::seconds slow_window{8};                     // how long a provider stays slow
  unsigned seed = 0;                                       // 0: drawn, and reported
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

struct campaign_report {
  unsigned seed = 0;
  int faults = 0, kills = 0, pauses = 0, pg_restarts = 0, provider_faults = 0, dropped_webhooks = 0;
  int journeys = 0, booked = 0, messages = 0;
  int duplicates = 0, lost = 0, money_without_lesson = 0, overlapping_bookings = 0;
  int unprocessed_events = 0, undrained_outbox = 0, parked_without_reason = 0;
  int parked = 0, given_up = 0;     // set aside with a reason: for staff, not violations
  std::vector<std::string> problems;   // a line per violation
  std::vector<std::string> set_aside;  // what was parked or given up, with its reason
  std::chrono::seconds took{0};

  bool clean() const;
  // faults=… kills=… pauses=… pg_restarts=… messages=… duplicates=0 lost=0 money_without_lesson=0 …
  std::string summary() const;
};

campaign_report run_fault_campaign(const campaign_options& options);

}  // namespace tutorbot::testing
