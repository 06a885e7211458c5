#include "net/google_auth.hpp"

#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/json.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "net/form.hpp"
#include "net/http_client.hpp"

namespace tutorbot::net {

namespace json = boost::json;

std::string_view to_string(google_error_kind kind) {
  switch (kind) {
    case google_error_kind::auth: return "auth";
    case google_error_kind::not_found: return "not_found";
    case google_error_kind::conflict: return "conflict";
    case google_error_kind::rate_limited: return "rate_limited";
    case google_error_kind::server: return "server";
    case google_error_kind::invalid: return "invalid";
    case google_error_kind::transport: return "transport";
    case google_error_kind::deadline: return "deadline";
  }
  return "unknown";
}

namespace {

struct pkey_deleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// Never prompt for a passphrase: Google's key files are not encrypted.
int no_passphrase(char*, int, int, void*) { return 0; }

// nullptr and the reason when the PEM text is not an RSA private key.
pkey_ptr read_private_key(const std::string& pem, std::string& why) {
  ERR_clear_error();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  if (!bio) {
    why = openssl_reason();
    return nullptr;
  }
  pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_passphrase, nullptr));
  if (!key) {
    why = "not a PEM private key (" + openssl_reason() + ")";
    return nullptr;
  }
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    why = "not an RSA key (RS256 needs one)";
    return nullptr;
  }
  return key;
}

std::string base64url(std::string_view data) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) | static_cast<unsigned char>(data[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
  } else if (i + 2 == data.size()) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
  }
  return out;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::variant<service_account_key, key_file_error> parse_service_account(std::string_view text,
                                                                        const std::string& source) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return key_file_error{source + ": not valid JSON (" + ec.message() + "); expected a Google service-account key file"};
  if (!doc.is_object()) return key_file_error{source + ": expected a JSON object (a Google service-account key file)"};
  const auto& obj = doc.as_object();
  if (auto* type = obj.if_contains("type"); type && type->is_string() && type->as_string() != "service_account")
    return key_file_error{source + ": type is \"" + std::string(type->as_string()) +
                          "\", expected \"service_account\" (create a key for a service account)"};
  service_account_key key;
  struct field {
    const char* name;
    std::string* target;
  };
  for (const field& f : {field{"client_email", &key.client_email}, field{"private_key", &key.private_key_pem},
                         field{"private_key_id", &key.private_key_id}, field{"token_uri", &key.token_uri}}) {
    const json::value* v = obj.if_contains(f.name);
    if (!v) return key_file_error{source + ": missing field \"" + f.name + "\""};
    if (!v->is_string() || v->as_string().empty())
      return key_file_error{source + ": field \"" + f.name + "\" must be a non-empty string"};
    *f.target = std::string(v->as_string());
  }
  if (!key.token_uri.starts_with("https://") && !key.token_uri.starts_with("http://"))
    return key_file_error{source + ": field \"token_uri\" is not an http(s) URL: " + key.token_uri};
  std::string why;
  if (!read_private_key(key.private_key_pem, why))
    return key_file_error{source + ": field \"private_key\" is invalid: " + why};
  return key;
}

std::variant<service_account_key, key_file_error> load_service_account(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return key_file_error{path + ": cannot read the service-account key file (GCAL_SERVICE_ACCOUNT_JSON)"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_service_account(text.str(), path);
}

struct google_auth::impl : std::enable_shared_from_this<google_auth::impl> {
  http_client& http;
  service_account_key key;
  google_auth_options options;
  pkey_ptr pkey;

  std::mutex mutex;
  std::optional<access_token> cached;
  bool fetching = false;
  std::vector<std::function<void(token_result)>> waiters;
  std::atomic<int> sent{0};

  impl(http_client& h, service_account_key k, google_auth_options o)
      : http(h), key(std::move(k)), options(std::move(o)) {
    if (!options.now) options.now = [] { return std::chrono::system_clock::now(); };
    std::string why;
    pkey = read_private_key(key.private_key_pem, why);
    if (!pkey) throw std::invalid_argument("service-account private_key is invalid: " + why);
  }

  std::string sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1)
      throw std::runtime_error("RS256 signing failed: " + openssl_reason());
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
      throw std::runtime_error("RS256 signing failed: " + openssl_reason());
    signature.resize(length);
    return signature;
  }

  std::string assertion(std::chrono::system_clock::time_point now) const {
    json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.private_key_id}};
    auto iat = unix_seconds(now);
    json::object claims{{"iss", key.client_email}, {"scope", options.scope}, {"aud", key.token_uri},
                        {"iat", iat}, {"exp", iat + 3600}};
    if (options.subject) claims["sub"] = *options.subject;
    std::string signing_input = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims));
    return signing_input + "." + base64url(sign(signing_input));
  }

  static token_result parse_answer(const client_result& result, std::chrono::system_clock::time_point now) {
    if (const auto* failure = std::get_if<client_error>(&result))
      return google_error{google_error_kind::transport, 0, std::string(to_string(failure->kind)),
                          "token endpoint: " + failure->message};
    const auto& response = std::get<client_response>(result);
    boost::system::error_code ec;
    json::value doc = json::parse(response.body, ec);
    const json::object* obj = !ec && doc.is_object() ? &doc.as_object() : nullptr;
    auto text = [&](const char* name) -> std::string {
      if (!obj) return {};
      const json::value* v = obj->if_contains(name);
      return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    if (response.status == 200) {
      std::string token = text("access_token");
      const json::value* expires = obj ? obj->if_contains("expires_in") : nullptr;
      // A lifetime that is no whole number of seconds, or absurd, is no answer either (and
      // to_number would throw on it inside an I/O callback).
      boost::system::error_code number_ec;
      const auto lifetime = expires && expires->is_number() ? expires->to_number<std::int64_t>(number_ec) : 0;
      if (token.empty() || !expires || !expires->is_number() || number_ec || lifetime <= 0 || lifetime > 24 * 3600)
        return google_error{google_error_kind::server, 200, "bad_token_response",
                            "token endpoint answered 200 without access_token and a lifetime (expires_in, 1 s to 24 h)"};
      return access_token{std::move(token), now + std::chrono::seconds{lifetime}};
    }
    // OAuth errors are {"error": "invalid_grant", "error_description": "…"} (RFC 6749 §5.2).
    google_error error{google_error_kind::auth, response.status, text("error"), text("error_description")};
    if (response.status == 429) error.kind = google_error_kind::rate_limited;
    else if (response.status >= 500) error.kind = google_error_kind::server;
    if (error.reason.empty()) error.reason = "http_" + std::to_string(response.status);
    if (error.message.empty()) error.message = "token endpoint answered HTTP " + std::to_string(response.status);
    return error;
  }

  void fetch() {
    auto now = options.now();
    client_request request;
    request.method = "POST";
    request.url = key.token_uri;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = "grant_type=" + form_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                   "&assertion=" + form_encode(assertion(now));
    request.timeout = options.request_timeout;
    ++sent;
    http.send(std::move(request), [self = shared_from_this(), now](client_result result) {
      self->finish(parse_answer(result, now));
    });
  }

  void finish(token_result result) {
    std::vector<std::function<void(token_result)>> ready;
    {
      std::lock_guard lock(mutex);
      fetching = false;
      if (const auto* token = std::get_if<access_token>(&result)) cached = *token;
      ready.swap(waiters);
    }
    for (auto& done : ready) done(result);
  }
};

google_auth::google_auth(http_client& http, service_account_key key, google_auth_options options)
    : impl_(std::make_shared<impl>(http, std::move(key), std::move(options))) {}

google_auth::~google_auth() = default;

void google_auth::get_token(std::function<void(token_result)> done) {
  std::unique_lock lock(impl_->mutex);
  if (impl_->cached && impl_->options.now() < impl_->cached->expires_at - impl_->options.refresh_margin) {
    access_token token = *impl_->cached;
    lock.unlock();
    done(std::move(token));
    return;
  }
  impl_->waiters.push_back(std::move(done));
  if (impl_->fetching) return;  // coalesce: the request in flight answers everyone
  impl_->fetching = true;
  lock.unlock();
  try {
    impl_->fetch();
  } catch (const std::exception& e) {
    impl_->finish(google_error{google_error_kind::auth, 0, "signing_failed", e.what()});
  }
}

void google_auth::invalidate() {
  std::lock_guard lock(impl_->mutex);
  impl_->cached.reset();
}

void google_auth::invalidate(std::string_view rejected) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->cached && impl_->cached->value == rejected) impl_->cached.reset();
}

std::string google_auth::make_assertion(std::chrono::system_clock::time_point now) const {
  return impl_->assertion(now);
}

int google_auth::token_requests_sent() const { return impl_->sent.load(); }

}  // namespace tutorbot::net
