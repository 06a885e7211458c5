#pragma once
// Orders and payments: each function is one transaction and idempotent, so a Stripe event
// applied twice, or applied again after a crash before it was marked processed, changes
// nothing the second time. Side effects (calendar events, refunds, expiring a Checkout
// Session) are enqueued in the outbox in the same transaction, under deterministic keys.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "db/bookings.hpp"
#include "db/connection.hpp"
#include "db/fence.hpp"
#include "db/outbox.hpp"
#include "domain/pricing.hpp"

namespace tutorbot::db {

struct order_view {
  std::string id;
  std::string kind;    // lesson | package | series
  std::string status;  // open | paid | failed | expired | refunded | partially_refunded | cancelled
  std::string product_id;
  std::string lines_json;
  domain::cents total, vat, refunded;
  std::string currency;
  std::string locale;
  std::string customer_email;
  std::optional<std::chrono::sys_seconds> expires_at;
  std::string session_id, checkout_url, payment_intent;
  std::optional<domain::booking_id> booking;  // the lesson this order pays for (kind lesson)
  std::optional<std::string> series;          // the series whose lessons it pays for (kind series)
  std::optional<std::string> student_id;
  std::optional<long long> conversation_id;   // the chat that asked for it: told of the outcome
};

struct order_request {
  domain::quote quote;
  std::string product_id;
  std::string customer_email;
  std::string locale = "nl";
  int credits = 0;  // a package: lessons put on the student's credit once paid
  std::optional<long long> conversation_id;  // told what becomes of the order
  // The claim of the conversation step asking: no order is opened unless it stands.
  std::optional<conversation_fence> fence;
};

// The order that pays for a held booking: created on the first call (expiring with the hold),
// the same order on later calls.
using open_order_result = std::variant<order_view, not_found, hold_expired, wrong_status>;
open_order_result open_order_for_hold(connection& conn, const domain::booking_id& booking, const order_request& request,
                                      std::chrono::sys_seconds now);

// A held lesson of a series with what it is charged in the series' order.
struct priced_lesson {
  domain::booking_id booking;
  domain::cents share;
};

// The order that pays for every held lesson of a series in one Checkout: created on the first
// call (expiring with the earliest hold), the same order on later calls. `lessons` must be
// exactly the series' held lessons (else wrong_status: the series changed since it was read);
// each keeps its share as its price, so a cancelled lesson is refunded from what it cost.
open_order_result open_order_for_series(connection& conn, const std::string& series_id,
                                        const std::vector<priced_lesson>& lessons, const order_request& request,
                                        std::chrono::sys_seconds now);

// A package order for a student; it expires after `lifetime` unless paid.
order_view open_package_order(connection& conn, const std::string& student_id, const order_request& request,
                              std::chrono::sys_seconds expires_at);

// Remembers the Checkout Session created for an order, unless another was attached first
// (two checkout requests for one order raced): then this one is ended through the outbox
// (stripe.expire_session), so an order never has two payable sessions. Returns the order
// with the session it keeps.
order_view attach_checkout(connection& conn, const std::string& order_id, const std::string& session_id,
                           const std::string& url);

std::optional<order_view> find_order(connection& conn, const std::string& order_id);
std::optional<order_view> find_order_by_session(connection& conn, const std::string& session_id);
// Open orders whose Checkout Session should have ended by `cutoff` (for the reconciler).
std::vector<order_view> open_orders_expired_before(connection& conn, std::chrono::sys_seconds cutoff, int limit);

struct paid_checkout {
  std::string order_id;  // from the session's metadata / client_reference_id
  std::string session_id;
  std::string payment_intent;
  domain::cents amount;
};
enum class payment_outcome {
  confirmed,         // the held booking is confirmed
  rebooked_late,     // paid after the hold ended, the slot was still free: confirmed
  refund_due,        // paid after the hold ended and the slot is gone: a full refund is enqueued
  extra_payment_refund_due,  // a second payment for an order already paid: it is refunded in full
  partly_refunded,   // a series paid late: the lessons still free are confirmed, the others refunded
  credited,          // a package: the lessons are on the student's credit
  already_recorded,  // this payment was applied before
  unknown_order,
};
std::string_view to_string(payment_outcome outcome);
payment_outcome record_paid_checkout(connection& conn, const paid_checkout& paid, std::chrono::sys_seconds now);

enum class release_outcome { released, already_settled, unknown_order };
std::string_view to_string(release_outcome outcome);
// The session expired (or its delayed payment failed: `failed` = true): the order ends and
// its holds (one, or every lesson of a series) are released.
release_outcome record_checkout_ended(connection& conn, const std::string& order_id, const std::string& session_id,
                                      bool failed, std::chrono::sys_seconds now);

// A payment attempt failed; the session stays open for another try. False: unknown order.
bool record_payment_failure(connection& conn, const std::string& order_id, const std::string& payment_intent);

struct refund_facts {
  std::string refund_id;       // empty when only the charge's total is known (charge.refunded)
  std::string payment_intent;
  domain::cents amount;        // of this refund; for charge.refunded the charge's amount_refunded
  std::string status;          // succeeded | pending | failed | canceled | requires_action
};
enum class refund_outcome { booking_cancelled, recorded, already_recorded, unknown_payment };
std::string_view to_string(refund_outcome outcome);
refund_outcome record_refund(connection& conn, const refund_facts& refund, std::chrono::sys_seconds now);

}  // namespace tutorbot::db
