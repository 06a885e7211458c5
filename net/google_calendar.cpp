#include "net/google_calendar.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "net/google_calendar_json.hpp"
#include "net/http_client.hpp"

namespace tutorbot::net {

using namespace std::chrono;
using namespace google_json;

namespace {

// A path segment: RFC 3986 pchar stays as is (calendar ids like "x@group.calendar.google.com").
std::string path_segment(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string_view send_updates_param(send_updates updates) {
  switch (updates) {
    case send_updates::all: return "all";
    case send_updates::external_only: return "externalOnly";
    case send_updates::none: break;
  }
  return "none";
}


bool is_success(int status) { return status >= 200 && status < 300; }

using http_outcome = std::variant<client_response, google_error>;

// One call: its deadline, whether its one 401 refresh is used, the last error for the
// deadline message.
struct call_state {
  steady_clock::time_point deadline;
  std::mutex mutex;
  bool refreshed = false;
  std::string last_error;

  void note(const google_error& e) {
    std::lock_guard lock(mutex);
    last_error = std::string(to_string(e.kind)) + " " + std::to_string(e.http_status) + " " + e.reason + ": " + e.message;
  }
  bool take_refresh() {
    std::lock_guard lock(mutex);
    return !std::exchange(refreshed, true);
  }
  std::string last() {
    std::lock_guard lock(mutex);
    return last_error;
  }
};

std::vector<busy_period> merge_periods(std::vector<busy_period> periods) {
  std::sort(periods.begin(), periods.end(),
            [](const busy_period& a, const busy_period& b) { return a.start < b.start; });
  std::vector<busy_period> merged;
  for (const auto& p : periods) {
    if (p.end <= p.start) continue;
    if (!merged.empty() && p.start <= merged.back().end) merged.back().end = std::max(merged.back().end, p.end);
    else merged.push_back(p);
  }
  return merged;
}

}  // namespace
struct google_calendar_client::impl : std::enable_shared_from_this<google_calendar_client::impl> {
  boost::asio::io_context& io;
  http_client& http;
  google_auth& auth;
  google_calendar_options options;

  impl(boost::asio::io_context& i, http_client& h, google_auth& a, google_calendar_options o)
      : io(i), http(h), auth(a), options(std::move(o)) {
    while (options.base_url.ends_with('/')) options.base_url.pop_back();
  }

  std::string calendar_url(const std::string& calendar_id) const {
    return options.base_url + "/calendars/" + path_segment(calendar_id);
  }

  // One authorised request within the call: a token, the request, and on 401 one refresh
  // per call. HTTP answers of any status come back as client_response.
  void send(std::shared_ptr<call_state> call, std::string method, std::string url, std::string body,
            std::function<void(http_outcome)> done) {
    auth.get_token([self = shared_from_this(), call, method = std::move(method), url = std::move(url),
                    body = std::move(body), done = std::move(done)](token_result token) mutable {
      if (auto* error = std::get_if<google_error>(&token)) return done(std::move(*error));
      std::string value = std::get<access_token>(token).value;
      auto left = duration_cast<milliseconds>(call->deadline - steady_clock::now());
      client_request request;
      request.method = method;
      request.url = url;
      request.headers = {{"Authorization", "Bearer " + value}, {"Accept", "application/json"}};
      if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
      request.body = body;
      request.timeout = std::clamp(left, milliseconds{1}, self->options.attempt_timeout);
      self->http.send(std::move(request), [self, call, method = std::move(method), url = std::move(url),
                                           body = std::move(body), value = std::move(value),
                                           done = std::move(done)](client_result result) mutable {
        if (auto* failure = std::get_if<client_error>(&result)) {
          bool late = steady_clock::now() >= call->deadline;
          return done(google_error{late ? google_error_kind::deadline : google_error_kind::transport, 0,
                                   std::string(to_string(failure->kind)), failure->message});
        }
        auto& response = std::get<client_response>(result);
        if (response.status == 401 && call->take_refresh()) {
          self->auth.invalidate(value);
          return self->send(call, std::move(method), std::move(url), std::move(body), std::move(done));
        }
        done(std::move(response));
      });
    });
  }

  // Runs `attempt` under the retry policy and the call's deadline. `attempt` reports its
  // verdict and result through `finish`; Result is a variant holding google_error.
  template <class Result>
  void run(std::function<void(Result)> done,
           std::function<void(std::shared_ptr<call_state>, std::function<void(attempt_verdict, Result)>)> attempt,
           std::optional<steady_clock::time_point> deadline = std::nullopt) {
    auto call = std::make_shared<call_state>();
    call->deadline = deadline.value_or(steady_clock::now() + options.deadline);
    auto shared_done = std::make_shared<std::function<void(Result)>>(std::move(done));
    retry_async(
        io, options.backoff, call->deadline,
        [call, attempt = std::move(attempt), shared_done](int, attempt_report report) {
          attempt(call, [call, report = std::move(report), shared_done](attempt_verdict verdict, Result result) {
            if (auto* e = std::get_if<google_error>(&result)) {
              call->note(*e);
              if (e->kind == google_error_kind::deadline) verdict = attempt_verdict::done;
            }
            report(verdict, [shared_done, result = std::move(result)]() mutable { (*shared_done)(std::move(result)); });
          });
        },
        [call, shared_done] {
          std::string last = call->last();
          (*shared_done)(google_error{google_error_kind::deadline, 0, "deadline",
                                      "no answer from Google Calendar within the call's deadline" +
                                          (last.empty() ? std::string{} : "; last error: " + last)});
        });
  }

  // The verdict for a non-2xx answer.
  template <class Result>
  static void fail(const std::function<void(attempt_verdict, Result)>& finish, const http_outcome& outcome) {
    if (const auto* e = std::get_if<google_error>(&outcome)) {
      // A closed client (the service is stopping) fails every later attempt at once: stop.
      bool closing = e->kind == google_error_kind::transport && e->reason == to_string(client_error_kind::closed);
      bool retry = (e->kind == google_error_kind::transport && !closing) || e->kind == google_error_kind::server ||
                   e->kind == google_error_kind::rate_limited;
      return finish(retry ? attempt_verdict::retryable : attempt_verdict::done, *e);
    }
    auto c = classify(std::get<client_response>(outcome).status, std::get<client_response>(outcome).body);
    finish(c.retryable ? attempt_verdict::retryable : attempt_verdict::done, std::move(c.error));
  }

  template <class Result>
  static void answer_event(const std::function<void(attempt_verdict, Result)>& finish, const client_response& r) {
    if (auto event = parse_event(r.body)) return finish(attempt_verdict::done, std::move(*event));
    finish(attempt_verdict::done, google_error{google_error_kind::server, r.status, "bad_response",
                                               "Google Calendar answered an event without an id or not as JSON"});
  }
};

google_calendar_client::google_calendar_client(boost::asio::io_context& io, http_client& http, google_auth& auth,
                                               google_calendar_options options)
    : impl_(std::make_shared<impl>(io, http, auth, std::move(options))) {}

google_calendar_client::~google_calendar_client() = default;

void google_calendar_client::get_event(std::string calendar_id, std::string event_id,
                                       std::function<void(event_result)> done) {
  std::string url = impl_->calendar_url(calendar_id) + "/events/" + path_segment(event_id);
  impl_->run<event_result>(std::move(done), [self = impl_, url](auto call, auto finish) {
    self->send(call, "GET", url, {}, [finish](http_outcome outcome) {
      auto* r = std::get_if<client_response>(&outcome);
      if (r && is_success(r->status)) return impl::answer_event(finish, *r);
      impl::fail(finish, outcome);
    });
  });
}

void google_calendar_client::insert_event(std::string calendar_id, calendar_event_spec spec, send_updates updates,
                                          std::function<void(event_result)> done) {
  std::string events_url = impl_->calendar_url(calendar_id) + "/events";
  std::string url = events_url + "?sendUpdates=" + std::string(send_updates_param(updates));
  std::string body = event_body(spec, updates != send_updates::none);
  std::string get_url = spec.id.empty() ? std::string{} : events_url + "/" + path_segment(spec.id);
  auto ours = spec.private_properties;
  impl_->run<event_result>(std::move(done), [self = impl_, url, body, get_url, ours](auto call, auto finish) {
    self->send(call, "POST", url, body, [self, call, finish, get_url, ours](http_outcome outcome) {
      auto* r = std::get_if<client_response>(&outcome);
      if (r && is_success(r->status)) return impl::answer_event(finish, *r);
      if (get_url.empty()) {
        // Without our own id a lost answer may hide a created event: retry only what Google
        // refused before doing anything (rate limits), never timeouts or 5xx.
        bool refused = r && (r->status == 429 || classify(r->status, r->body).error.kind == google_error_kind::rate_limited);
        if (refused) return impl::fail(finish, outcome);
        if (const auto* e = std::get_if<google_error>(&outcome)) return finish(attempt_verdict::done, *e);
        return finish(attempt_verdict::done, classify(r->status, r->body).error);
      }
      if (!r || r->status != 409) return impl::fail(finish, outcome);
      // 409: the id exists. After a lost answer it is our own earlier insert: confirm it
      // by reading it back and comparing our private properties (the booking id).
      self->send(call, "GET", get_url, {}, [finish, ours, conflict = classify(r->status, r->body).error](http_outcome found) {
        auto* g = std::get_if<client_response>(&found);
        if (!g || !is_success(g->status)) return impl::fail(finish, found);
        auto event = parse_event(g->body);
        if (!event) return impl::answer_event(finish, *g);
        bool same = std::all_of(ours.begin(), ours.end(), [&](const auto& kv) {
          auto it = event->private_properties.find(kv.first);
          return it != event->private_properties.end() && it->second == kv.second;
        });
        if (same && event->status != "cancelled") return finish(attempt_verdict::done, std::move(*event));
        google_error error = conflict;
        error.message = "event id " + event->id +
                        (same ? " belongs to a deleted (cancelled) event of ours; Google keeps deleted ids"
                              : " is taken by an event that is not ours (extendedProperties.private differ)") +
                        "; Google: " + conflict.message;
        finish(attempt_verdict::done, std::move(error));
      });
    });
  });
}

void google_calendar_client::patch_event(std::string calendar_id, std::string event_id, calendar_event_times times,
                                         send_updates updates, std::function<void(event_result)> done) {
  std::string url = impl_->calendar_url(calendar_id) + "/events/" + path_segment(event_id) +
                    "?sendUpdates=" + std::string(send_updates_param(updates));
  std::string body = times_body(times);
  // PATCH with absolute times is idempotent, so retrying it is safe.
  impl_->run<event_result>(std::move(done), [self = impl_, url, body](auto call, auto finish) {
    self->send(call, "PATCH", url, body, [finish](http_outcome outcome) {
      auto* r = std::get_if<client_response>(&outcome);
      if (r && is_success(r->status)) return impl::answer_event(finish, *r);
      impl::fail(finish, outcome);
    });
  });
}

void google_calendar_client::delete_event(std::string calendar_id, std::string event_id, send_updates updates,
                                          std::function<void(delete_result)> done) {
  std::string url = impl_->calendar_url(calendar_id) + "/events/" + path_segment(event_id) +
                    "?sendUpdates=" + std::string(send_updates_param(updates));
  impl_->run<delete_result>(std::move(done), [self = impl_, url](auto call, auto finish) {
    self->send(call, "DELETE", url, {}, [finish](http_outcome outcome) {
      auto* r = std::get_if<client_response>(&outcome);
      // 404 / 410: deleted before (by us on an earlier try, or by hand) — the goal is met.
      if (r && (is_success(r->status) || r->status == 404 || r->status == 410))
        return finish(attempt_verdict::done, deleted{});
      impl::fail(finish, outcome);
    });
  });
}

void google_calendar_client::free_busy(std::vector<std::string> calendar_ids, sys_seconds time_min,
                                       sys_seconds time_max, std::function<void(free_busy_result)> done) {
  if (calendar_ids.empty() || time_max <= time_min) {
    boost::asio::post(impl_->io, [done = std::move(done), calendar_ids, time_min, time_max] {
      if (time_max < time_min)
        return done(google_error{google_error_kind::invalid, 0, "timeRangeEmpty",
                                 "freeBusy: time_max " + rfc3339(time_max) + " is before time_min " + rfc3339(time_min)});
      free_busy_map empty;
      for (const auto& id : calendar_ids) empty[id];
      done(std::move(empty));
    });
    return;
  }
  struct request_part {
    std::vector<std::string> ids;
    sys_seconds from, to;
  };
  std::vector<request_part> parts;
  std::size_t per_call = std::max<std::size_t>(impl_->options.free_busy_max_calendars, 1);
  auto window = std::max(duration_cast<seconds>(impl_->options.free_busy_max_window), seconds{1});
  for (std::size_t i = 0; i < calendar_ids.size(); i += per_call) {
    std::vector<std::string> ids(calendar_ids.begin() + static_cast<std::ptrdiff_t>(i),
                                 calendar_ids.begin() + static_cast<std::ptrdiff_t>(std::min(i + per_call, calendar_ids.size())));
    for (sys_seconds from = time_min; from < time_max; from += window)
      parts.push_back({ids, from, std::min(from + window, time_max)});
  }

  struct gather {
    std::mutex mutex;
    std::size_t pending;
    free_busy_map merged;
    std::optional<google_error> failure;
    std::function<void(free_busy_result)> done;
  };
  auto all = std::make_shared<gather>();
  all->pending = parts.size();
  all->done = std::move(done);
  for (const auto& id : calendar_ids) all->merged[id];
  auto deadline = steady_clock::now() + impl_->options.deadline;  // one deadline for all parts
  std::string url = impl_->options.base_url + "/freeBusy";

  for (auto& part : parts) {
    std::string body = free_busy_body(part.ids, part.from, part.to);
    auto one_done = [all](free_busy_result result) {
      std::function<void(free_busy_result)> deliver;
      free_busy_result final_result = google_error{};
      {
        std::lock_guard lock(all->mutex);
        if (auto* error = std::get_if<google_error>(&result)) {
          if (!all->failure) all->failure = std::move(*error);
        } else {
          for (auto& [id, cal] : std::get<free_busy_map>(result)) {
            auto& into = all->merged[id];
            into.busy.insert(into.busy.end(), cal.busy.begin(), cal.busy.end());
            // Time windows repeat a calendar's error (notFound) once each: keep one per reason.
            for (auto& e : cal.errors)
              if (std::none_of(into.errors.begin(), into.errors.end(), [&](const google_error& x) { return x.reason == e.reason; }))
                into.errors.push_back(std::move(e));
          }
        }
        if (--all->pending > 0) return;
        if (all->failure) {
          final_result = *all->failure;
        } else {
          for (auto& [id, cal] : all->merged) cal.busy = merge_periods(std::move(cal.busy));
          final_result = std::move(all->merged);
        }
        deliver = std::move(all->done);
      }
      deliver(std::move(final_result));
    };
    impl_->run<free_busy_result>(
        std::move(one_done),
        [self = impl_, url, body](auto call, auto finish) {
          self->send(call, "POST", url, body, [finish](http_outcome outcome) {
            auto* r = std::get_if<client_response>(&outcome);
            if (!r || !is_success(r->status)) return impl::fail(finish, outcome);
            auto map = parse_free_busy(r->body);
            if (!map)
              return finish(attempt_verdict::done, google_error{google_error_kind::server, r->status, "bad_response",
                                                                "freeBusy answer without a calendars object"});
            finish(attempt_verdict::done, std::move(*map));
          });
        },
        deadline);
  }
}

}  // namespace tutorbot::net
