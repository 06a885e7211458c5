#pragma once
// What the sandbox's webhook senders (Chatwoot's and Stripe's, each with its provider's own
// delivery rules) share: an HTTP client on the sandbox's io_context, the settings, and the
// record of every delivery, all under one lock; stopping, and letting go of the client.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "net/http_client.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::sandbox {

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

template <class Settings, class Record>
class webhook_sender {
 public:
  // Thread-safe.
  Settings settings() const {
    std::lock_guard lock(mutex_);
    return settings_;
  }
  std::vector<Record> deliveries() const {
    std::lock_guard lock(mutex_);
    return {records_.begin(), records_.end()};
  }
  // The next `count` deliveries are lost: recorded as dropped, never sent.
  void drop_next(int count) {
    std::lock_guard lock(mutex_);
    settings_.drop_next = count > 0 ? count : 0;
  }
  // No new attempts after this; those in flight end with `closed`.
  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    client_->shutdown();
  }
  // Once `io` no longer runs: drops the HTTP client while `io` still exists.
  void release_client() {
    std::lock_guard lock(mutex_);
    client_.reset();
  }

 protected:
  webhook_sender(boost::asio::io_context& io, net::client_options client, Settings settings)
      : io_(io), client_(std::make_unique<net::http_client>(io, std::move(client))), settings_(std::move(settings)) {}
  ~webhook_sender() = default;

  boost::asio::io_context& io_;
  std::unique_ptr<net::http_client> client_;
  mutable std::mutex mutex_;
  Settings settings_;
  std::deque<Record> records_;
  bool stopped_ = false;
};

}  // namespace tutorbot::sandbox
