#include "sandbox/stripe_idempotency.hpp"

#include <algorithm>

namespace tutorbot::sandbox::stripe {

namespace {

constexpr std::size_t max_key_length = 255;
constexpr auto retention = std::chrono::hours(24);

}  // namespace

std::string request_fingerprint(const std::string& method, const std::string& path, net::form_fields fields) {
  std::sort(fields.begin(), fields.end());
  return method + " " + path + "\n" + net::encode_form(fields);
}

idempotency_cache::lookup_result idempotency_cache::lookup(const std::string& api_key, const std::string& key,
                                                           const std::string& fingerprint,
                                                           std::chrono::sys_seconds now) {
  if (key.size() > max_key_length)
    return invalid_param("", "Invalid idempotency key: it must be at most 255 characters long.");
  prune(now);
  auto it = entries_.find({api_key, key});
  if (it == entries_.end()) return fresh{};
  if (it->second.fingerprint != fingerprint) return idempotency_mismatch(key);
  return replay{it->second.response, it->second.request_id};
}

void idempotency_cache::remember(const std::string& api_key, const std::string& key, const std::string& fingerprint,
                                 net::server_response response, const std::string& request_id,
                                 std::chrono::sys_seconds now) {
  entries_[{api_key, key}] = entry{fingerprint, std::move(response), request_id, now};
}

void idempotency_cache::prune(std::chrono::sys_seconds now) {
  std::erase_if(entries_, [&](const auto& item) { return item.second.at + retention < now; });
}

}  // namespace tutorbot::sandbox::stripe
