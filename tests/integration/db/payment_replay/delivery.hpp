#pragma once
// The payment replay's databases and deliveries (payment_replay_test.cpp): the same starting
// point in each database, then the scenarios' events applied in order to one and, through
// the webhook inbox, duplicated, shuffled and now and then applied twice to another.
#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "tests/integration/db/payment_replay/scenarios.hpp"

namespace tutorbot::testing::replay {

struct scenario_ids {
  std::string booking, order, competitor, student;
};

struct replay_db {
  // A fresh database with the schema and two tutors (anouk, daan).
  explicit replay_db(const char* purpose);

  std::string url;
  db::connection conn;
  std::vector<scenario_ids> ids;
  std::vector<std::vector<std::string>> outcomes;  // per scenario, what applying each event did
  std::vector<std::vector<std::string>> problems;  // per scenario: events that threw or never applied
};

// The same starting point in every database: holds, orders with their Checkout Session, the
// late scenarios' holds swept, and the competitors that took some of those slots.
void prepare(replay_db& d, const std::vector<scenario>& plan, std::chrono::sys_seconds now);

// Each scenario's events in the order Stripe sent them, applied at once.
void deliver_in_order(replay_db& d, const std::vector<scenario>& plan, std::chrono::sys_seconds now);

struct inbox_stats {
  std::size_t deliveries = 0, stored = 0, refused_duplicates = 0, applied = 0, deferred = 0, crashed = 0, threw = 0;
  std::size_t killed_workers = 0;
  std::size_t given_up = 0;  // events that threw or were deferred too often: parked, still pending
};

// Every event two or three times, all scenarios mixed, through the webhook inbox.
inbox_stats deliver_shuffled(replay_db& d, const std::vector<scenario>& plan, std::mt19937_64& rng);

}  // namespace tutorbot::testing::replay
