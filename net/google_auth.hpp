#pragma once
// Google service-account authentication (OAuth 2.0 JWT bearer grant, RFC 7523): read the
// key file, sign a JWT with RS256, exchange it at the key file's token_uri, cache the
// access token. OpenSSL and Asio stay in google_auth.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tutorbot::net {

class http_client;

// A failed Google call, as the caller needs it: what kind, Google's status, the machine
// reason (errors[0].reason, or the OAuth "error" code) and Google's own message.
enum class google_error_kind { auth, not_found, conflict, rate_limited, server, invalid, transport, deadline };
std::string_view to_string(google_error_kind kind);

struct google_error {
  google_error_kind kind = google_error_kind::server;
  int http_status = 0;  // 0 when no HTTP answer arrived (transport, deadline)
  std::string reason;   // "rateLimitExceeded", "invalid_grant", "timeout", …
  std::string message;  // Google's message, or what failed on our side
};

struct service_account_key {
  std::string client_email;
  std::string private_key_pem;
  std::string private_key_id;
  std::string token_uri;
};

// The key file could not be used; `message` names the file and the field.
struct key_file_error {
  std::string message;
};

// Reads a Google service-account key file (JSON). Checks that client_email, private_key,
// private_key_id and token_uri are present strings and that private_key is a PEM RSA key.
std::variant<service_account_key, key_file_error> load_service_account(const std::string& path);
// Same, from the file's text; `source` names it in error messages.
std::variant<service_account_key, key_file_error> parse_service_account(std::string_view json,
                                                                        const std::string& source);

struct google_auth_options {
  std::string scope = "https://www.googleapis.com/auth/calendar";
  std::optional<std::string> subject;  // domain-wide delegation: the user to act as ("sub")
  std::chrono::seconds refresh_margin{60};  // a token counts as expired this long before expires_in
  std::chrono::milliseconds request_timeout{10000};
  // "Now" for iat/exp and for the cache; tests move it. Empty: std::chrono::system_clock.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct access_token {
  std::string value;
  std::chrono::system_clock::time_point expires_at;
};
using token_result = std::variant<access_token, google_error>;

class google_auth {
 public:
  // Throws std::invalid_argument when key.private_key_pem is not a usable private key.
  google_auth(http_client& http, service_account_key key, google_auth_options options = {});
  ~google_auth();
  google_auth(const google_auth&) = delete;
  google_auth& operator=(const google_auth&) = delete;

  // Thread-safe. A cached, unexpired token is handed over at once (inside this call);
  // otherwise one token request runs and every caller waiting meanwhile shares its
  // answer (`done` then runs on an io_context thread). Errors: auth for a refused grant
  // (4xx), server for 5xx, transport when the token endpoint was not reached.
  void get_token(std::function<void(token_result)> done);

  // Forget the cached token (Google answered 401 with it). With `rejected`, only when it
  // is still the cached one, so several calls failing with one old token refresh once.
  void invalidate();
  void invalidate(std::string_view rejected);

  // The signed JWT for `now` (header.claims.signature, base64url). Public for tests.
  std::string make_assertion(std::chrono::system_clock::time_point now) const;

  int token_requests_sent() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
