#include "sandbox/google_token.hpp"

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "net/form.hpp"

namespace tutorbot::sandbox::google {
namespace {

constexpr auto allowed_skew = std::chrono::seconds(300);
constexpr auto max_lifetime = std::chrono::seconds(3600);

// Google's wording for a bad iat/exp (oauth2.googleapis.com answers exactly this).
constexpr std::string_view bad_timeframe =
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
    "Check your iat and exp values in the JWT claim.";

std::optional<boost::json::object> json_part(std::string_view b64) {
  bool ok = false;
  std::string text = base64url_decode(b64, ok);
  if (!ok) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return value.as_object();
}

std::optional<std::int64_t> seconds_claim(const boost::json::object& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<std::int64_t>(it->value().as_double());
  return std::nullopt;
}

std::string string_claim(const boost::json::object& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

bool has_scope(std::string_view scopes, std::string_view wanted) {
  while (!scopes.empty()) {
    auto space = scopes.find(' ');
    if (scopes.substr(0, space) == wanted) return true;
    scopes = space == std::string_view::npos ? std::string_view{} : scopes.substr(space + 1);
  }
  return false;
}

}  // namespace

struct token_verifier::key {
  EVP_PKEY* pkey = nullptr;
  ~key() { EVP_PKEY_free(pkey); }
};

std::string base64url_decode(std::string_view text, bool& ok) {
  ok = false;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-' || c == '+') v = 62;
    else if (c == '_' || c == '/') v = 63;
    else if (c == '=') break;
    else return {};
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  ok = true;
  return out;
}

token_verifier::token_verifier(const std::string& path) : public_key_(std::make_unique<key>()) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the service-account key file");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) throw std::runtime_error(path + ": not a JSON service-account key file");
  const auto& json = value.as_object();
  client_email_ = string_claim(json, "client_email");
  token_uri_ = string_claim(json, "token_uri");
  key_id_ = string_claim(json, "private_key_id");
  std::string pem = string_claim(json, "private_key");
  if (client_email_.empty() || pem.empty())
    throw std::runtime_error(path + ": client_email and private_key are required");
  if (token_uri_.empty()) token_uri_ = std::string(google_token_url);

  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* private_key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!private_key) throw std::runtime_error(path + ": private_key is not a PEM private key");
  // Keep only the public half: the sandbox verifies, it never signs.
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(private_key, &der);
  EVP_PKEY_free(private_key);
  if (length <= 0) throw std::runtime_error(path + ": cannot derive the public key");
  const unsigned char* cursor = der;
  public_key_->pkey = d2i_PUBKEY(nullptr, &cursor, length);
  OPENSSL_free(der);
  if (!public_key_->pkey || EVP_PKEY_base_id(public_key_->pkey) != EVP_PKEY_RSA)
    throw std::runtime_error(path + ": private_key is not an RSA key");
}

token_verifier::~token_verifier() = default;

std::variant<token_verifier::grant, token_verifier::refusal> token_verifier::verify(
    std::string_view form, std::chrono::sys_seconds now) const {
  const auto fields = net::parse_form(form);
  const auto* grant_type_field = net::find_field(fields, "grant_type");
  const auto* assertion_field = net::find_field(fields, "assertion");
  const std::string grant_type = grant_type_field ? *grant_type_field : std::string{};
  const std::string assertion = assertion_field ? *assertion_field : std::string{};
  if (grant_type.empty()) return refusal{400, "invalid_request", "Missing required parameter: grant_type"};
  if (grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer")
    return refusal{400, "unsupported_grant_type", "Invalid grant_type: " + grant_type};
  if (assertion.empty()) return refusal{400, "invalid_request", "Missing required parameter: assertion"};

  const auto first = assertion.find('.');
  const auto second = first == std::string::npos ? first : assertion.find('.', first + 1);
  if (second == std::string::npos || assertion.find('.', second + 1) != std::string::npos)
    return refusal{400, "invalid_grant", "Invalid JWT: malformed assertion"};
  const std::string_view whole(assertion);
  auto header = json_part(whole.substr(0, first));
  auto claims = json_part(whole.substr(first + 1, second - first - 1));
  bool signature_ok = false;
  const std::string signature = base64url_decode(whole.substr(second + 1), signature_ok);
  if (!header || !claims || !signature_ok)
    return refusal{400, "invalid_grant", "Invalid JWT: malformed assertion"};

  // The signature comes first: claims of an unsigned token mean nothing.
  const std::string kid = string_claim(*header, "kid");
  bool verified = string_claim(*header, "alg") == "RS256" && (kid.empty() || kid == key_id_);
  if (verified) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const std::string_view signing_input = whole.substr(0, second);
    verified = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, public_key_->pkey) == 1 &&
               EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size()) == 1;
    EVP_MD_CTX_free(ctx);
  }
  if (!verified) return refusal{400, "invalid_grant", "Invalid JWT Signature."};

  if (string_claim(*claims, "iss") != client_email_)
    return refusal{400, "invalid_grant", "Invalid grant: account not found"};
  const std::string aud = string_claim(*claims, "aud");
  if (aud != token_uri_ && aud != google_token_url)
    return refusal{400, "invalid_grant",
                   "Invalid JWT: Failed audience check. The expected value was " + token_uri_ +
                       ", but the actual value was " + aud + "."};
  const auto iat = seconds_claim(*claims, "iat");
  const auto exp = seconds_claim(*claims, "exp");
  const auto now_s = now.time_since_epoch().count();
  if (!iat || !exp || *exp <= *iat || *exp - *iat > max_lifetime.count() ||
      *iat > now_s + allowed_skew.count() || *exp < now_s - allowed_skew.count())
    return refusal{400, "invalid_grant", std::string(bad_timeframe)};
  const std::string scope = string_claim(*claims, "scope");
  if (scope.empty()) return refusal{400, "invalid_scope", "Empty or missing scope not allowed."};
  // Google would issue a token for other valid scopes and refuse the Calendar call later
  // (403 insufficientPermissions); the sandbox knows only Calendar, so it refuses here.
  if (!has_scope(scope, calendar_scope))
    return refusal{400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."};
  return grant{string_claim(*claims, "sub")};
}

}  // namespace tutorbot::sandbox::google
