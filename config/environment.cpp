// Environment overrides (design §7). Secrets live only here; X_FILE may name a file
// holding X (Docker / Kubernetes secrets), read with its trailing newline trimmed.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "config/sections.hpp"

namespace tutorbot::config {

environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
    return std::nullopt;
  };
}

namespace detail {
namespace {

constexpr const char* env_file = "environment";

// What `tutorbot serve` would refuse in the key file, checked here so that check-config and
// serve agree (the signature itself is checked when the key is used). Never quotes the key.
std::optional<std::string> service_account_problem(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) return "it is not a JSON object";
  const auto& key = value.as_object();
  for (const char* field : {"client_email", "private_key", "token_uri"}) {
    const auto* f = key.if_contains(field);
    if (!f || !f->is_string() || f->as_string().empty()) return std::string("it has no \"") + field + "\"";
  }
  if (key.at("private_key").as_string().find("-----BEGIN") == boost::json::string::npos) {
    return "\"private_key\" is not a PEM key";
  }
  return std::nullopt;
}

struct env_reader {
  const environment& env;
  std::vector<problem>& problems;

  void add(std::string variable, std::string reason) const {
    problems.push_back({env_file, 0, std::move(variable), std::move(reason)});
  }

  // Set and non-empty, else nullopt: an empty variable means "not set".
  std::optional<std::string> plain(std::string_view name) const {
    auto v = env ? env(name) : std::nullopt;
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  std::optional<std::string> secret_text(const std::string& name) const {
    const auto direct = plain(name);
    const auto file_var = name + "_FILE";
    const auto path = plain(file_var);
    if (direct && path) {
      add(name, "is set together with " + file_var + ": set only one of them");
      return std::nullopt;
    }
    if (direct) return direct;
    if (!path) return std::nullopt;
    std::ifstream in(*path, std::ios::binary);
    std::ostringstream content;
    if (!in || !(content << in.rdbuf())) {
      add(file_var, "cannot read the file " + quote(*path) + " that should hold " + name);
      return std::nullopt;
    }
    auto text = content.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) {
      add(file_var, "the file " + quote(*path) + " that should hold " + name + " is empty");
      return std::nullopt;
    }
    return text;
  }

  void secret_into(const std::string& name, secret& out) const {
    if (auto v = secret_text(name)) out = secret(std::move(*v));
  }

  void url_into(const std::string& name, std::string& out) const {
    if (auto v = plain(name)) {
      if (is_http_url(*v)) out = *v;
      else add(name, quote(*v) + " is not an http:// or https:// URL");
    }
  }
};

}  // namespace

void apply_environment(const environment& env, std::vector<problem>& problems,
                       service_settings& out) {
  const env_reader r{env, problems};

  r.secret_into("DATABASE_URL", out.database_url);
  r.secret_into("TUTORBOT_API_TOKEN", out.api_token);
  if (auto v = r.plain("TUTORBOT_LISTEN")) {
    if (auto hp = parse_listen(*v)) {
      out.listen_host = hp->host;
      out.listen_port = hp->port;
    } else {
      r.add("TUTORBOT_LISTEN", quote(*v) + " is not host:port, e.g. 127.0.0.1:8080");
    }
  }
  if (auto v = r.plain("TUTORBOT_LOG_LEVEL")) {
    if (is_log_level(*v)) out.log_level = *v;
    else r.add("TUTORBOT_LOG_LEVEL", quote(*v) + " is not one of debug, info, warn, error");
  }

  auto& mail = out.mail;
  if (auto v = r.plain("SMTP_URL")) {
    if (v->starts_with("smtp://") || v->starts_with("smtps://")) mail.smtp_url = *v;
    else r.add("SMTP_URL", "is not an smtp:// or smtps:// URL");  // not quoted: it may hold a password
  }
  if (auto v = r.secret_text("SMTP_USER")) mail.smtp_user = *v;
  r.secret_into("SMTP_PASSWORD", mail.smtp_password);

  auto& st = out.providers.stripe;
  r.secret_into("STRIPE_SECRET_KEY", st.secret_key);
  if (auto v = r.plain("STRIPE_PUBLISHABLE_KEY")) st.publishable_key = *v;
  r.url_into("STRIPE_API_BASE", st.api_base);
  // Several secrets are valid while an endpoint's secret is being rolled in Stripe.
  if (auto v = r.secret_text("STRIPE_WEBHOOK_SECRET")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto part = rest.substr(0, comma);
      while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
      while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
      if (!part.empty()) st.webhook_secrets.emplace_back(std::string(part));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  auto& g = out.providers.google;
  if (auto v = r.plain("GCAL_SERVICE_ACCOUNT_JSON")) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*v, ec)) {
      r.add("GCAL_SERVICE_ACCOUNT_JSON",
            quote(*v) + " is not a readable file: it must name the service account's JSON key file");
    } else if (auto why = service_account_problem(*v)) {
      r.add("GCAL_SERVICE_ACCOUNT_JSON", quote(*v) + " is not a service-account key file: " + *why);
    } else {
      g.service_account_json_path = *v;
    }
  }
  if (auto v = r.plain("GCAL_CALENDAR_ID")) g.default_calendar_id = *v;
  r.url_into("GCAL_API_BASE", g.api_base);

  auto& c = out.providers.chatwoot;
  r.url_into("CHATWOOT_BASE_URL", c.base_url);
  if (auto v = r.plain("CHATWOOT_ACCOUNT_ID")) {
    const auto n = parse_int(*v);
    if (n && *n > 0 && *n <= 1'000'000'000) c.account_id = static_cast<int>(*n);
    else r.add("CHATWOOT_ACCOUNT_ID", quote(*v) + " is not a positive integer");
  }
  r.secret_into("CHATWOOT_API_TOKEN", c.api_token);
  r.secret_into("CHATWOOT_WEBHOOK_TOKEN", c.webhook_token);
  r.secret_into("CHATWOOT_SIGNING_SECRET", c.signing_secret);
  r.secret_into("CHATWOOT_USER_TOKEN", c.user_token);
}

}  // namespace detail
}  // namespace tutorbot::config
