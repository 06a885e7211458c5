#pragma once
// A stand-in for tutorbot's POST /webhooks/stripe on a loopback port: records every
// delivery as it arrived (raw body and the headers Stripe sends) and answers 200, or a
// chosen failure status for the next N deliveries.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace tutorbot::testing {

struct received_webhook {
  std::string body;
  std::string signature;     // Stripe-Signature
  std::string content_type;
  std::string user_agent;
  int answered = 200;        // what the receiver answered
};

class webhook_receiver {
 public:
  webhook_receiver();
  ~webhook_receiver();
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>/webhooks/stripe
  // The next `count` deliveries are answered `status` (and so retried by the sender).
  void fail_next(int count, int status = 500);
  std::vector<received_webhook> received() const;
  // Waits until at least `count` deliveries have arrived or the deadline passed; returns
  // what arrived.
  std::vector<received_webhook> wait_for(std::size_t count,
                                         std::chrono::milliseconds deadline = std::chrono::seconds(5)) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
