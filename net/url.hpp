#pragma once
// URL parsing for the outbound HTTP client: only what Stripe, Google and Chatwoot URLs need
// (scheme, host, optional port, path and query); no user-info, no relative references.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tutorbot::net {

struct parsed_url {
  bool tls = true;            // https
  std::string host;           // lower-case; IPv6 literals without brackets
  std::uint16_t port = 443;   // explicit or the scheme's default
  std::string target = "/";   // path and query, never the fragment
  bool default_port = true;

  std::string scheme() const { return tls ? "https" : "http"; }
  std::string host_header() const;  // "host" or "host:port", IPv6 bracketed
  std::string pool_key() const;     // scheme://host:port
};

// nullopt when the text is not an absolute http(s) URL we can send to.
std::optional<parsed_url> parse_url(std::string_view text);

// localhost, 127.0.0.0/8 or ::1: the only hosts plain HTTP may be sent to.
bool is_loopback_host(std::string_view host);

// True for IPv4 and IPv6 literals (no SNI for those, RFC 6066 §3).
bool is_ip_literal(std::string_view host);

}  // namespace tutorbot::net
