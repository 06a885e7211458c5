#include "sandbox/stripe_sandbox.hpp"

#include <algorithm>
#include <regex>

#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

#include "net/form.hpp"
#include "sandbox/stripe_sandbox_impl.hpp"

namespace tutorbot::sandbox {

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) break;  // '=' padding or junk ends it
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

// The API key of a request: `Bearer sk_…`, or Basic auth with the key as user name (curl
// -u sk_test_…:), both of which Stripe accepts. "" when there is none.
std::string api_key_of(const net::server_request& request) {
  const auto authorization = request.header("Authorization").value_or("");
  if (authorization.starts_with("Bearer ")) return authorization.substr(7);
  if (authorization.starts_with("Basic ")) {
    auto user = base64_decode(authorization.substr(6));
    return user.substr(0, user.find(':'));
  }
  return {};
}

bool valid_api_version(const std::string& version) {
  static const std::regex pattern(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)");
  return std::regex_match(version, pattern);
}

}  // namespace

stripe_sandbox::impl::impl(stripe_sandbox_options o)
    : options(std::move(o)), store(options.api_version, options.seed), work(io.get_executor()) {
  store.set_webhook_endpoints(options.webhook_url.empty() ? 0 : 1);
}

void stripe_sandbox::impl::start(const std::shared_ptr<impl>& self) {
  std::weak_ptr<impl> weak = self;
  stripe::webhook_settings settings;
  settings.url = options.webhook_url;
  settings.secret = options.webhook_secret;
  // Seeded differently from the ids so that knobs do not shift the id sequence.
  std::optional<std::uint64_t> seed;
  if (options.seed) seed = *options.seed + 1;
  webhooks = std::make_shared<stripe::webhook_dispatcher>(
      io, settings, options.webhook_retry, options.webhook_timeout, seed, [weak](const std::string& event_id) {
        if (auto s = weak.lock()) {
          std::lock_guard lock(s->mutex);
          s->store.webhook_delivered(event_id);
        }
      });
  sweep_timer = std::make_unique<boost::asio::steady_timer>(io);
  thread = std::thread([this] { io.run(); });
  schedule_sweep(self);
}

void stripe_sandbox::impl::stop() {
  {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
  }
  webhooks->shutdown();
  boost::asio::post(io, [this] { sweep_timer->cancel(); });
  work.reset();
  io.stop();
  thread.join();
  webhooks->release_client();
  sweep_timer.reset();
}

std::chrono::sys_seconds stripe_sandbox::impl::now_locked() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + clock_offset;
}

void stripe_sandbox::impl::answer(const net::respond_fn& respond, net::server_response response) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex);
    delay = stopped ? 0ms : latency;
  }
  delayed.answer(delay, respond, std::move(response));
}

void stripe_sandbox::impl::deliver(std::vector<json::object> events) {
  if (events.empty()) return;
  std::vector<stripe::webhook_event> out;
  for (const auto& e : events)
    out.push_back({std::string(e.at("id").as_string()), std::string(e.at("type").as_string()), json::serialize(e)});
  webhooks->enqueue(out);
}

void stripe_sandbox::impl::sweep() {
  std::vector<json::object> events;
  {
    std::lock_guard lock(mutex);
    if (stopped) return;
    store.expire_due(now_locked());
    events = store.take_new_events();
  }
  deliver(std::move(events));
}

void stripe_sandbox::impl::schedule_sweep(const std::shared_ptr<impl>& self) {
  std::weak_ptr<impl> weak = self;
  sweep_timer->expires_after(options.expiry_check_interval);
  sweep_timer->async_wait([weak](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto s = weak.lock()) {
      s->sweep();
      s->schedule_sweep(s);
    }
  });
}

void stripe_sandbox::impl::api_call(const net::server_request& request, const net::respond_fn& respond,
                                    const std::string& pattern, const api_work& work_fn) {
  const std::string request_id = [&] {
    std::lock_guard lock(mutex);
    return store.new_id("req_", 14);
  }();
  const auto version_header = request.header("Stripe-Version");
  const std::string version = version_header.value_or(options.api_version);
  const auto idempotency_key = request.method == "POST" ? request.header("Idempotency-Key") : std::nullopt;
  auto finish = [&](net::server_response response) {
    response.headers.emplace_back("Request-Id", request_id);
    response.headers.emplace_back("Stripe-Version", version);
    if (idempotency_key) response.headers.emplace_back("Idempotency-Key", *idempotency_key);
    answer(respond, std::move(response));
  };

  std::vector<json::object> events;
  auto response = [&]() -> net::server_response {
    std::lock_guard lock(mutex);
    ++api_calls;
    const auto key = api_key_of(request);
    if (key.empty()) return stripe::error_response(stripe::missing_api_key());
    if (std::find(options.secret_keys.begin(), options.secret_keys.end(), key) == options.secret_keys.end())
      return stripe::error_response(stripe::invalid_api_key(key));
    if (version_header && !valid_api_version(*version_header))
      return stripe::error_response(
          stripe::invalid_param("", "Invalid Stripe API version: " + *version_header + "."));
    const std::string endpoint = request.method + " " + pattern;
    ++api_calls_by_endpoint[endpoint];
    for (auto& rule : faults) {
      if (rule.remaining > 0 && (rule.endpoint.empty() || rule.endpoint == endpoint || rule.endpoint == pattern)) {
        --rule.remaining;
        return stripe::error_response(stripe::injected_fault(rule.status));
      }
    }
    if (request.method == "POST" &&
        request.header("Content-Type").value_or("").find("application/json") != std::string::npos)
      return stripe::error_response(stripe::invalid_param(
          "", "Invalid request: Stripe's v1 API takes application/x-www-form-urlencoded parameters, not JSON."));
    const auto fields = net::parse_form(request.method == "POST" ? request.body : request.query);
    auto decoded = stripe::decode_params(fields);
    if (auto* error = std::get_if<stripe::api_error>(&decoded)) return stripe::error_response(*error);
    const auto& params = std::get<json::object>(decoded);

    const auto now = now_locked();
    std::string fingerprint;
    if (idempotency_key) {
      fingerprint = stripe::request_fingerprint(request.method, request.path, fields);
      auto found = idempotency.lookup(key, *idempotency_key, fingerprint, now);
      if (auto* error = std::get_if<stripe::api_error>(&found)) return stripe::error_response(*error);
      if (auto* replay = std::get_if<stripe::idempotency_cache::replay>(&found)) {
        auto replayed = replay->response;
        replayed.headers.emplace_back("Idempotent-Replayed", "true");
        replayed.headers.emplace_back("Original-Request", replay->original_request);
        return replayed;
      }
    }

    stripe_call call{request, params, {request_id, idempotency_key.value_or("")},
                     "http://" + request.header("Host").value_or("127.0.0.1"), now};
    auto outcome = work_fn(call);
    if (auto* object = std::get_if<json::object>(&outcome)) {
      try {
        outcome = store.expand(std::move(*object), stripe::params(params).expand());
      } catch (const stripe::param_error& e) {
        outcome = e.error;
      }
    }
    events = store.take_new_events();
    if (auto* error = std::get_if<stripe::api_error>(&outcome)) return stripe::error_response(*error);
    auto ok = stripe::json_response(200, std::get<json::object>(outcome));
    if (idempotency_key) idempotency.remember(key, *idempotency_key, fingerprint, ok, request_id, now);
    return ok;
  }();
  deliver(std::move(events));
  finish(std::move(response));
}

stripe_sandbox::stripe_sandbox(stripe_sandbox_options options) : impl_(std::make_shared<impl>(std::move(options))) {
  impl_->start(impl_);
}

stripe_sandbox::~stripe_sandbox() { impl_->stop(); }

void stripe_sandbox::add_routes(net::router& routes) {
  impl_->add_api_routes(routes, impl_);
  impl_->add_page_routes(routes, impl_);
  impl_->add_control_routes(routes, impl_);
}

void stripe_sandbox::fail_next(int count, int status, std::string endpoint) {
  std::lock_guard lock(impl_->mutex);
  std::erase_if(impl_->faults, [&](const impl::fault_rule& r) { return r.endpoint == endpoint; });
  if (count > 0) impl_->faults.push_back({count, status, std::move(endpoint)});
}

void stripe_sandbox::release_delayed_answers() { impl_->delayed.release(); }

void stripe_sandbox::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(impl_->mutex);
  impl_->latency = latency;
}

void stripe_sandbox::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(impl_->mutex);
  impl_->clock_offset += by;
}

std::chrono::sys_seconds stripe_sandbox::now() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->now_locked();
}

void stripe_sandbox::set_webhook_endpoint(std::string url, std::string secret) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->store.set_webhook_endpoints(url.empty() ? 0 : 1);
  }
  impl_->webhooks->set_endpoint(std::move(url), std::move(secret));
}

void stripe_sandbox::set_duplicate_deliveries(bool on) { impl_->webhooks->set_duplicate(on); }
void stripe_sandbox::set_out_of_order(int batch) { impl_->webhooks->set_out_of_order(batch); }
void stripe_sandbox::drop_next_deliveries(int count) { impl_->webhooks->drop_next(count); }
void stripe_sandbox::flush_deliveries() { impl_->webhooks->flush(); }
std::vector<stripe::delivery_record> stripe_sandbox::deliveries() const { return impl_->webhooks->deliveries(); }

bool stripe_sandbox::resend_event(const std::string& event_id) {
  std::optional<json::object> event;
  {
    std::lock_guard lock(impl_->mutex);
    event = impl_->store.find(event_id);
  }
  if (!event || !event_id.starts_with("evt_")) return false;
  impl_->webhooks->resend({event_id, std::string(event->at("type").as_string()), json::serialize(*event)});
  return true;
}

std::optional<std::string> stripe_sandbox::object_json(const std::string& id) const {
  std::lock_guard lock(impl_->mutex);
  if (auto found = impl_->store.find(id)) return json::serialize(*found);
  return std::nullopt;
}

int stripe_sandbox::api_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->api_calls;
}

int stripe_sandbox::api_requests(const std::string& endpoint) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->api_calls_by_endpoint.find(endpoint);
  return found == impl_->api_calls_by_endpoint.end() ? 0 : found->second;
}

}  // namespace tutorbot::sandbox
