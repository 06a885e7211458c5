#pragma once
// Webhook delivery as Stripe does it: each event POSTed as JSON to the endpoint, signed
// with `Stripe-Signature` (a fresh timestamp per attempt), retried with exponential backoff
// on a non-2xx answer or a transport error, each delivery on its own so a failing one never
// holds up another. Stripe promises neither exactly-once nor order, so tests can ask for
// the worst: every event twice, a batch held back and released shuffled, or deliveries
// lost outright (the events stay listed in /v1/events for a reconciler to find).
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
#include "net/retry.hpp"
#include "sandbox/webhook_sender.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::sandbox::stripe {

struct webhook_event {
  std::string id, type;
  std::string payload;  // the event's JSON, exactly as signed and sent
};

struct delivery_attempt {
  int status = 0;     // the endpoint's HTTP status; 0 when no answer came
  std::string error;  // the transport failure, when there was one
  std::int64_t at = 0;  // unix seconds
};

struct delivery_record {
  std::string event_id, event_type;
  bool duplicate = false;  // the second copy of a duplicated delivery, or a resend
  // held (waiting for its out-of-order batch), dropped, pending (being attempted),
  // delivered (2xx), failed (attempts exhausted)
  std::string outcome;
  std::uint64_t sent_order = 0;  // 1, 2, … in the order first attempts started; 0 if never
  std::vector<delivery_attempt> attempts;
};

struct webhook_settings {
  std::string url;     // "" → events are only listed, not delivered
  std::string secret;  // whsec_…
  bool duplicate = false;
  int out_of_order_batch = 0;  // >1: hold this many deliveries, then send them shuffled
  int drop_next = 0;           // the next N deliveries are lost
};

class webhook_dispatcher : public webhook_sender<webhook_settings, delivery_record>,
                           public std::enable_shared_from_this<webhook_dispatcher> {
 public:
  // `on_delivered` runs (on `io`, without the dispatcher's lock) once an event got a 2xx.
  webhook_dispatcher(boost::asio::io_context& io, webhook_settings settings, net::backoff_policy retry,
                     std::chrono::milliseconds attempt_timeout, std::optional<std::uint64_t> seed,
                     std::function<void(const std::string& event_id)> on_delivered);

  // Thread-safe.
  void enqueue(const std::vector<webhook_event>& events);
  // Sends one event again now, outside the knobs (Stripe's "Resend").
  void resend(const webhook_event& event);
  void set_endpoint(std::string url, std::string secret);
  void set_duplicate(bool on);
  // 0 or 1 turns it off and releases what was held.
  void set_out_of_order(int batch);
  // Releases held deliveries now (shuffled).
  void flush();
  // After release_client(), handlers left in the io_context's queue may keep this
  // dispatcher alive until the io_context is destroyed.

 private:
  struct pending {
    std::size_t record;
    webhook_event event;
  };
  // Under the lock: the deliveries to start once it is released.
  void add(const webhook_event& event, bool duplicate, std::vector<pending>& start_now);
  void release_held(std::vector<pending>& start_now);
  void start(std::vector<pending> deliveries);
  void attempt(const pending& delivery, net::attempt_report report);
  void finish(std::size_t record, bool delivered);

  net::backoff_policy retry_;
  std::chrono::milliseconds attempt_timeout_;
  std::function<void(const std::string&)> on_delivered_;

  std::mt19937_64 random_;
  std::vector<pending> held_;
  std::uint64_t sent_ = 0;
};

}  // namespace tutorbot::sandbox::stripe
