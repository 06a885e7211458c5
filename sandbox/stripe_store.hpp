#pragma once
// The Stripe sandbox's account: Checkout Sessions with their line items, the
// PaymentIntents, Charges and Refunds that paying and refunding make, and the Events each
// change emits, with Stripe's validation and state rules. No I/O and no clock: callers
// pass `now` and take the new events to deliver. Not thread-safe: the sandbox locks.
//
// Rules Stripe leaves to its servers, chosen here and kept stable:
// - Only mode=payment with price_data line items (there are no saved Prices, Products or
//   Customers: naming one is resource_missing).
// - The first payment attempt on the hosted page creates the PaymentIntent
//   (payment_intent.created); a declined attempt leaves the session open with that
//   PaymentIntent in requires_payment_method (charge.failed, payment_intent.payment_failed),
//   a successful one completes it (charge.succeeded, payment_intent.succeeded,
//   checkout.session.completed). Expiring an open session cancels its PaymentIntent
//   (payment_intent.canceled) and emits checkout.session.expired.
// - A refund emits refund.created and charge.refunded (with previous_attributes).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "sandbox/stripe_objects.hpp"
#include "sandbox/stripe_params.hpp"
#include "sandbox/stripe_protocol.hpp"

namespace tutorbot::sandbox::stripe {

using result = std::variant<boost::json::object, api_error>;
using std::chrono::sys_seconds;

// What caused an event: an API request, or nobody (the hosted page, the expiry timer), as
// Stripe's event.request tells.
struct request_origin {
  std::string id;               // req_…
  std::string idempotency_key;  // as sent
};

class stripe_store {
 public:
  stripe_store(std::string api_version, std::optional<std::uint64_t> seed);

  // POST /v1/checkout/sessions; `page_base` ("http://127.0.0.1:8090") hosts its page.
  // Creating a session emits no event: Stripe has no checkout.session.created.
  result create_session(const boost::json::object& params, const std::string& page_base, sys_seconds now);
  result session(const std::string& id) const;  // 404 resource_missing when unknown
  result session_line_items(const std::string& id, const boost::json::object& params) const;
  result list_sessions(const boost::json::object& params) const;
  // POST /v1/checkout/sessions/{id}/expire: open sessions only.
  result expire_session(const std::string& id, const request_origin& origin, sys_seconds now);

  // The hosted page: the customer pays with one of the session's payment method types
  // ("" picks the first), is declined, or cancels the session.
  result pay(const std::string& id, const std::string& method_type, sys_seconds now);
  result decline(const std::string& id, const std::string& method_type, sys_seconds now);
  result abandon(const std::string& id, sys_seconds now);
  // Open sessions whose expires_at has passed expire, as Stripe's own timer makes them.
  // Returns how many did.
  int expire_due(sys_seconds now);
  // The line items of a session (the page shows them); empty when unknown.
  boost::json::array line_items_of(const std::string& id) const;

  result create_refund(const boost::json::object& params, const request_origin& origin, sys_seconds now);
  result refund(const std::string& id) const;
  result list_refunds(const boost::json::object& params) const;
  result payment_intent(const std::string& id) const;
  result charge(const std::string& id) const;
  result event(const std::string& id) const;
  result list_events(const boost::json::object& params) const;

  // Any object the account holds (session, PaymentIntent, charge, refund, event) by id.
  std::optional<boost::json::object> find(const std::string& id) const;

  // Replaces the ids at the expand[] paths of an answer by the objects they name.
  result expand(boost::json::object answer, const std::vector<std::string>& paths) const;

  // Events emitted since the last call, oldest first: the ones to deliver.
  std::vector<boost::json::object> take_new_events();
  // New events count this many endpoints in pending_webhooks.
  void set_webhook_endpoints(int count) { webhook_endpoints_ = count; }
  // A delivery of the event succeeded: pending_webhooks becomes 0.
  void webhook_delivered(const std::string& event_id);

  std::string new_id(std::string_view prefix, int length = 24) { return ids_.make(prefix, length); }
  id_source& ids() { return ids_; }
  const std::string& api_version() const { return api_version_; }

 private:
  struct session_record {
    boost::json::object resource;
    boost::json::array line_items;
    boost::json::object payment_intent_metadata;
    std::string payment_intent_description;
  };

  void emit(std::string type, const boost::json::object& object, const request_origin& origin, sys_seconds now,
            boost::json::object previous_attributes = {});
  // The session's PaymentIntent, created (and announced) on the first attempt.
  boost::json::object& payment_intent_for(session_record& session, sys_seconds now);
  // Refuses a session that is not open (expiring it first when its time has passed).
  std::optional<api_error> check_payable(session_record& session, sys_seconds now);
  // One attempt on the hosted page of an open session, with one of its payment method types:
  // the session, its PaymentIntent, and the attempt's charge (its outcome still to be set).
  struct payment_attempt {
    boost::json::object& session;
    boost::json::object& intent;
    charge_fields charge;
  };
  std::variant<payment_attempt, api_error> begin_attempt(const std::string& id, const std::string& method_type,
                                                         sys_seconds now);
  void expire(session_record& session, const request_origin& origin, sys_seconds now);
  std::variant<std::string, api_error> checked_method(const session_record& session, const std::string& method) const;
  result create_session_checked(const params& p, const std::string& page_base, sys_seconds now);
  result create_refund_checked(const params& p, const request_origin& origin, sys_seconds now);
  const boost::json::object* find_object(const std::string& id) const;
  std::optional<api_error> expand_value(boost::json::value& value, const std::string& path, std::size_t from,
                                        int depth) const;

  std::string api_version_;
  id_source ids_;
  int webhook_endpoints_ = 0;
  std::map<std::string, session_record> sessions_;
  std::vector<std::string> session_order_;  // creation order
  std::map<std::string, boost::json::object> payment_intents_;
  std::map<std::string, std::string> session_of_payment_intent_;
  std::map<std::string, boost::json::object> charges_;
  std::map<std::string, boost::json::object> refunds_;
  std::vector<std::string> refund_order_;
  std::vector<boost::json::object> events_;  // creation order
  std::map<std::string, std::size_t> event_index_;
  std::size_t undelivered_from_ = 0;
};

// A page of a list, newest first, as Stripe's list endpoints answer: limit (1–100,
// default 10), starting_after, ending_before. `kind` names the object in errors.
result list_page(const std::vector<const boost::json::object*>& newest_first, const params& p,
                 const std::string& url, std::string_view kind);
// Whether `created` passes the `created` parameter (a number, or created[gt|gte|lt|lte]).
bool created_matches(const params& p, std::int64_t created);

}  // namespace tutorbot::sandbox::stripe
