#pragma once
// The payment replay's checker (payment_replay_test.cpp): each scenario's state as the
// database holds it, and what each kind of scenario must end as, whatever the order.
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/integration/db/payment_replay/delivery.hpp"

namespace tutorbot::testing::replay {

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

database_state read_state(replay_db& d);

// What `st` breaks of the end its scenario's kind must reach; `messages`: the schema keeps
// what the order's conversation was told.
std::vector<std::string> violations(const scenario& s, const scenario_state& st, bool messages);

}  // namespace tutorbot::testing::replay
