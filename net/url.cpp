#include "net/url.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace tutorbot::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool valid_reg_name(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

// Control characters and spaces in the target would let a caller smuggle a second
// request line or header into the stream.
bool valid_target(std::string_view target) {
  return std::none_of(target.begin(), target.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f;
  });
}

}  // namespace

std::string parsed_url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string parsed_url::pool_key() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme() + "://" + h + ":" + std::to_string(port);
}

std::optional<parsed_url> parse_url(std::string_view text) {
  parsed_url url;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string scheme = lower(text.substr(0, sep));
  if (scheme == "https") {
    url.tls = true;
    url.port = 443;
  } else if (scheme == "http") {
    url.tls = false;
    url.port = 80;
  } else {
    return std::nullopt;
  }
  std::string_view rest = text.substr(sep + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return std::nullopt;
    (void)addr;
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (!valid_reg_name(host)) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  url.host = lower(host);

  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(),
                                        [](unsigned char c) { return std::isdigit(c); }))
      return std::nullopt;
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) return std::nullopt;
    url.default_port = value == (url.tls ? 443 : 80);
    url.port = static_cast<std::uint16_t>(value);
  }

  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/" + std::string(target);
  } else {
    url.target = std::string(target);
  }
  if (!valid_target(url.target)) return std::nullopt;
  return url;
}

bool is_loopback_host(std::string_view host) {
  if (lower(host) == "localhost") return true;
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

bool is_ip_literal(std::string_view host) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

}  // namespace tutorbot::net
