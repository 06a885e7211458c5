#pragma once
// The payment replay's scenarios (payment_replay_test.cpp): 1,000 orders, each of a kind
// drawn by weight, with the Stripe events that kind brings, in the order Stripe sends them.
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "db/bookings.hpp"

namespace tutorbot::testing::replay {

inline const db::staff_override by_staff{"Eva", "paid in cash at the desk"};

inline constexpr int scenario_count = 1000;
inline constexpr long long lesson_cents = 4500;
inline constexpr long long package_cents = 8000;
inline constexpr int package_credits = 2;
inline constexpr const char* order_placeholder = "@ORDER@";  // each database has its own order ids

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

const char* name_of(kind k);
inline bool is_late(kind k) { return k == kind::late_slot_free || k == kind::late_slot_taken || k == kind::late_slot_taken_refunded; }
inline bool slot_taken(kind k) { return k == kind::late_slot_taken || k == kind::late_slot_taken_refunded; }

struct planned_event {
  std::string id, type;
  std::string json;  // with order_placeholder where the order id goes
};

struct scenario {
  int index = 0;
  kind k = kind::paid;
  std::string tutor;
  std::chrono::sys_seconds start;             // of the lesson
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

std::vector<scenario> plan_scenarios(std::mt19937_64& rng, std::chrono::sys_seconds first_day, long long created);

// The event's JSON with the order id of one database where order_placeholder stands.
std::string with_order(std::string text, const std::string& order_id);

}  // namespace tutorbot::testing::replay
