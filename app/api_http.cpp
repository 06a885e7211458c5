#include "app/api_http.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "app/idempotency.hpp"
#include "domain/instant.hpp"
#include "net/constant_time.hpp"

namespace tutorbot::app {

net::handler_fn bearer_guarded(std::string token, net::handler_fn handler) {
  return [token = std::move(token), handler = std::move(handler)](net::server_request&& req, net::respond_fn respond) {
    auto auth = req.header("Authorization").value_or("");
    const std::string prefix = "Bearer ";
    if (token.empty() || auth.rfind(prefix, 0) != 0 || !net::constant_time_equal(auth.substr(prefix.size()), token)) {
      auto r = net::server_response::error(401, "unauthorized", "a valid bearer token is required");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return respond(std::move(r));
    }
    handler(std::move(req), std::move(respond));
  };
}

net::handler_fn guarded_idempotent(caf::actor_system& system, caf::actor db_pool, std::string token,
                                   net::handler_fn handler) {
  return bearer_guarded(std::move(token), idempotent(system, std::move(db_pool), std::move(handler)));
}

net::server_response unavailable(const caf::error&) {
  return net::server_response::error(503, "unavailable", "the booking service is busy or the database is down; retry");
}

net::server_response problem_response(const api_problem& problem) {
  return net::server_response::error(problem.status, problem.code, problem.message);
}

namespace {

boost::json::object booking_json(const domain::booking& b) {
  using domain::rfc3339;
  boost::json::object o;
  o["booking_id"] = b.id.value;
  o["tutor_id"] = b.tutor.value;
  o["start"] = rfc3339(b.lesson_start);
  o["end"] = rfc3339(b.lesson_end);
  o["status"] = domain::to_string(b.status);
  o["product_id"] = b.product_id;
  o["price_cents"] = b.price.value;
  o["student_ref"] = b.student_ref;
  if (!b.calendar_event_id.empty()) o["calendar_event_id"] = b.calendar_event_id;
  if (b.hold_expires_at && b.status == domain::booking_status::held) o["expires_at"] = rfc3339(*b.hold_expires_at);
  return o;
}

}  // namespace

std::string booking_json_text(const domain::booking& b) { return boost::json::serialize(booking_json(b)); }

std::string series_json_text(const db::stored_series& s) {
  boost::json::array lessons;
  for (const auto& b : s.bookings) lessons.push_back(booking_json(b));
  boost::system::error_code ec;
  auto clashes = boost::json::parse(s.clashes, ec);  // written by domain::clashes_json
  boost::json::object o{{"series_id", s.id},
                        {"tutor_id", s.tutor.value},
                        {"student_ref", s.student_ref},
                        {"first_start", domain::rfc3339(s.first_start)},
                        {"duration_minutes", s.duration_minutes},
                        {"interval_weeks", s.interval_weeks},
                        {"on_clash", s.on_clash},
                        {"rrule", s.rrule},
                        {"lessons", std::move(lessons)},
                        {"clashes", ec ? boost::json::value(boost::json::array{}) : std::move(clashes)}};
  return boost::json::serialize(o);
}

std::string bookings_json_text(const std::vector<domain::booking>& bookings) {
  boost::json::array out;
  for (const auto& b : bookings) out.push_back(booking_json(b));
  return boost::json::serialize(out);
}

}  // namespace tutorbot::app
