#include "app/api_routes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "actors/ask.hpp"
#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/db_pool.hpp"
#include "app/idempotency.hpp"
#include "db/bookings.hpp"
#include "net/constant_time.hpp"
#include "domain/instant.hpp"
#include "domain/pricing.hpp"

namespace tutorbot::app {

namespace json = boost::json;
using net::server_response;
using std::chrono::sys_seconds;

namespace {

constexpr auto actor_timeout = std::chrono::seconds(10);
constexpr int max_window_days = 92;

using domain::rfc3339;

std::optional<date::year_month_day> parse_local_date(const std::string& text) {
  auto day = domain::parse_iso_date(text);
  if (!day) return std::nullopt;
  return date::year_month_day{date::year{static_cast<int>(day->year())}, date::month{static_cast<unsigned>(day->month())},
                              date::day{static_cast<unsigned>(day->day())}};
}

std::optional<int> parse_positive_int(const std::string& text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value > 0 ? std::optional<int>(value) : std::nullopt;
}

// Local midnight of `day` as an instant (choose::earliest covers a zone that skips midnight).
sys_seconds local_midnight(const date::time_zone* zone, date::year_month_day day) {
  return std::chrono::time_point_cast<std::chrono::seconds>(
      zone->to_sys(date::local_days{day}, date::choose::earliest));
}

json::object booking_json(const domain::booking& b) {
  json::object o;
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

// The hottest answer of the service, written directly: its shape is fixed and RFC 3339 text
// needs no escaping, so building a JSON tree per slot would only allocate.
std::string slots_json(const std::vector<domain::slot>& slots) {
  std::string out;
  out.reserve(2 + slots.size() * 56);
  out += '[';
  for (const auto& s : slots) {
    if (out.size() > 1) out += ',';
    out += R"({"start":")";
    out += rfc3339(s.start);
    out += R"(","end":")";
    out += rfc3339(s.end);
    out += R"("})";
  }
  out += ']';
  return out;
}

server_response transition_response(const db::transition_result& outcome) {
  return std::visit(
      [](const auto& r) -> server_response {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, domain::booking>) {
          return server_response::json(200, json::serialize(booking_json(r)));
        } else if constexpr (std::is_same_v<T, db::not_found>) {
          return server_response::error(404, "not_found", "no such booking");
        } else if constexpr (std::is_same_v<T, db::hold_expired>) {
          return server_response::error(409, "hold_expired", "the hold expired; the slot was released");
        } else if constexpr (std::is_same_v<T, db::different_tutor>) {
          return server_response::error(422, "different_tutor", "the hold is for another tutor than the booking");
        } else {
          return server_response::error(409, "wrong_status",
                                        "the booking is " + std::string(domain::to_string(r.status)));
        }
      },
      outcome);
}

}  // namespace

std::string booking_json_text(const domain::booking& b) { return json::serialize(booking_json(b)); }

server_response unavailable(const caf::error&) {
  return server_response::error(503, "unavailable", "the booking service is busy or the database is down; retry");
}

net::handler_fn bearer_guarded(std::string token, net::handler_fn handler) {
  return [token = std::move(token), handler = std::move(handler)](net::server_request&& req, net::respond_fn respond) {
    auto auth = req.header("Authorization").value_or("");
    const std::string prefix = "Bearer ";
    if (token.empty() || auth.rfind(prefix, 0) != 0 || !net::constant_time_equal(auth.substr(prefix.size()), token)) {
      auto r = server_response::error(401, "unauthorized", "a valid bearer token is required");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return respond(std::move(r));
    }
    handler(std::move(req), std::move(respond));
  };
}

void add_api_routes(net::router& routes, const api_context& ctx) {
  auto guarded = [ctx](net::handler_fn handler) { return bearer_guarded(ctx.api_token, std::move(handler)); };
  // A route that changes something: a retry with the same Idempotency-Key gets the first reply.
  auto mutating = [ctx](net::handler_fn handler) {
    return bearer_guarded(ctx.api_token, idempotent(ctx.system, ctx.db_pool, std::move(handler)));
  };

  routes.add("GET", "/api/v1/tutors", guarded([ctx](net::server_request&&, net::respond_fn respond) {
    json::array tutors;
    for (const auto& t : ctx.calendar->tutors) {
      json::array durations;
      for (int d : t.durations_minutes) durations.push_back(d);
      tutors.push_back(json::object{{"id", t.id}, {"name", t.name}, {"durations_minutes", durations}});
    }
    respond(server_response::json(200, json::serialize(tutors)));
  }));

  routes.add("GET", "/api/v1/tutors/{id}/slots", guarded([ctx](net::server_request&& req, net::respond_fn respond) {
    const auto& tutor = req.path_params.at("id");
    if (!ctx.calendar->find_tutor(tutor)) {
      return respond(server_response::error(404, "unknown_tutor", "no tutor with id " + tutor));
    }
    auto from = parse_local_date(req.query_param("from").value_or(""));
    auto to = parse_local_date(req.query_param("to").value_or(""));
    auto duration = parse_positive_int(req.query_param("duration").value_or(""));
    if (!from || !to) {
      return respond(server_response::error(400, "bad_date", "from and to must be dates as YYYY-MM-DD"));
    }
    if (!duration) {
      return respond(server_response::error(400, "bad_duration", "duration must be a whole number of minutes"));
    }
    auto days = (date::sys_days{*to} - date::sys_days{*from}).count();
    if (days < 0 || days >= max_window_days) {
      return respond(server_response::error(400, "bad_window", "to must be on or after from, at most 92 days later"));
    }
    domain::slot_query query;
    query.from = local_midnight(ctx.zone, *from);
    query.to = local_midnight(ctx.zone, date::year_month_day{date::sys_days{*to} + date::days{1}});
    query.duration_minutes = *duration;
    actors::ask<actors::slots_answer>(
        ctx.system, ctx.registry, caf::duration{actor_timeout},
        [respond](caf::expected<actors::slots_answer> answer) {
          if (!answer) return respond(unavailable(answer.error()));
          if (std::holds_alternative<domain::availability_error>(answer->slots)) {
            return respond(server_response::error(422, "duration_not_allowed",
                                                  "this tutor does not give lessons of that length"));
          }
          auto response = server_response::json(200, slots_json(std::get<std::vector<domain::slot>>(answer->slots)));
          // How old the tutor's Google busy times are ("unknown" before the first answer).
          response.headers.emplace_back("X-Calendar-Busy-Age",
                                        answer->busy_age ? std::to_string(answer->busy_age->count()) : "unknown");
          respond(std::move(response));
        },
        actors::slots_atom::value, actors::slots_request{domain::tutor_id{tutor}, query});
  }));

  routes.add("POST", "/api/v1/holds", mutating([ctx](net::server_request&& req, net::respond_fn respond) {
    boost::system::error_code ec;
    auto body = json::parse(req.body, ec);
    if (ec || !body.is_object()) {
      return respond(server_response::error(400, "bad_json", "the body must be a JSON object"));
    }
    const auto& o = body.as_object();
    auto text = [&](const char* key) -> std::optional<std::string> {
      auto* v = o.if_contains(key);
      if (!v || !v->is_string()) return std::nullopt;
      return std::string(v->as_string());
    };
    auto tutor = text("tutor_id");
    auto start_text = text("start");
    auto student_ref = text("student_ref");
    auto* duration_value = o.if_contains("duration_minutes");
    if (!tutor || !start_text || !student_ref || !duration_value || !duration_value->is_int64()) {
      return respond(server_response::error(
          400, "bad_request", "expected {tutor_id: string, start: RFC 3339, duration_minutes: integer, student_ref: string}"));
    }
    auto start = domain::parse_rfc3339(*start_text);
    if (!start) return respond(server_response::error(400, "bad_date", "start must be RFC 3339, e.g. 2026-12-01T16:00:00+01:00"));
    auto duration = duration_value->as_int64();
    if (duration <= 0 || duration > 24 * 60) {
      return respond(server_response::error(400, "bad_duration", "duration_minutes must be between 1 and 1440"));
    }
    if (student_ref->size() > 200) {
      return respond(server_response::error(400, "bad_request", "student_ref is at most 200 characters"));
    }
    if (!ctx.calendar->find_tutor(*tutor)) {
      return respond(server_response::error(404, "unknown_tutor", "no tutor with id " + *tutor));
    }
    const auto* product = ctx.payments->lesson_of(static_cast<int>(duration));
    if (!product) {
      return respond(server_response::error(422, "duration_not_allowed", "no lesson product of that length"));
    }
    domain::quote_request quote_req;
    quote_req.product_id = product->id;
    quote_req.lesson_start = *start;
    quote_req.zone = ctx.zone;
    auto quoted = domain::quote_booking(*ctx.payments, quote_req);
    auto price = std::holds_alternative<domain::quote>(quoted) ? std::get<domain::quote>(quoted).total : product->price;
    actors::hold_request hold{domain::tutor_id{*tutor}, *start, static_cast<int>(duration), *student_ref,
                              product->id, price, std::nullopt};
    actors::ask<actors::hold_answer>(
        ctx.system, ctx.registry, caf::duration{actor_timeout},
        [respond](caf::expected<actors::hold_answer> answer) {
          if (!answer) return respond(unavailable(answer.error()));
          if (auto* b = std::get_if<domain::booking>(&answer->outcome)) {
            return respond(server_response::json(
                201, json::serialize(json::object{{"booking_id", b->id.value},
                                                  {"expires_at", rfc3339(b->hold_expires_at.value_or(b->lesson_start))}})));
          }
          switch (std::get<actors::hold_refusal>(answer->outcome)) {
            case actors::hold_refusal::slot_taken:
              return respond(server_response::error(409, "slot_taken", "another booking overlaps this slot"));
            case actors::hold_refusal::day_full:
              return respond(server_response::error(409, "day_full", "the tutor's lessons for that day are full"));
            case actors::hold_refusal::outside_availability:
              return respond(server_response::error(422, "outside_availability",
                                                    "not a bookable start for this tutor (hours, notice, horizon, step)"));
            case actors::hold_refusal::duration_not_allowed:
              return respond(server_response::error(422, "duration_not_allowed",
                                                    "this tutor does not give lessons of that length"));
          }
        },
        actors::hold_atom::value, std::move(hold));
  }));

  auto transition = [ctx](auto atom, std::string reason) {
    return [ctx, atom, reason](net::server_request&& req, net::respond_fn respond) {
      actors::transition_request t{domain::booking_id{req.path_params.at("id")}, reason, {}, {}, {}};
      if constexpr (std::is_same_v<decltype(atom), actors::reschedule_atom>) {
        boost::system::error_code ec;
        auto body = json::parse(req.body, ec);
        const json::value* hold = ec || !body.is_object() ? nullptr : body.as_object().if_contains("hold_id");
        if (!hold || !hold->is_string())
          return respond(server_response::error(400, "bad_request", "expected {hold_id: string}: a held slot to move onto"));
        t.onto = domain::booking_id{std::string(hold->as_string())};
      }
      if constexpr (std::is_same_v<decltype(atom), actors::confirm_atom>) {
        // Payments confirm bookings by themselves; this route is a staff member's override.
        boost::system::error_code ec;
        auto body = json::parse(req.body, ec);
        auto text = [&](const char* key) -> std::string {
          const json::value* v = ec || !body.is_object() ? nullptr : body.as_object().if_contains(key);
          return v && v->is_string() ? std::string(v->as_string()) : std::string{};
        };
        t.confirmed_by = {text("staff"), text("reason")};
        if (t.confirmed_by.staff.empty() || t.confirmed_by.staff.size() > 100 || t.confirmed_by.reason.empty() ||
            t.confirmed_by.reason.size() > 500)
          return respond(server_response::error(
              400, "override_required",
              "confirming without a payment is a staff override: send {staff: who (≤ 100 characters), "
              "reason: why (≤ 500 characters)}"));
      }
      actors::ask<actors::transition_answer>(
          ctx.system, ctx.registry, caf::duration{actor_timeout},
          [respond](caf::expected<actors::transition_answer> answer) {
            if (!answer) return respond(unavailable(answer.error()));
            respond(transition_response(answer->outcome));
          },
          atom, std::move(t));
    };
  };
  routes.add("POST", "/api/v1/bookings/{id}/confirm", mutating(transition(actors::confirm_atom::value, "")));
  routes.add("DELETE", "/api/v1/bookings/{id}", mutating(transition(actors::cancel_atom::value, "api")));
  routes.add("POST", "/api/v1/bookings/{id}/reschedule", mutating(transition(actors::reschedule_atom::value, "")));

  routes.add("GET", "/api/v1/bookings", guarded([ctx](net::server_request&& req, net::respond_fn respond) {
    std::optional<domain::tutor_id> tutor;
    if (auto t = req.query_param("tutor_id"); t && !t->empty()) {
      if (!ctx.calendar->find_tutor(*t)) return respond(server_response::error(404, "unknown_tutor", "no tutor with id " + *t));
      tutor = domain::tutor_id{*t};
    }
    auto from = parse_local_date(req.query_param("from").value_or(""));
    auto to = parse_local_date(req.query_param("to").value_or(""));
    if (!from || !to || date::sys_days{*to} < date::sys_days{*from}) {
      return respond(server_response::error(400, "bad_date", "from and to must be dates as YYYY-MM-DD, from <= to"));
    }
    auto begin = local_midnight(ctx.zone, *from);
    auto end = local_midnight(ctx.zone, date::year_month_day{date::sys_days{*to} + date::days{1}});
    auto job = actors::make_db_job(
        [tutor, begin, end](db::connection& conn) { return db::list_bookings(conn, tutor, begin, end); });
    actors::ask<std::vector<domain::booking>>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond](caf::expected<std::vector<domain::booking>> bookings) {
          if (!bookings) return respond(unavailable(bookings.error()));
          json::array out;
          for (const auto& b : *bookings) out.push_back(booking_json(b));
          respond(server_response::json(200, json::serialize(out)));
        },
        actors::run_atom::value, job);
  }));
}

}  // namespace tutorbot::app
