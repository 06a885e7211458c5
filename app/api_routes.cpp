#include "app/api_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/ask.hpp"
#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/clock.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "app/api_http.hpp"
#include "app/api_requests.hpp"
#include "app/series_routes.hpp"
#include "db/booking_students.hpp"
#include "db/bookings.hpp"
#include "domain/instant.hpp"
#include "domain/pricing.hpp"
#include "mail/icalendar.hpp"

namespace tutorbot::app {

namespace json = boost::json;
using net::server_response;

namespace {

server_response unknown_tutor(const std::string& id) {
  return server_response::error(404, "unknown_tutor", "no tutor with id " + id);
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
    out += domain::rfc3339(s.start);
    out += R"(","end":")";
    out += domain::rfc3339(s.end);
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
          return server_response::json(200, booking_json_text(r));
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

// GET /api/v1/tutors
net::handler_fn list_tutors(const api_context& ctx) {
  return [ctx](net::server_request&&, net::respond_fn respond) {
    json::array tutors;
    for (const auto& t : ctx.calendar->tutors) {
      json::array durations;
      for (int d : t.durations_minutes) durations.push_back(d);
      tutors.push_back(json::object{{"id", t.id}, {"name", t.name}, {"durations_minutes", durations}});
    }
    respond(server_response::json(200, json::serialize(tutors)));
  };
}

// GET /api/v1/tutors/{id}/slots?from=&to=&duration=
net::handler_fn tutor_slots(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    const auto& tutor = req.path_params.at("id");
    if (!ctx.calendar->find_tutor(tutor)) return respond(unknown_tutor(tutor));
    auto query = parse_slots_query(req.query_param("from").value_or(""), req.query_param("to").value_or(""),
                                   req.query_param("duration").value_or(""), ctx.zone);
    if (auto* problem = std::get_if<api_problem>(&query)) return respond(problem_response(*problem));
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
        actors::slots_atom::value, actors::slots_request{domain::tutor_id{tutor}, std::get<domain::slot_query>(query)});
  };
}

// POST /api/v1/holds
net::handler_fn place_hold(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto parsed = parse_hold_request(req.body);
    if (auto* problem = std::get_if<api_problem>(&parsed)) return respond(problem_response(*problem));
    auto& fields = std::get<hold_fields>(parsed);
    if (!ctx.calendar->find_tutor(fields.tutor_id)) return respond(unknown_tutor(fields.tutor_id));
    const auto* product = ctx.payments->lesson_of(fields.duration_minutes);
    if (!product) return respond(server_response::error(422, "duration_not_allowed", "no lesson product of that length"));
    actors::hold_request hold{domain::tutor_id{fields.tutor_id}, fields.start, fields.duration_minutes,
                              std::move(fields.student_ref), product->id, lesson_price(ctx, *product, fields.start),
                              std::nullopt};
    actors::ask<actors::hold_answer>(
        ctx.system, ctx.registry, caf::duration{actor_timeout},
        [respond](caf::expected<actors::hold_answer> answer) {
          if (!answer) return respond(unavailable(answer.error()));
          if (auto* b = std::get_if<domain::booking>(&answer->outcome)) {
            return respond(server_response::json(
                201, json::serialize(json::object{
                         {"booking_id", b->id.value},
                         {"expires_at", domain::rfc3339(b->hold_expires_at.value_or(b->lesson_start))}})));
          }
          respond(hold_refused(std::get<actors::hold_refusal>(answer->outcome)));
        },
        actors::hold_atom::value, std::move(hold));
  };
}

template <class Atom>
void ask_transition(const api_context& ctx, Atom atom, actors::transition_request request, net::respond_fn respond) {
  actors::ask<actors::transition_answer>(
      ctx.system, ctx.registry, caf::duration{actor_timeout},
      [respond](caf::expected<actors::transition_answer> answer) {
        if (!answer) return respond(unavailable(answer.error()));
        respond(transition_response(answer->outcome));
      },
      atom, std::move(request));
}

// POST /api/v1/bookings/{id}/confirm: payments confirm bookings by themselves; this route is
// a staff member's override, and says who and why.
net::handler_fn confirm_booking(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto by = parse_override_request(req.body);
    if (auto* problem = std::get_if<api_problem>(&by)) return respond(problem_response(*problem));
    actors::transition_request t{domain::booking_id{req.path_params.at("id")}, "", {}, {}, {}};
    t.confirmed_by = std::move(std::get<db::staff_override>(by));
    ask_transition(ctx, actors::confirm_atom::value, std::move(t), std::move(respond));
  };
}

// DELETE /api/v1/bookings/{id}
net::handler_fn cancel_booking(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    ask_transition(ctx, actors::cancel_atom::value,
                   actors::transition_request{domain::booking_id{req.path_params.at("id")}, "api", {}, {}, {}},
                   std::move(respond));
  };
}

// POST /api/v1/bookings/{id}/reschedule {hold_id}: the booking moves onto the held slot.
net::handler_fn reschedule_booking(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto onto = parse_reschedule_request(req.body);
    if (auto* problem = std::get_if<api_problem>(&onto)) return respond(problem_response(*problem));
    actors::transition_request t{domain::booking_id{req.path_params.at("id")}, "", {}, {}, {}};
    t.onto = std::move(std::get<domain::booking_id>(onto));
    ask_transition(ctx, actors::reschedule_atom::value, std::move(t), std::move(respond));
  };
}

// GET /api/v1/bookings?from=&to=[&tutor_id=]
net::handler_fn list_bookings(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    std::optional<domain::tutor_id> tutor;
    if (auto t = req.query_param("tutor_id"); t && !t->empty()) {
      if (!ctx.calendar->find_tutor(*t)) return respond(unknown_tutor(*t));
      tutor = domain::tutor_id{*t};
    }
    auto window = parse_bookings_window(req.query_param("from").value_or(""), req.query_param("to").value_or(""), ctx.zone);
    if (auto* problem = std::get_if<api_problem>(&window)) return respond(problem_response(*problem));
    auto job = actors::make_db_job([tutor, w = std::get<local_days_window>(window)](db::connection& conn) {
      return db::list_bookings(conn, tutor, w.begin, w.end);
    });
    actors::ask<std::vector<domain::booking>>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond](caf::expected<std::vector<domain::booking>> bookings) {
          if (!bookings) return respond(unavailable(bookings.error()));
          respond(server_response::json(200, bookings_json_text(*bookings)));
        },
        actors::run_atom::value, job);
  };
}

// GET /api/v1/bookings/{id}/invite.ics: the invite as the student's calendar should have it
// now (a cancelled lesson's withdraws the event).
net::handler_fn booking_invite(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    domain::booking_id id{req.path_params.at("id")};
    auto job = actors::make_db_job([id](db::connection& conn) { return db::find_booking_with_student(conn, id); });
    actors::ask<std::optional<db::booking_with_student>>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [ctx, id, respond](caf::expected<std::optional<db::booking_with_student>> found) {
          if (!found) return respond(unavailable(found.error()));
          if (!*found) return respond(server_response::error(404, "unknown_booking", "no booking with id " + id.value));
          const auto& lesson = **found;
          if (!lesson.was_confirmed)
            return respond(server_response::error(409, "not_confirmed", "a hold has no invite until it is confirmed"));
          const auto sources = domain::invite_sources_for(lesson.booking, *ctx.calendar, *ctx.payments, ctx.school);
          const auto invite = domain::invite_for(lesson.booking, lesson.student, sources, actors::now_seconds());
          respond(server_response::text(200, mail::to_icalendar(invite), mail::icalendar_content_type(invite)));
        },
        actors::run_atom::value, job);
  };
}

}  // namespace

server_response hold_refused(actors::hold_refusal refusal) {
  switch (refusal) {
    case actors::hold_refusal::slot_taken:
      return server_response::error(409, "slot_taken", "another booking overlaps this slot");
    case actors::hold_refusal::day_full:
      return server_response::error(409, "day_full", "the tutor's lessons for that day are full");
    case actors::hold_refusal::outside_availability:
      return server_response::error(422, "outside_availability",
                                    "not a bookable start for this tutor (hours, notice, horizon, step)");
    case actors::hold_refusal::duration_not_allowed:
      return server_response::error(422, "duration_not_allowed", "this tutor does not give lessons of that length");
  }
  return server_response::error(409, "hold_refused", "the hold was refused");
}

domain::cents lesson_price(const api_context& ctx, const domain::product& product, std::chrono::sys_seconds start) {
  domain::quote_request quote_req;
  quote_req.product_id = product.id;
  quote_req.lesson_start = start;
  quote_req.zone = ctx.zone;
  auto quoted = domain::quote_booking(*ctx.payments, quote_req);
  return std::holds_alternative<domain::quote>(quoted) ? std::get<domain::quote>(quoted).total : product.price;
}

void add_api_routes(net::router& routes, const api_context& ctx) {
  auto guarded = [&ctx](net::handler_fn handler) { return bearer_guarded(ctx.api_token, std::move(handler)); };
  auto mutating = [&ctx](net::handler_fn handler) {
    return guarded_idempotent(ctx.system, ctx.db_pool, ctx.api_token, std::move(handler));
  };
  routes.add("GET", "/api/v1/tutors", guarded(list_tutors(ctx)));
  routes.add("GET", "/api/v1/tutors/{id}/slots", guarded(tutor_slots(ctx)));
  routes.add("POST", "/api/v1/holds", mutating(place_hold(ctx)));
  routes.add("POST", "/api/v1/bookings/{id}/confirm", mutating(confirm_booking(ctx)));
  routes.add("DELETE", "/api/v1/bookings/{id}", mutating(cancel_booking(ctx)));
  routes.add("POST", "/api/v1/bookings/{id}/reschedule", mutating(reschedule_booking(ctx)));
  routes.add("GET", "/api/v1/bookings", guarded(list_bookings(ctx)));
  routes.add("GET", "/api/v1/bookings/{id}/invite.ics", guarded(booking_invite(ctx)));
  routes.add("POST", "/api/v1/series", mutating(book_series(ctx)));
  routes.add("GET", "/api/v1/series/{id}", guarded(show_series(ctx)));
  routes.add("POST", "/api/v1/series/{id}/confirm", mutating(confirm_series(ctx)));
  routes.add("DELETE", "/api/v1/series/{id}", mutating(cancel_series(ctx)));
}

}  // namespace tutorbot::app
