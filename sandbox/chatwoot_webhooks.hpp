#pragma once
// Webhook delivery as Chatwoot does it (Webhooks::Trigger, v4.12 and later): each event POSTed
// as JSON with a 5 s timeout; an answer of 429 or 500 is retried, 3 attempts in all, 3 s
// apart, with the same X-Chatwoot-Delivery id; any other failure (a 4xx, 502/503, a timeout)
// is not retried. When a signing secret is set,
// each request carries X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret,
// "<timestamp>.<body>")>, X-Chatwoot-Timestamp and a fresh X-Chatwoot-Delivery id. The
// URL is the configured one with `token=<webhook token>` added to its query, as tutorbot's
// /webhooks/chatwoot expects it.
//
// Sandbox rule: deliveries go out one at a time in the order emitted (Chatwoot's Sidekiq
// jobs promise no order; one worker keeps tests repeatable). A test can drop the next N
// deliveries: the messages stay recorded and listable, as after a lost Sidekiq job.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "sandbox/webhook_sender.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::sandbox::chatwoot {

struct outgoing_webhook {
  std::string event;    // message_created, conversation_status_changed
  std::string payload;  // the JSON body, exactly as signed and sent
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
};

struct delivery_record {
  std::string delivery_id;  // X-Chatwoot-Delivery (also without a secret, for the record)
  std::string event;
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
  // dropped (never sent), queued, sending, retrying (after 429 or 500), delivered (2xx),
  // failed (anything else, or the last attempt)
  std::string outcome;
  int attempts = 0;
  int status = 0;     // the endpoint's HTTP status; 0 when no answer came
  std::string error;  // the transport failure, when there was one
  std::int64_t at = 0;  // unix seconds of the attempt
  std::string payload;
};

struct webhook_settings {
  std::string url;     // "" → nothing is delivered or recorded
  std::string token;   // added as ?token=…
  std::string secret;  // "" → unsigned, as Chatwoot before signing existed
  int drop_next = 0;
  int max_attempts = 3;  // for answers of 429 and 500
  std::chrono::milliseconds retry_delay{3000};
};

class webhook_dispatcher : public webhook_sender<webhook_settings, delivery_record>,
                           public std::enable_shared_from_this<webhook_dispatcher> {
 public:
  // `on_failed` runs on `io`, without the dispatcher's lock, after a delivery failed.
  webhook_dispatcher(boost::asio::io_context& io, webhook_settings settings, std::chrono::milliseconds timeout,
                     std::optional<std::uint64_t> seed, std::function<void(const delivery_record&)> on_failed);

  // Thread-safe.
  void enqueue(const std::vector<outgoing_webhook>& webhooks);
  void set_endpoint(std::string url, std::string token, std::string secret);

 private:
  void send_next();
  void finish(std::size_t record, int status, std::string error);

  std::chrono::milliseconds timeout_;
  std::function<void(const delivery_record&)> on_failed_;

  std::mt19937_64 random_;
  std::deque<std::size_t> queue_;
  bool sending_ = false;
};

}  // namespace tutorbot::sandbox::chatwoot
