#include "sandbox/google_sandbox.hpp"

#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sandbox/delayed_answers.hpp"
#include "sandbox/google_protocol.hpp"
#include "sandbox/google_store.hpp"
#include "sandbox/google_token.hpp"

namespace tutorbot::sandbox {

using namespace std::chrono_literals;
namespace json = boost::json;
using google::api_error;

namespace {

constexpr auto token_lifetime = std::chrono::seconds(3599);  // what Google answers

std::chrono::sys_seconds now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string random_token() {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string token = "ya29.sandbox-";
  for (int i = 0; i < 64; ++i) token.push_back(alphabet[random() % 64]);
  return token;
}

// The body as a JSON object; an empty body is an empty object, as Google reads it.
std::variant<json::object, api_error> body_object(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object{};
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return api_error{400, "parseError", "Parse Error"};
  return std::move(value.as_object());
}

std::optional<api_error> check_send_updates(const std::string& value) {
  if (value.empty() || value == "all" || value == "externalOnly" || value == "none") return std::nullopt;
  api_error e{400, "invalidParameter", "Invalid value for: " + value + " is not a valid value", "global",
              "parameter", "sendUpdates"};
  return e;
}

net::server_response to_response(int status, google::store_result&& result) {
  if (auto* e = std::get_if<api_error>(&result)) return google::error_response(*e);
  return google::json_response(status, std::get<json::object>(result));
}

net::server_response admin_error(int status, std::string_view message) {
  return net::server_response::error(status, "bad_request", message);
}

}  // namespace

struct google_calendar_sandbox::impl {
  explicit impl(const std::string& key_file)
      : verifier(key_file), store(verifier.client_email()), work(timer_io.get_executor()) {
    timer_thread = std::thread([this] { timer_io.run(); });
  }

  void stop_timers() {
    {
      std::lock_guard lock(mutex);
      if (stopped) return;
      stopped = true;
    }
      work.reset();
    timer_io.stop();
    timer_thread.join();
  }

  struct token_info {
    std::chrono::sys_seconds expires;
    int generation = 0;
    std::string subject;
  };

  google::token_verifier verifier;
  mutable std::mutex mutex;
  google::calendar_store store;
  std::map<std::string, token_info> tokens;
  int generation = 0;
  int tokens_issued = 0;
  int calendar_calls = 0;
  int faults_left = 0;
  google_fault fault;
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds next_insert_delay{0};
  bool stopped = false;

  // Delayed answers wait on timers of a private io_context, so no request thread blocks.
  boost::asio::io_context timer_io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread timer_thread;
  delayed_answers delayed{timer_io};

  void answer(const net::respond_fn& respond, net::server_response response, std::chrono::milliseconds extra = 0ms) {
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(mutex);
      delay = stopped ? 0ms : latency + extra;
    }
    delayed.answer(delay, respond, std::move(response));
  }

  void issue_token(net::server_request&& request, const net::respond_fn& respond) {
    auto verdict = verifier.verify(request.body, now());
    if (auto* refusal = std::get_if<google::token_verifier::refusal>(&verdict))
      return answer(respond, google::token_error(refusal->status, refusal->error, refusal->description));
    std::string token = random_token();
    {
      std::lock_guard lock(mutex);
      tokens[token] = {now() + token_lifetime, generation, std::get<google::token_verifier::grant>(verdict).subject};
      ++tokens_issued;
    }
    answer(respond, google::json_response(200, json::object{{"access_token", token},
                                                            {"expires_in", token_lifetime.count()},
                                                            {"token_type", "Bearer"}}));
  }

  // Every Calendar call: counted, authenticated, maybe failed on purpose, then `work`
  // runs under the lock with whether the token is delegated.
  template <class Work>
  void calendar_call(const net::server_request& request, const net::respond_fn& respond, Work&& work_fn) {
    std::optional<net::server_response> response;
    std::chrono::milliseconds extra = 0ms;
    {
      std::lock_guard lock(mutex);
      ++calendar_calls;
      const auto authorization = request.header("Authorization").value_or("");
      if (authorization.empty()) {
        api_error e{401, "required", "Login Required", "global", "header", "Authorization"};
        response = google::error_response(e);
      } else {
        auto it = authorization.starts_with("Bearer ") ? tokens.find(authorization.substr(7)) : tokens.end();
        if (it == tokens.end() || it->second.generation != generation || it->second.expires <= now()) {
          api_error e{401, "authError", "Invalid Credentials", "global", "header", "Authorization"};
          response = google::error_response(e);
        } else if (faults_left > 0) {
          --faults_left;
          response = google::error_response(google::fault_error(fault.status, fault.reason));
        } else {
          response = work_fn(!it->second.subject.empty(), extra);
        }
      }
    }
    answer(respond, std::move(*response), extra);
  }

  void add_calendar_routes(net::router& routes, const std::shared_ptr<impl>& self);
  void add_admin_routes(net::router& routes, const std::shared_ptr<impl>& self);
};

void google_calendar_sandbox::impl::add_calendar_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  routes.add("POST", "/token", [self](net::server_request&& request, net::respond_fn respond) {
    self->issue_token(std::move(request), respond);
  });

  routes.add("POST", "/calendar/v3/freeBusy", [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool, std::chrono::milliseconds&) {
      auto body = body_object(request.body);
      if (auto* e = std::get_if<api_error>(&body)) return google::error_response(*e);
      return to_response(200, self->store.free_busy(std::get<json::object>(body)));
    });
  });

  const std::string events = "/calendar/v3/calendars/{calendarId}/events";
  routes.add("POST", events, [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool delegated, std::chrono::milliseconds& extra) {
      const auto send_updates = request.query_param("sendUpdates").value_or("");
      if (auto e = check_send_updates(send_updates)) return google::error_response(*e);
      auto body = body_object(request.body);
      if (auto* e = std::get_if<api_error>(&body)) return google::error_response(*e);
      auto result = self->store.insert(request.path_params.at("calendarId"), std::get<json::object>(std::move(body)),
                                       send_updates, delegated, now());
      if (std::holds_alternative<json::object>(result)) extra = std::exchange(self->next_insert_delay, 0ms);
      return to_response(200, std::move(result));
    });
  });
  routes.add("GET", events, [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool, std::chrono::milliseconds&) {
      google::list_query query;
      for (auto [name, target] : {std::pair{"timeMin", &query.time_min}, std::pair{"timeMax", &query.time_max}}) {
        if (auto text = request.query_param(name)) {
          *target = google::parse_rfc3339(*text);
          if (!*target) {
            api_error e{400, "invalid", std::string("Invalid value for ") + name + ": " + *text, "global",
                        "parameter", name};
            return google::error_response(e);
          }
        }
      }
      query.show_deleted = request.query_param("showDeleted").value_or("") == "true";
      query.single_events = request.query_param("singleEvents").value_or("") == "true";
      return to_response(200, self->store.list(request.path_params.at("calendarId"), query));
    });
  });

  const std::string event = events + "/{eventId}";
  routes.add("GET", event, [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool, std::chrono::milliseconds&) {
      return to_response(200, self->store.get(request.path_params.at("calendarId"), request.path_params.at("eventId")));
    });
  });
  routes.add("PATCH", event, [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool delegated, std::chrono::milliseconds&) {
      const auto send_updates = request.query_param("sendUpdates").value_or("");
      if (auto e = check_send_updates(send_updates)) return google::error_response(*e);
      auto body = body_object(request.body);
      if (auto* e = std::get_if<api_error>(&body)) return google::error_response(*e);
      return to_response(200, self->store.patch(request.path_params.at("calendarId"), request.path_params.at("eventId"),
                                                std::get<json::object>(body), send_updates, delegated, now()));
    });
  });
  routes.add("DELETE", event, [self](net::server_request&& request, net::respond_fn respond) {
    self->calendar_call(request, respond, [&](bool, std::chrono::milliseconds&) {
      const auto send_updates = request.query_param("sendUpdates").value_or("");
      if (auto e = check_send_updates(send_updates)) return google::error_response(*e);
      if (auto e = self->store.remove(request.path_params.at("calendarId"), request.path_params.at("eventId"),
                                      send_updates, now()))
        return google::error_response(*e);
      return net::server_response::text(204, "", "application/json");
    });
  });
}

void google_calendar_sandbox::impl::add_admin_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  // Knobs for tests and demos; not Google's, and without auth like the rest of the sandbox.
  routes.add("POST", "/sandbox/google/faults", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    auto* o = std::get_if<json::object>(&body);
    const auto* count = o ? o->if_contains("count") : nullptr;
    const auto* status = o ? o->if_contains("status") : nullptr;
    if (!count || !count->is_int64() || !status || !status->is_int64())
      return respond(admin_error(400, R"(expected {"count": N, "status": 429, "reason": "rateLimitExceeded"})"));
    const auto* reason = o->if_contains("reason");
    std::lock_guard lock(self->mutex);
    self->faults_left = static_cast<int>(count->as_int64());
    self->fault = {static_cast<int>(status->as_int64()),
                   reason && reason->is_string() ? std::string(reason->as_string()) : std::string{}};
    respond(net::server_response::json(200, json::serialize(json::object{{"faults_left", self->faults_left}})));
  });
  auto millis_knob = [self](std::chrono::milliseconds impl::*knob) {
    return [self, knob](net::server_request&& request, net::respond_fn respond) {
      auto body = body_object(request.body);
      auto* o = std::get_if<json::object>(&body);
      const auto* ms = o ? o->if_contains("ms") : nullptr;
      if (!ms || !ms->is_int64() || ms->as_int64() < 0) return respond(admin_error(400, R"(expected {"ms": N})"));
      std::lock_guard lock(self->mutex);
      (*self).*knob = std::chrono::milliseconds(ms->as_int64());
      respond(net::server_response::json(200, json::serialize(json::object{{"ms", ms->as_int64()}})));
    };
  };
  routes.add("POST", "/sandbox/google/latency", millis_knob(&impl::latency));
  routes.add("POST", "/sandbox/google/delay-next-insert", millis_knob(&impl::next_insert_delay));
  routes.add("POST", "/sandbox/google/expire-tokens", [self](net::server_request&&, net::respond_fn respond) {
    std::lock_guard lock(self->mutex);
    ++self->generation;
    respond(net::server_response::json(200, R"({"expired":true})"));
  });
  routes.add("GET", "/sandbox/google/stats", [self](net::server_request&&, net::respond_fn respond) {
    std::lock_guard lock(self->mutex);
    respond(net::server_response::json(200, json::serialize(json::object{{"token_requests", self->tokens_issued},
                                                                         {"calendar_requests", self->calendar_calls},
                                                                         {"faults_left", self->faults_left}})));
  });
  const std::string events = "/sandbox/google/calendars/{calendarId}/events";
  routes.add("POST", events, [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    if (auto* e = std::get_if<api_error>(&body)) return respond(google::error_response(*e));
    std::lock_guard lock(self->mutex);
    // By hand, as the calendar's owner would: no token, attendees allowed.
    respond(to_response(200, self->store.insert(request.path_params.at("calendarId"),
                                                std::get<json::object>(std::move(body)), "", true, now())));
  });
  routes.add("GET", events, [self](net::server_request&& request, net::respond_fn respond) {
    google::list_query query;
    query.show_deleted = true;
    std::lock_guard lock(self->mutex);
    respond(to_response(200, self->store.list(request.path_params.at("calendarId"), query)));
  });
  routes.add("DELETE", "/sandbox/google/calendars/{calendarId}",
             [self](net::server_request&& request, net::respond_fn respond) {
               std::lock_guard lock(self->mutex);
               self->store.remove_calendar(request.path_params.at("calendarId"));
               respond(net::server_response::text(204, "", "application/json"));
             });
}

google_calendar_sandbox::google_calendar_sandbox(const std::string& service_account_json_path)
    : impl_(std::make_shared<impl>(service_account_json_path)) {}

google_calendar_sandbox::~google_calendar_sandbox() { impl_->stop_timers(); }

void google_calendar_sandbox::add_routes(net::router& routes) {
  impl_->add_calendar_routes(routes, impl_);
  impl_->add_admin_routes(routes, impl_);
}

void google_calendar_sandbox::fail_next(int count, google_fault fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults_left = count;
  impl_->fault = std::move(fault);
}

void google_calendar_sandbox::release_delayed_answers() { impl_->delayed.release(); }

void google_calendar_sandbox::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(impl_->mutex);
  impl_->latency = latency;
}

void google_calendar_sandbox::delay_next_insert_response(std::chrono::milliseconds d) {
  std::lock_guard lock(impl_->mutex);
  impl_->next_insert_delay = d;
}

void google_calendar_sandbox::expire_tokens() {
  std::lock_guard lock(impl_->mutex);
  ++impl_->generation;
}

std::string google_calendar_sandbox::add_event(const std::string& calendar_id, const std::string& event_json) {
  auto body = body_object(event_json);
  if (auto* e = std::get_if<api_error>(&body)) throw std::invalid_argument(e->message);
  std::lock_guard lock(impl_->mutex);
  auto result = impl_->store.insert(calendar_id, std::get<json::object>(std::move(body)), "", true, now());
  if (auto* e = std::get_if<api_error>(&result)) throw std::invalid_argument(e->message);
  return std::string(std::get<json::object>(result).at("id").as_string());
}

void google_calendar_sandbox::remove_calendar(const std::string& calendar_id) {
  std::lock_guard lock(impl_->mutex);
  impl_->store.remove_calendar(calendar_id);
}

std::vector<std::string> google_calendar_sandbox::event_ids(const std::string& calendar_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->store.event_ids(calendar_id);
}

std::optional<std::string> google_calendar_sandbox::event_json(const std::string& calendar_id,
                                                               const std::string& event_id) const {
  std::lock_guard lock(impl_->mutex);
  auto result = impl_->store.get(calendar_id, event_id);
  if (auto* o = std::get_if<json::object>(&result)) return json::serialize(*o);
  return std::nullopt;
}

std::optional<std::string> google_calendar_sandbox::send_updates(const std::string& calendar_id,
                                                                 const std::string& event_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->store.send_updates(calendar_id, event_id);
}

int google_calendar_sandbox::token_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tokens_issued;
}

int google_calendar_sandbox::calendar_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calendar_calls;
}

}  // namespace tutorbot::sandbox
