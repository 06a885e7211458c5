#pragma once
// The OAuth 2.0 token endpoint of a Google service account (RFC 7523 JWT bearer grant):
// checks the assertion as Google does and says what to answer. No clock of its own.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace tutorbot::sandbox::google {

// Google's canonical token endpoint: its own client libraries sign `aud` with this URL
// whatever the key file's token_uri says, and Google accepts it, so the sandbox does too.
inline constexpr std::string_view google_token_url = "https://oauth2.googleapis.com/token";
inline constexpr std::string_view calendar_scope = "https://www.googleapis.com/auth/calendar";

class token_verifier {
 public:
  // Reads client_email, private_key_id, token_uri and the PEM key from a service-account
  // key file and keeps only the public half. Throws std::runtime_error naming the file.
  explicit token_verifier(const std::string& key_file_path);
  ~token_verifier();
  token_verifier(const token_verifier&) = delete;
  token_verifier& operator=(const token_verifier&) = delete;

  struct grant {
    std::string subject;  // JWT `sub`: the user impersonated by domain-wide delegation
  };
  struct refusal {
    int status = 400;
    std::string error;        // invalid_request, unsupported_grant_type, invalid_grant, invalid_scope
    std::string description;  // Google's error_description
  };
  // `form` is the x-www-form-urlencoded body of POST /token.
  std::variant<grant, refusal> verify(std::string_view form, std::chrono::sys_seconds now) const;

  const std::string& client_email() const { return client_email_; }
  const std::string& token_uri() const { return token_uri_; }

 private:
  struct key;
  std::string client_email_;
  std::string token_uri_;
  std::string key_id_;
  std::unique_ptr<key> public_key_;
};

std::string base64url_decode(std::string_view text, bool& ok);

}  // namespace tutorbot::sandbox::google
