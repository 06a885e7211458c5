#include "app/series_routes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/ask.hpp"
#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
#include "actors/clock.hpp"
#include "actors/db_pool.hpp"
#include "app/api_http.hpp"
#include "app/api_requests.hpp"
#include "db/series.hpp"
#include "domain/instant.hpp"

namespace tutorbot::app {

namespace json = boost::json;
using net::server_response;

namespace {

server_response not_booked(const domain::series_plan& plan) {
  const bool rejected = plan.rejected;
  json::object o{{"error", rejected ? "series_clashes" : "nothing_fits"},
                 {"message", rejected ? "lessons of the series clash; nothing was held (on_clash: reject)"
                                      : "no lesson of the series can be booked; nothing was held"},
                 {"clashes", json::parse(domain::clashes_json(plan))}};
  return server_response::json(409, json::serialize(o));
}

}  // namespace

net::handler_fn book_series(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto parsed = parse_series_request(req.body, ctx.calendar->series, ctx.zone);
    if (auto* problem = std::get_if<api_problem>(&parsed)) return respond(problem_response(*problem));
    auto& fields = std::get<series_fields>(parsed);
    if (!ctx.calendar->find_tutor(fields.tutor_id))
      return respond(server_response::error(404, "unknown_tutor", "no tutor with id " + fields.tutor_id));
    const auto* product = ctx.payments->lesson_of(fields.series.duration_minutes);
    if (!product) return respond(server_response::error(422, "duration_not_allowed", "no lesson product of that length"));
    actors::series_hold_request request{domain::tutor_id{fields.tutor_id},
                                        fields.series,
                                        fields.on_clash,
                                        std::move(fields.student_ref),
                                        product->id,
                                        [ctx, product](std::chrono::sys_seconds start) { return lesson_price(ctx, *product, start); },
                                        std::nullopt};
    actors::ask<actors::series_answer>(
        ctx.system, ctx.registry, caf::duration{actor_timeout},
        [respond](caf::expected<actors::series_answer> answer) {
          if (!answer) return respond(unavailable(answer.error()));
          std::visit(
              [&](const auto& outcome) {
                using T = std::decay_t<decltype(outcome)>;
                if constexpr (std::is_same_v<T, db::stored_series>) {
                  respond(server_response::json(201, series_json_text(outcome)));
                } else if constexpr (std::is_same_v<T, actors::series_not_booked>) {
                  respond(not_booked(answer->plan));
                } else if constexpr (std::is_same_v<T, domain::series_error>) {
                  respond(problem_response(series_problem(outcome)));
                } else {
                  respond(hold_refused(outcome));
                }
              },
              answer->outcome);
        },
        actors::series_atom::value, std::move(request));
  };
}

net::handler_fn show_series(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto id = req.path_params.at("id");
    auto job = actors::make_db_job([id](db::connection& conn) { return db::find_series(conn, id); });
    actors::ask<std::optional<db::stored_series>>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [id, respond](caf::expected<std::optional<db::stored_series>> found) {
          if (!found) return respond(unavailable(found.error()));
          if (!*found) return respond(server_response::error(404, "unknown_series", "no series with id " + id));
          respond(server_response::json(200, series_json_text(**found)));
        },
        actors::run_atom::value, job);
  };
}

namespace {

template <class Atom>
void ask_series_change(const api_context& ctx, Atom atom, actors::series_change_request request,
                       net::respond_fn respond) {
  auto id = request.series_id;
  actors::ask<actors::series_change_answer>(
      ctx.system, ctx.registry, caf::duration{actor_timeout},
      [id, respond](caf::expected<actors::series_change_answer> answer) {
        if (!answer) return respond(unavailable(answer.error()));
        std::visit(
            [&](const auto& outcome) {
              using T = std::decay_t<decltype(outcome)>;
              if constexpr (std::is_same_v<T, db::stored_series>) {
                respond(server_response::json(200, series_json_text(outcome)));
              } else if constexpr (std::is_same_v<T, db::not_found>) {
                respond(server_response::error(404, "unknown_series", "no series with id " + id));
              } else {
                respond(server_response::error(409, "hold_expired",
                                               "the series' holds expired; its slots were released"));
              }
            },
            answer->outcome);
      },
      atom, std::move(request));
}

}  // namespace

net::handler_fn confirm_series(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto by = parse_override_request(req.body);
    if (auto* problem = std::get_if<api_problem>(&by)) return respond(problem_response(*problem));
    actors::series_change_request request{req.path_params.at("id"), {}, {}, std::move(std::get<db::staff_override>(by))};
    ask_series_change(ctx, actors::series_confirm_atom::value, std::move(request), std::move(respond));
  };
}

net::handler_fn cancel_series(const api_context& ctx) {
  return [ctx](net::server_request&& req, net::respond_fn respond) {
    auto from = parse_series_cancel_from(req.query_param("from"), ctx.zone);
    if (auto* problem = std::get_if<api_problem>(&from)) return respond(problem_response(*problem));
    actors::series_change_request request{req.path_params.at("id"),
                                          std::get<std::optional<std::chrono::sys_seconds>>(from).value_or(actors::now_seconds()),
                                          "api",
                                          {}};
    ask_series_change(ctx, actors::series_cancel_atom::value, std::move(request), std::move(respond));
  };
}

}  // namespace tutorbot::app
