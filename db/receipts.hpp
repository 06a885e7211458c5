#pragma once
// A paid order as its receipt tells it: what was paid for, when, and to whom the receipt goes.
#include <chrono>
#include <optional>
#include <string>

#include "db/connection.hpp"
#include "domain/types.hpp"

namespace tutorbot::db {

struct paid_order {
  std::string id;
  std::string lines_json;  // the quote's lines as charged (orders.lines)
  domain::cents total{0}, vat{0};
  std::string locale;      // "nl" or "en"
  std::chrono::sys_seconds paid_at{};
  std::string email;       // the address given at checkout, else the student's; may be empty
  std::string name;        // the student's, when known and the receipt goes to them
  std::optional<long long> conversation_id;  // the chat that asked for it
};

// nullopt when no order has this id, or it was never paid.
std::optional<paid_order> find_paid_order(connection& conn, const std::string& order_id);

}  // namespace tutorbot::db
