#pragma once
// A stand-in for tutorbot's POST /webhooks/chatwoot on a loopback port: records every
// delivery as it arrived (raw body, the token in the query, Chatwoot's headers) and answers
// 200, or a chosen status for the next N deliveries, or after a delay (to outlast the
// sender's timeout).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace tutorbot::testing {

struct received_chatwoot_webhook {
  std::string body;
  std::string token;  // ?token=…
  std::string signature;  // X-Chatwoot-Signature
  std::string timestamp;  // X-Chatwoot-Timestamp
  std::string delivery;   // X-Chatwoot-Delivery
  std::string content_type;
  std::string user_agent;
  int answered = 200;
};

class chatwoot_webhook_receiver {
 public:
  chatwoot_webhook_receiver();
  ~chatwoot_webhook_receiver();
  chatwoot_webhook_receiver(const chatwoot_webhook_receiver&) = delete;
  chatwoot_webhook_receiver& operator=(const chatwoot_webhook_receiver&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>/webhooks/chatwoot (no token)
  void fail_next(int count, int status = 500);
  // Every answer waits this long (on a timer).
  void set_answer_delay(std::chrono::milliseconds delay);
  std::vector<received_chatwoot_webhook> received() const;
  // Waits until at least `count` deliveries have arrived or the deadline passed; returns
  // what arrived.
  std::vector<received_chatwoot_webhook> wait_for(std::size_t count,
                                                  std::chrono::milliseconds deadline = std::chrono::seconds(5)) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
