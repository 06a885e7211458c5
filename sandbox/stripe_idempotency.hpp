#pragma once
// Stripe's idempotent requests: the first answer to a POST with an Idempotency-Key is kept
// (per API key) and replayed to every retry with the same parameters; the same key with
// other parameters is refused with an idempotency_error. Only answers of requests that ran
// are kept: a refused validation or an injected fault is not, so a retry can succeed
// (https://docs.stripe.com/api/idempotent_requests). Keys are pruned after 24 hours.
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <variant>

#include "net/form.hpp"
#include "net/http_message.hpp"
#include "sandbox/stripe_protocol.hpp"

namespace tutorbot::sandbox::stripe {

// Method, path and the parameters in any order: what "the same request" means.
std::string request_fingerprint(const std::string& method, const std::string& path, net::form_fields fields);

class idempotency_cache {
 public:
  struct fresh {};
  struct replay {
    net::server_response response;
    std::string original_request;  // req_… of the request that made it
  };
  using lookup_result = std::variant<fresh, replay, api_error>;

  lookup_result lookup(const std::string& api_key, const std::string& key, const std::string& fingerprint,
                       std::chrono::sys_seconds now);
  void remember(const std::string& api_key, const std::string& key, const std::string& fingerprint,
                net::server_response response, const std::string& request_id, std::chrono::sys_seconds now);

 private:
  struct entry {
    std::string fingerprint;
    net::server_response response;
    std::string request_id;
    std::chrono::sys_seconds at;
  };
  void prune(std::chrono::sys_seconds now);

  std::map<std::pair<std::string, std::string>, entry> entries_;
};

}  // namespace tutorbot::sandbox::stripe
