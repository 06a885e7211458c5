#pragma once
// Plain HTTP calls to the Stripe sandbox as a Stripe client makes them (form-encoded
// parameters, Bearer key, Idempotency-Key), answers parsed as JSON: for tests that check
// the wire protocol itself rather than tutorbot's client.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "net/form.hpp"

namespace tutorbot::testing {

struct stripe_answer {
  int status = 0;
  boost::json::value body;  // null when the body is not JSON
  std::string text;         // the raw body
  std::string headers_text;
  std::string header(const std::string& name) const;
  // body.error.<field> as text, "" when absent.
  std::string error(const std::string& field) const;
};

class stripe_api {
 public:
  stripe_api(unsigned short port, std::string secret_key) : port_(port), key_(std::move(secret_key)) {}

  stripe_answer post(const std::string& path, const net::form_fields& fields,
                     const std::string& idempotency_key = "", const std::string& extra_headers = "") const;
  stripe_answer get(const std::string& path, const net::form_fields& query = {},
                    const std::string& extra_headers = "") const;
  // The hosted page's buttons, as `tutorbot chat` presses them: POST /checkout/{id}/{action}
  // with Accept: application/json (action: pay, fail, expire).
  stripe_answer press(const std::string& session_id, const std::string& action,
                      const net::form_fields& form = {}) const;
  // Any request, no key added.
  stripe_answer raw(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& headers) const;

  // A valid session (one 45.00 EUR lesson, iDEAL and card, metadata order_id) plus `extra`;
  // returns the created session (the test fails when creation does).
  boost::json::object create_session(const net::form_fields& extra = {}) const;
  // The types of /v1/events, newest first (up to 100).
  std::vector<std::string> event_types(const net::form_fields& filter = {}) const;

 private:
  unsigned short port_;
  std::string key_;
};

// The parameters of a one-lesson session, as tutorbot creates it.
net::form_fields lesson_session_form(std::int64_t unit_amount = 4500);

}  // namespace tutorbot::testing
