#include "net/stripe_client.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "net/http_client.hpp"
#include "net/stripe_json.hpp"

namespace tutorbot::net {

using namespace std::chrono;

std::string_view to_string(refund_reason r) {
  switch (r) {
    case refund_reason::duplicate: return "duplicate";
    case refund_reason::fraudulent: return "fraudulent";
    case refund_reason::requested_by_customer: break;
  }
  return "requested_by_customer";
}

sys_seconds clamp_checkout_expiry(sys_seconds wanted, sys_seconds now, seconds margin) {
  sys_seconds earliest = now + minutes{30} + margin;
  sys_seconds latest = std::max(now + hours{24} - margin, earliest);
  return std::clamp(wanted, earliest, latest);
}

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string number(std::int64_t value) { return std::to_string(value); }

}  // namespace

form_fields checkout_form(const checkout_request& request, sys_seconds now, const stripe_options& options) {
  form_fields f{{"mode", "payment"}};
  for (std::size_t i = 0; i < request.line_items.size(); ++i) {
    const auto& item = request.line_items[i];
    std::string prefix = "line_items[" + std::to_string(i) + "]";
    if (item.price_id) {
      f.emplace_back(prefix + "[price]", *item.price_id);
    } else {
      f.emplace_back(prefix + "[price_data][currency]", lower(request.currency));
      f.emplace_back(prefix + "[price_data][unit_amount]", number(item.unit_amount.value));
      f.emplace_back(prefix + "[price_data][product_data][name]", item.name);
    }
    f.emplace_back(prefix + "[quantity]", number(item.quantity));
  }
  for (std::size_t i = 0; i < request.payment_method_types.size(); ++i)
    f.emplace_back("payment_method_types[" + std::to_string(i) + "]", request.payment_method_types[i]);
  f.emplace_back("locale", std::string(domain::to_string(request.locale)));
  if (request.customer_email && !request.customer_email->empty()) f.emplace_back("customer_email", *request.customer_email);
  if (!request.client_reference_id.empty()) f.emplace_back("client_reference_id", request.client_reference_id);
  for (const auto& [key, value] : request.metadata) f.emplace_back("metadata[" + key + "]", value);
  // The PaymentIntent gets the same metadata, so its events (a declined card) name our order.
  for (const auto& [key, value] : request.metadata)
    f.emplace_back("payment_intent_data[metadata][" + key + "]", value);
  auto expires = clamp_checkout_expiry(request.expires_at, now, options.expiry_margin);
  f.emplace_back("expires_at", number(expires.time_since_epoch().count()));
  if (!options.success_url.empty()) f.emplace_back("success_url", options.success_url);
  if (!options.cancel_url.empty()) f.emplace_back("cancel_url", options.cancel_url);
  return f;
}

form_fields refund_form(const refund_request& request) {
  form_fields f{{"payment_intent", request.payment_intent}};
  if (request.amount) f.emplace_back("amount", number(request.amount->value));
  if (request.reason) f.emplace_back("reason", std::string(to_string(*request.reason)));
  for (const auto& [key, value] : request.metadata) f.emplace_back("metadata[" + key + "]", value);
  return f;
}

std::string events_query(const event_filter& filter) {
  form_fields f;
  if (filter.created_gte.time_since_epoch().count() > 0)
    f.emplace_back("created[gte]", number(filter.created_gte.time_since_epoch().count()));
  if (filter.starting_after) f.emplace_back("starting_after", *filter.starting_after);
  for (std::size_t i = 0; i < filter.types.size(); ++i)
    f.emplace_back("types[" + std::to_string(i) + "]", filter.types[i]);
  f.emplace_back("limit", std::to_string(std::clamp(filter.limit, 1, 100)));
  return encode_form(f);
}

std::string idempotency_key_problem(std::string_view key) {
  if (key.empty()) return "an Idempotency-Key is required on every Stripe POST";
  if (key.size() > 255)
    return "the Idempotency-Key has " + std::to_string(key.size()) + " characters; Stripe allows at most 255";
  return {};
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
    text.replace(pos, secret.size(), "***");
  return text;
}

namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

// One call: its deadline and the last error, for the deadline message.
struct call_state {
  steady_clock::time_point deadline;
  std::mutex mutex;
  std::string last_error;

  void note(const stripe_error& e) {
    std::lock_guard lock(mutex);
    last_error = std::string(to_string(e.kind)) + " " + std::to_string(e.http_status) +
                 (e.code.empty() ? std::string{} : " " + e.code) + ": " + e.message;
  }
  std::string last() {
    std::lock_guard lock(mutex);
    return last_error;
  }
};

stripe_error own_error(stripe_error_kind kind, std::string message) {
  stripe_error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

}  // namespace

struct stripe_client::impl : std::enable_shared_from_this<stripe_client::impl> {
  boost::asio::io_context& io;
  http_client& http;
  stripe_options options;

  impl(boost::asio::io_context& i, http_client& h, stripe_options o) : io(i), http(h), options(std::move(o)) {
    while (options.api_base.ends_with('/')) options.api_base.pop_back();
  }

  sys_seconds now() const {
    return floor<seconds>(options.now ? options.now() : system_clock::now());
  }

  std::string url(std::string_view path) const { return options.api_base + std::string(path); }

  template <class Value>
  void refuse(std::string message, std::function<void(std::variant<Value, stripe_error>)> done) {
    boost::asio::post(io, [done = std::move(done), message = std::move(message)]() mutable {
      done(own_error(stripe_error_kind::invalid_request, std::move(message)));
    });
  }

  // One Stripe call under the retry policy and the call's deadline. `parse` reads a 2xx
  // body; `adjust` may retype an error of this endpoint and decide it is final.
  template <class Value>
  void call(std::string method, std::string target, std::string body, std::string idempotency_key,
            std::variant<Value, stripe_parse_error> (*parse)(std::string_view),
            std::function<void(stripe_error&, bool&)> adjust,
            std::function<void(std::variant<Value, stripe_error>)> done) {
    using result = std::variant<Value, stripe_error>;
    auto state = std::make_shared<call_state>();
    state->deadline = steady_clock::now() + options.deadline;
    auto shared_done = std::make_shared<std::function<void(result)>>(std::move(done));
    client_request prototype;
    prototype.method = std::move(method);
    prototype.url = url(target);
    prototype.headers = {{"Authorization", "Bearer " + options.secret_key},
                         {"Stripe-Version", options.api_version},
                         {"Accept", "application/json"}};
    if (prototype.method == "POST") {
      prototype.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
      prototype.headers.push_back({"Idempotency-Key", std::move(idempotency_key)});
    }
    prototype.body = std::move(body);

    retry_async(
        io, options.backoff, state->deadline,
        [self = shared_from_this(), state, prototype = std::move(prototype), parse, adjust,
         shared_done](int, attempt_report report) {
          auto finish = [state, report, shared_done](attempt_verdict verdict, result outcome) {
            if (auto* e = std::get_if<stripe_error>(&outcome)) state->note(*e);
            report(verdict, [shared_done, outcome = std::move(outcome)]() mutable { (*shared_done)(std::move(outcome)); });
          };
          client_request request = prototype;
          auto left = duration_cast<milliseconds>(state->deadline - steady_clock::now());
          request.timeout = std::clamp(left, milliseconds{1}, self->options.attempt_timeout);
          self->http.send(std::move(request), [self, state, parse, adjust, finish](client_result answer) {
            const std::string& secret = self->options.secret_key;
            if (auto* failure = std::get_if<client_error>(&answer)) {
              // No answer: a POST may or may not have reached Stripe, and its Idempotency-Key
              // makes asking again safe either way.
              bool late = steady_clock::now() >= state->deadline;
              // The client closed (the service is stopping): every later attempt fails at once.
              bool closing = failure->kind == client_error_kind::closed;
              stripe_error e = own_error(late ? stripe_error_kind::deadline : stripe_error_kind::transport,
                                         redact(failure->message, secret));
              e.code = std::string(to_string(failure->kind));
              return finish(late || closing ? attempt_verdict::done : attempt_verdict::retryable, std::move(e));
            }
            auto& response = std::get<client_response>(answer);
            std::string request_id = response.header("Request-Id").value_or(std::string{});
            if (is_success(response.status)) {
              auto parsed = parse(response.body);
              if (auto* value = std::get_if<Value>(&parsed)) return finish(attempt_verdict::done, std::move(*value));
              stripe_error e = own_error(stripe_error_kind::bad_response,
                                         "Stripe answered HTTP " + std::to_string(response.status) +
                                             " with an unreadable body: " + std::get<stripe_parse_error>(parsed).message);
              e.http_status = response.status;
              e.request_id = std::move(request_id);
              return finish(attempt_verdict::done, std::move(e));
            }
            auto should_retry = response.header("Stripe-Should-Retry");
            auto c = stripe_json::classify(response.status, response.body,
                                           should_retry ? std::optional<std::string_view>(*should_retry) : std::nullopt);
            c.error.request_id = std::move(request_id);
            c.error.message = redact(std::move(c.error.message), secret);
            if (adjust) adjust(c.error, c.retryable);
            finish(c.retryable ? attempt_verdict::retryable : attempt_verdict::done, std::move(c.error));
          });
        },
        [state, shared_done] {
          std::string last = state->last();
          (*shared_done)(own_error(stripe_error_kind::deadline,
                                   "no answer from Stripe within the call's deadline" +
                                       (last.empty() ? std::string{} : "; last error: " + last)));
        });
  }
};

stripe_client::stripe_client(boost::asio::io_context& io, http_client& http, stripe_options options)
    : impl_(std::make_shared<impl>(io, http, std::move(options))) {}

stripe_client::~stripe_client() = default;

std::chrono::milliseconds stripe_client::longest_wait() const { return impl_->options.deadline + std::chrono::seconds(10); }

void stripe_client::create_checkout_session(checkout_request request, std::function<void(checkout_result)> done) {
  if (auto problem = idempotency_key_problem(request.idempotency_key); !problem.empty())
    return impl_->refuse<checkout_session>("create checkout session: " + problem, std::move(done));
  if (request.line_items.empty())
    return impl_->refuse<checkout_session>("create checkout session: no line items", std::move(done));
  // Built once per call: every retry must send the very same parameters under its key.
  std::string body = encode_form(checkout_form(request, impl_->now(), impl_->options));
  impl_->call<checkout_session>("POST", "/v1/checkout/sessions", std::move(body), std::move(request.idempotency_key),
                                stripe_json::parse_checkout_session, {}, std::move(done));
}

void stripe_client::retrieve_checkout_session(std::string session_id, std::function<void(checkout_result)> done) {
  if (session_id.empty())
    return impl_->refuse<checkout_session>("retrieve checkout session: empty session id", std::move(done));
  impl_->call<checkout_session>("GET", "/v1/checkout/sessions/" + form_encode(session_id), {}, {},
                                stripe_json::parse_checkout_session, {}, std::move(done));
}

void stripe_client::expire_checkout_session(std::string session_id, std::string idempotency_key,
                                            std::function<void(checkout_result)> done) {
  if (session_id.empty())
    return impl_->refuse<checkout_session>("expire checkout session: empty session id", std::move(done));
  if (auto problem = idempotency_key_problem(idempotency_key); !problem.empty())
    return impl_->refuse<checkout_session>("expire checkout session: " + problem, std::move(done));
  // Stripe answers 400 invalid_request_error ("Only Checkout Sessions with a status in
  // ["open"] can be expired") for a complete or expired session; that is final.
  auto adjust = [](stripe_error& e, bool& retryable) {
    if (e.http_status == 400 && e.kind == stripe_error_kind::invalid_request) {
      e.kind = stripe_error_kind::session_not_open;
      retryable = false;
    }
  };
  impl_->call<checkout_session>("POST", "/v1/checkout/sessions/" + form_encode(session_id) + "/expire", {},
                                std::move(idempotency_key), stripe_json::parse_checkout_session, adjust,
                                std::move(done));
}

void stripe_client::create_refund(refund_request request, std::function<void(refund_result)> done) {
  if (auto problem = idempotency_key_problem(request.idempotency_key); !problem.empty())
    return impl_->refuse<refund>("create refund: " + problem, std::move(done));
  if (request.payment_intent.empty())
    return impl_->refuse<refund>("create refund: no payment intent", std::move(done));
  if (request.amount && request.amount->value <= 0)
    return impl_->refuse<refund>("create refund: the amount must be positive", std::move(done));
  std::string body = encode_form(refund_form(request));
  impl_->call<refund>("POST", "/v1/refunds", std::move(body), std::move(request.idempotency_key),
                      stripe_json::parse_refund, {}, std::move(done));
}

void stripe_client::list_events(event_filter filter, std::function<void(event_page_result)> done) {
  impl_->call<event_page>("GET", "/v1/events?" + events_query(filter), {}, {}, stripe_json::parse_event_page, {},
                          std::move(done));
}

bool is_live_key(std::string_view secret_key) {
  return secret_key.starts_with("sk_live_") || secret_key.starts_with("rk_live_");
}

}  // namespace tutorbot::net
