#include "sandbox/chatwoot_webhooks.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/chatwoot_signature.hpp"
#include "net/form.hpp"
#include "sandbox/chatwoot_protocol.hpp"

namespace tutorbot::sandbox::chatwoot {

namespace {

net::client_options client_options() {
  net::client_options o;
  // Webhooks::Trigger posts with RestClient, which names itself so.
  o.user_agent = "rest-client/2.1.0 (linux x86_64) ruby/3.3.3p89";
  o.max_idle_per_host = 2;
  return o;
}

std::string with_token(const std::string& url, const std::string& token) {
  if (token.empty()) return url;
  const auto fragment = url.find('#');
  const std::string base = url.substr(0, fragment);
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "token=" + net::form_encode(token);
}

}  // namespace

webhook_dispatcher::webhook_dispatcher(boost::asio::io_context& io, webhook_settings settings,
                                       std::chrono::milliseconds timeout, std::optional<std::uint64_t> seed,
                                       std::function<void(const delivery_record&)> on_failed)
    : webhook_sender(io, client_options(), std::move(settings)),
      timeout_(timeout),
      on_failed_(std::move(on_failed)),
      random_(seed ? *seed : std::random_device{}()) {}

void webhook_dispatcher::enqueue(const std::vector<outgoing_webhook>& webhooks) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || settings_.url.empty()) return;
    for (const auto& w : webhooks) {
      delivery_record record;
      record.delivery_id = new_uuid(random_);
      record.event = w.event;
      record.message_id = w.message_id;
      record.conversation_id = w.conversation_id;
      record.payload = w.payload;
      if (settings_.drop_next > 0) {
        --settings_.drop_next;
        record.outcome = "dropped";
        records_.push_back(std::move(record));
      } else {
        record.outcome = "queued";
        records_.push_back(std::move(record));
        queue_.push_back(records_.size() - 1);
      }
    }
  }
  send_next();
}

void webhook_dispatcher::send_next() {
  net::client_request request;
  std::size_t record = 0;
  {
    std::lock_guard lock(mutex_);
    if (sending_ || queue_.empty() || !client_) return;
    if (stopped_) {
      for (auto index : queue_) {
        records_[index].outcome = "failed";
        records_[index].error = "closed: the sandbox stopped";
      }
      queue_.clear();
      return;
    }
    sending_ = true;
    record = queue_.front();
    queue_.pop_front();
    auto& r = records_[record];
    r.outcome = "sending";
    r.at = unix_now();
    ++r.attempts;
    request.url = with_token(settings_.url, settings_.token);
    if (!settings_.secret.empty()) {
      const auto timestamp = std::to_string(r.at);
      request.headers.push_back(
          {"X-Chatwoot-Signature",
           net::chatwoot_signature_header(r.payload, settings_.secret, std::chrono::sys_seconds{std::chrono::seconds{r.at}})});
      request.headers.push_back({"X-Chatwoot-Timestamp", timestamp});
      request.headers.push_back({"X-Chatwoot-Delivery", r.delivery_id});
    }
    request.body = r.payload;
  }
  request.method = "POST";
  request.headers.push_back({"Content-Type", "application/json"});
  request.headers.push_back({"Accept", "application/json"});
  request.timeout = timeout_;
  client_->send(std::move(request), [self = shared_from_this(), record](net::client_result result) {
    if (auto* response = std::get_if<net::client_response>(&result)) {
      self->finish(record, response->status, {});
    } else {
      const auto& error = std::get<net::client_error>(result);
      self->finish(record, 0, std::string(net::to_string(error.kind)) + ": " + error.message);
    }
  });
}

void webhook_dispatcher::finish(std::size_t record, int status, std::string error) {
  delivery_record copy;
  bool failed = false;
  {
    std::lock_guard lock(mutex_);
    auto& r = records_[record];
    r.status = status;
    r.error = std::move(error);
    // RestClient raises on anything but 2xx (and on 3xx for a POST): a failure either way.
    failed = status < 200 || status >= 300;
    const bool retry = (status == 429 || status == 500) && r.attempts < settings_.max_attempts && !stopped_;
    if (retry) {
      r.outcome = "retrying";
      sending_ = false;
      auto timer = std::make_shared<boost::asio::steady_timer>(io_, settings_.retry_delay);
      timer->async_wait([self = shared_from_this(), timer, record](const boost::system::error_code&) {
        {
          std::lock_guard again(self->mutex_);
          self->records_[record].outcome = "queued";
          self->queue_.push_back(record);
        }
        self->send_next();
      });
      failed = false;
    } else {
      r.outcome = failed ? "failed" : "delivered";
    }
    copy = r;
    sending_ = false;
  }
  if (failed && on_failed_) on_failed_(copy);
  send_next();
}

void webhook_dispatcher::set_endpoint(std::string url, std::string token, std::string secret) {
  std::lock_guard lock(mutex_);
  settings_.url = std::move(url);
  settings_.token = std::move(token);
  settings_.secret = std::move(secret);
}

}  // namespace tutorbot::sandbox::chatwoot
