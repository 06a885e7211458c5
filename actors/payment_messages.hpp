#pragma once
// What the payment supervisor is asked and answers (in-process only: unsafe message types).
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include <caf/allowed_unsafe_message_type.hpp>

#include "db/payments.hpp"
#include "domain/language.hpp"

namespace tutorbot::actors {

// How long to ask the supervisor for a checkout: past its own wait on Stripe (the client's
// longest_wait), so the supervisor always answers first.
inline std::chrono::milliseconds checkout_ask_timeout(std::chrono::milliseconds stripe_wait) {
  return stripe_wait + std::chrono::seconds(5);
}

// A Checkout Session for a held booking (the same one when asked again).
struct lesson_checkout_request {
  domain::booking_id booking;
  std::string customer_email;
  domain::language locale = domain::language::nl;
  std::optional<long long> conversation_id;  // told of the payment's outcome
  std::optional<db::conversation_fence> fence;  // the asking conversation step's claim
};

// A Checkout Session for a package, whose lessons go on the student's credit once paid.
struct package_checkout_request {
  std::string student_ref;
  std::string product_id;
  std::string customer_email;
  domain::language locale = domain::language::nl;
  std::optional<long long> conversation_id;
  std::optional<db::conversation_fence> fence;
};

// One Checkout Session for every held lesson of a series (the same one when asked again).
struct series_checkout_request {
  std::string series_id;
  std::string customer_email;
  domain::language locale = domain::language::nl;
  std::optional<long long> conversation_id;
  std::optional<db::conversation_fence> fence;
};

enum class checkout_refusal {
  not_found,        // no such booking or series, or no such package product (404)
  hold_expired,     // the hold ended; hold the slot again (409)
  wrong_status,     // the booking is not held, or the series' lessons changed (409)
  nothing_to_pay,   // the price is 0: confirm it without Stripe (422)
  stripe_failed,    // Stripe refused or could not be reached (502)
};

struct checkout_answer {
  std::variant<db::order_view, checkout_refusal> outcome;
  std::string message;  // why, for a refusal
};

}  // namespace tutorbot::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::lesson_checkout_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::package_checkout_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::series_checkout_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::checkout_answer)
