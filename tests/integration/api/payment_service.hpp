#pragma once
// tutorbot serving with Stripe and Google Calendar switched on against in-process sandboxes,
// the Stripe sandbox delivering its signed webhooks to tutorbot: what the payment tests use.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/integration/api/google_service.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stripe/fixture.hpp"

namespace tutorbot::testing {

struct payment_service {
  explicit payment_service(const std::string& purpose, const std::function<void(config::config&)>& adjust = {})
      : service(purpose, [&](config::config& cfg) {
          auto& st = cfg.service.providers.stripe;
          st.enabled = true;
          st.api_base = stripe.base_url();
          st.secret_key = config::secret(stripe.secret_key());
          st.webhook_secrets = {config::secret(test_webhook_secret)};
          if (adjust) adjust(cfg);
        }) {
    stripe.sandbox().set_webhook_endpoint("http://127.0.0.1:" + std::to_string(service.port()) + "/webhooks/stripe",
                                          test_webhook_secret);
  }

  unsigned short port() const { return service.port(); }

  // POST/GET/DELETE on tutorbot's API with the test token.
  raw_response api(const std::string& method, const std::string& target, const std::string& body = "") const {
    return http_request(port(), method, target, body, api_auth);
  }

  // The first free 60-minute start of anouk from `days_ahead` days on.
  std::string free_start(int days_ahead) const {
    auto r = api("GET", "/api/v1/tutors/anouk/slots?from=" + local_date_in(days_ahead) + "&to=" +
                            local_date_in(days_ahead + 7) + "&duration=60");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    auto slots = boost::json::parse(r.body).as_array();
    BOOST_REQUIRE(!slots.empty());
    return std::string(slots.front().as_object().at("start").as_string());
  }

  std::string hold(const std::string& start, const std::string& student = "student-1") const {
    auto r = api("POST", "/api/v1/holds",
                 R"({"tutor_id":"anouk","start":")" + start + R"(","duration_minutes":60,"student_ref":")" + student +
                     R"("})");
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return std::string(boost::json::parse(r.body).at("booking_id").as_string());
  }

  boost::json::object checkout(const std::string& booking) const {
    auto r = api("POST", "/api/v1/bookings/" + booking + "/checkout", R"({"email":"ouder@example.nl"})");
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return boost::json::parse(r.body).as_object();
  }

  std::string booking_status(const std::string& booking) const {
    pqxx::connection c(service.url);
    return pqxx::nontransaction(c).exec_params1("SELECT status FROM bookings WHERE id = $1::uuid", booking)[0].as<std::string>();
  }

  std::string order_status(const std::string& order) const {
    pqxx::connection c(service.url);
    return pqxx::nontransaction(c).exec_params1("SELECT status FROM orders WHERE id = $1::uuid", order)[0].as<std::string>();
  }

  long scalar(const std::string& sql) const {
    pqxx::connection c(service.url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
  }

  // Polls until `p` holds, failing the test with `what` after the deadline.
  template <class Predicate>
  void wait_until(Predicate p, const std::string& what, std::chrono::seconds limit = std::chrono::seconds(20)) const {
    BOOST_REQUIRE_MESSAGE(eventually(p, limit), "timed out waiting until " + what);
  }

  stripe_sandbox_server stripe;
  stripe_api stripe_http{stripe.port(), stripe.secret_key()};
  google_service service;
};

}  // namespace tutorbot::testing
