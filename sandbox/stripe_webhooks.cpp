#include "sandbox/stripe_webhooks.hpp"

#include <algorithm>

#include <boost/asio/io_context.hpp>

#include "net/stripe_signature.hpp"

namespace tutorbot::sandbox::stripe {

namespace {

net::client_options client_options() {
  net::client_options o;
  // What Stripe's webhook requests carry (https://docs.stripe.com/webhooks).
  o.user_agent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
  o.max_idle_per_host = 4;
  return o;
}

}  // namespace

webhook_dispatcher::webhook_dispatcher(boost::asio::io_context& io, webhook_settings settings,
                                       net::backoff_policy retry, std::chrono::milliseconds attempt_timeout,
                                       std::optional<std::uint64_t> seed,
                                       std::function<void(const std::string&)> on_delivered)
    : webhook_sender(io, client_options(), std::move(settings)),
      retry_(retry),
      attempt_timeout_(attempt_timeout),
      on_delivered_(std::move(on_delivered)),
      random_(seed ? *seed : std::random_device{}()) {}

void webhook_dispatcher::add(const webhook_event& event, bool duplicate, std::vector<pending>& start_now) {
  delivery_record record;
  record.event_id = event.id;
  record.event_type = event.type;
  record.duplicate = duplicate;
  records_.push_back(record);
  const std::size_t index = records_.size() - 1;
  if (settings_.drop_next > 0) {
    --settings_.drop_next;
    records_[index].outcome = "dropped";
  } else if (settings_.out_of_order_batch > 1) {
    records_[index].outcome = "held";
    held_.push_back({index, event});
    if (static_cast<int>(held_.size()) >= settings_.out_of_order_batch) release_held(start_now);
  } else {
    records_[index].outcome = "pending";
    start_now.push_back({index, event});
  }
}

void webhook_dispatcher::release_held(std::vector<pending>& start_now) {
  if (held_.empty()) return;
  auto batch = std::move(held_);
  held_.clear();
  std::shuffle(batch.begin(), batch.end(), random_);
  // A shuffle may leave the order as it was; a test asking for disorder must get it.
  if (batch.size() > 1 && std::is_sorted(batch.begin(), batch.end(),
                                         [](const pending& a, const pending& b) { return a.record < b.record; }))
    std::rotate(batch.begin(), batch.begin() + 1, batch.end());
  for (auto& p : batch) {
    records_[p.record].outcome = "pending";
    start_now.push_back(std::move(p));
  }
}

void webhook_dispatcher::enqueue(const std::vector<webhook_event>& events) {
  std::vector<pending> start_now;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || settings_.url.empty()) return;
    for (const auto& event : events) {
      add(event, false, start_now);
      if (settings_.duplicate) add(event, true, start_now);
    }
  }
  start(std::move(start_now));
}

void webhook_dispatcher::resend(const webhook_event& event) {
  std::vector<pending> start_now;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || settings_.url.empty()) return;
    delivery_record record;
    record.event_id = event.id;
    record.event_type = event.type;
    record.duplicate = true;
    record.outcome = "pending";
    records_.push_back(record);
    start_now.push_back({records_.size() - 1, event});
  }
  start(std::move(start_now));
}

void webhook_dispatcher::start(std::vector<pending> deliveries) {
  const auto self = shared_from_this();
  // Long enough for every attempt and backoff; the attempt count is the real bound.
  const auto budget = (attempt_timeout_ + retry_.cap) * std::max(retry_.max_attempts, 1) + std::chrono::seconds(1);
  for (auto& delivery : deliveries) {
    {
      std::lock_guard lock(mutex_);
      records_[delivery.record].sent_order = ++sent_;
    }
    const auto record = delivery.record;
    net::retry_async(
        io_, retry_, std::chrono::steady_clock::now() + budget,
        [self, delivery = std::move(delivery)](int, net::attempt_report report) {
          self->attempt(delivery, std::move(report));
        },
        [self, record] { self->finish(record, false); });
  }
}

void webhook_dispatcher::attempt(const pending& delivery, net::attempt_report report) {
  net::client_request request;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return report(net::attempt_verdict::done, [self = shared_from_this(), record = delivery.record] {
        self->finish(record, false);
      });
    }
    if (!client_) return;  // released: the io_context is gone or going
    request.url = settings_.url;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    request.headers.push_back({"Stripe-Signature", net::stripe_signature_header(delivery.event.payload,
                                                                                settings_.secret, now)});
  }
  request.method = "POST";
  request.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
  request.headers.push_back({"Accept", "*/*; q=0.5, application/xml"});
  request.headers.push_back({"Cache-Control", "no-cache"});
  request.body = delivery.event.payload;
  request.timeout = attempt_timeout_;
  client_->send(std::move(request), [self = shared_from_this(), record = delivery.record,
                                    report = std::move(report)](net::client_result result) {
    delivery_attempt a;
    a.at = unix_now();
    if (auto* response = std::get_if<net::client_response>(&result)) {
      a.status = response->status;
    } else {
      const auto& error = std::get<net::client_error>(result);
      a.error = std::string(net::to_string(error.kind)) + ": " + error.message;
    }
    const bool ok = a.status >= 200 && a.status < 300;
    {
      std::lock_guard lock(self->mutex_);
      self->records_[record].attempts.push_back(std::move(a));
    }
    report(ok ? net::attempt_verdict::done : net::attempt_verdict::retryable,
           [self, record, ok] { self->finish(record, ok); });
  });
}

void webhook_dispatcher::finish(std::size_t record, bool delivered) {
  std::string event_id;
  {
    std::lock_guard lock(mutex_);
    records_[record].outcome = delivered ? "delivered" : "failed";
    event_id = records_[record].event_id;
  }
  if (delivered && on_delivered_) on_delivered_(event_id);
}

void webhook_dispatcher::set_endpoint(std::string url, std::string secret) {
  std::lock_guard lock(mutex_);
  settings_.url = std::move(url);
  settings_.secret = std::move(secret);
}

void webhook_dispatcher::set_duplicate(bool on) {
  std::lock_guard lock(mutex_);
  settings_.duplicate = on;
}

void webhook_dispatcher::set_out_of_order(int batch) {
  std::vector<pending> start_now;
  {
    std::lock_guard lock(mutex_);
    settings_.out_of_order_batch = batch;
    if (batch <= 1) release_held(start_now);
  }
  start(std::move(start_now));
}

void webhook_dispatcher::flush() {
  std::vector<pending> start_now;
  {
    std::lock_guard lock(mutex_);
    release_held(start_now);
  }
  start(std::move(start_now));
}

}  // namespace tutorbot::sandbox::stripe
