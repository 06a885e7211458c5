// tutorbot.yaml: where the service listens, how it talks to PostgreSQL and to the
// providers. Secrets are refused here: they come from the environment (environment.cpp).
#include <algorithm>
#include <cctype>

#include <yaml-cpp/yaml.h>

#include "config/calendar_values.hpp"
#include "config/sections.hpp"

namespace tutorbot::config::detail {
namespace {

// Keys an operator might be tempted to fill in, and the variable that holds them instead.
void refuse_secret(const sink& s, const YAML::Node& at, const std::string& path,
                   std::string_view variable) {
  // The value is deliberately not quoted: it is a secret that should not be in a file.
  s.add(at, path, "secrets come from the environment: set " + std::string(variable) +
                      " and remove this key");
}

void read_url(const YAML::Node& v, const sink& s, const std::string& path, std::string& out) {
  if (auto t = get_string(v, s, path)) {
    if (!t->empty() && !is_http_url(*t))
      s.add(v, path, quote(*t) + " is not an http:// or https:// URL");
    else
      out = *t;
  }
}

template <class Duration>
void read_seconds(const YAML::Node& v, const sink& s, const std::string& path, Duration& out,
                  std::int64_t min, std::int64_t max) {
  if (auto n = get_int(v, s, path, min, max)) out = std::chrono::seconds(*n);
}

// libpq accepts both URLs (postgresql://user:pw@host/db) and key=value strings.
bool holds_password(std::string_view url) {
  if (url.find("password=") != std::string_view::npos) return true;
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  const auto rest = url.substr(scheme + 3);
  const auto at = rest.find('@');
  if (at == std::string_view::npos) return false;
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos && slash < at) return false;
  return rest.substr(0, at).find(':') != std::string_view::npos;
}

void read_address(const YAML::Node& v, const sink& s, const std::string& path, std::string& out) {
  if (auto t = get_string(v, s, path)) {
    const auto at = t->find('@');
    const bool plausible = t->empty() || (at != std::string::npos && at > 0 && at + 1 < t->size() &&
                                          t->find_first_of(" <>,;\"") == std::string::npos);
    if (plausible) out = *t;
    else s.add(v, path, quote(*t) + " is not an e-mail address (name@example.nl)");
  }
}

void read_mail(const YAML::Node& node, const sink& s, const std::string& path, mail_settings& m) {
  each_entry(node, s, path, {"school_name", "from", "reply_to", "smtp_timeout_seconds"}, {},
             [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (key == "smtp_timeout_seconds") {
      read_seconds(v, s, p, m.smtp_timeout, 5, 600);
    } else if (key == "school_name") {
      if (auto t = get_string(v, s, p)) m.school_name = *t;
    } else {
      read_address(v, s, p, key == "from" ? m.from : m.reply_to);
    }
  });
}

void read_reminders(const YAML::Node& node, const sink& s, const std::string& path, reminder_settings& r) {
  each_entry(node, s, path,
             {"enabled", "hours_before", "quiet_hours", "whatsapp_template", "whatsapp_template_language",
              "whatsapp_template_parameters"},
             {}, [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (key == "enabled") {
      if (auto b = get_bool(v, s, p)) r.enabled = *b;
    } else if (key == "hours_before") {
      if (auto n = get_int(v, s, p, 1, 7 * 24)) r.hours_before = std::chrono::hours(*n);
    } else if (key == "quiet_hours") {
      if (auto span = get_clock_span(v, s, p)) {
        r.quiet_from = std::chrono::minutes(span->begin);
        r.quiet_to = std::chrono::minutes(span->end);
      }
    } else if (key == "whatsapp_template") {
      if (auto t = get_string(v, s, p)) r.whatsapp_template = *t;
    } else if (key == "whatsapp_template_language") {
      if (auto t = get_string(v, s, p)) r.whatsapp_template_language = *t;
    } else {
      r.whatsapp_template_parameters.clear();
      each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
        constexpr std::pair<std::string_view, domain::reminder_field> names[] = {
            {"name", domain::reminder_field::name}, {"day", domain::reminder_field::day},
            {"time", domain::reminder_field::time}, {"tutor", domain::reminder_field::tutor}};
        const auto t = get_string(item, s, index(p, i));
        if (!t) return;
        const auto* found = std::find_if(std::begin(names), std::end(names), [&](const auto& n) { return n.first == *t; });
        if (found == std::end(names)) s.add(item, index(p, i), quote(*t) + " is not one of name, day, time, tutor");
        else r.whatsapp_template_parameters.push_back(found->second);
      });
    }
  });
  if (r.enabled && r.whatsapp_template.empty())
    s.add(node, join(path, "whatsapp_template"), "is required when reminders are enabled: outside the 24-hour window only an approved template reaches the student");
}

void read_stripe(const YAML::Node& node, const sink& s, const std::string& path,
                 stripe_settings& st) {
  each_entry(node, s, path,
             {"enabled", "api_base", "api_version", "success_url", "cancel_url", "reconcile_seconds", "secret_key",
              "publishable_key", "webhook_secret", "webhook_secrets"},
             {}, [&](const std::string& key, const YAML::Node& v) {
               const auto p = join(path, key);
               if (key == "enabled") {
                 if (auto b = get_bool(v, s, p)) st.enabled = *b;
               } else if (key == "api_base") {
                 read_url(v, s, p, st.api_base);
               } else if (key == "api_version") {
                 if (auto t = get_string(v, s, p)) st.api_version = *t;
               } else if (key == "success_url") {
                 read_url(v, s, p, st.success_url);
               } else if (key == "cancel_url") {
                 read_url(v, s, p, st.cancel_url);
               } else if (key == "reconcile_seconds") {
                 read_seconds(v, s, p, st.reconcile, 1, 86400);
               } else if (key == "secret_key") {
                 refuse_secret(s, v, p, "STRIPE_SECRET_KEY");
               } else if (key == "publishable_key") {
                 s.add(v, p, "comes from the environment: set STRIPE_PUBLISHABLE_KEY");
               } else {
                 refuse_secret(s, v, p, "STRIPE_WEBHOOK_SECRET");
               }
             });
}

void read_google(const YAML::Node& node, const sink& s, const std::string& path,
                 google_settings& g) {
  each_entry(node, s, path,
             {"enabled", "api_base", "default_calendar_id", "delegated_subject", "send_invites",
              "busy_refresh_seconds", "busy_max_age_for_hold_seconds", "request_timeout_seconds", "service_account_json"},
             {}, [&](const std::string& key, const YAML::Node& v) {
               const auto p = join(path, key);
               if (key == "enabled") {
                 if (auto b = get_bool(v, s, p)) g.enabled = *b;
               } else if (key == "api_base") {
                 read_url(v, s, p, g.api_base);
               } else if (key == "default_calendar_id") {
                 if (auto t = get_string(v, s, p)) g.default_calendar_id = *t;
               } else if (key == "delegated_subject") {
                 if (auto t = get_string(v, s, p)) g.delegated_subject = *t;
               } else if (key == "send_invites") {
                 if (auto b = get_bool(v, s, p)) g.send_invites = *b;
               } else if (key == "busy_refresh_seconds") {
                 read_seconds(v, s, p, g.busy_refresh, 1, 86400);
               } else if (key == "request_timeout_seconds") {
                 read_seconds(v, s, p, g.request_timeout, 1, 120);
               } else if (key == "busy_max_age_for_hold_seconds") {
                 read_seconds(v, s, p, g.busy_max_age_for_hold, 0, 86400);
               } else {
                 // The key file holds a private key; its path is set by the deployment.
                 refuse_secret(s, v, p, "GCAL_SERVICE_ACCOUNT_JSON (the key file's path)");
               }
             });
}

void read_chatwoot(const YAML::Node& node, const sink& s, const std::string& path,
                   chatwoot_settings& c) {
  each_entry(node, s, path,
             {"enabled", "base_url", "account_id", "catchup_seconds", "whatsapp_template_name",
              "whatsapp_template_language", "api_token", "webhook_token", "signing_secret", "user_token",
              "allow_unsigned_webhooks"},
             {}, [&](const std::string& key, const YAML::Node& v) {
               const auto p = join(path, key);
               if (key == "enabled") {
                 if (auto b = get_bool(v, s, p)) c.enabled = *b;
               } else if (key == "base_url") {
                 read_url(v, s, p, c.base_url);
               } else if (key == "account_id") {
                 if (auto n = get_int(v, s, p, 1, 1'000'000'000)) c.account_id = static_cast<int>(*n);
               } else if (key == "catchup_seconds") {
                 read_seconds(v, s, p, c.catchup, 1, 3600);
               } else if (key == "whatsapp_template_name") {
                 if (auto t = get_string(v, s, p)) c.whatsapp_template_name = *t;
               } else if (key == "whatsapp_template_language") {
                 if (auto t = get_string(v, s, p)) c.whatsapp_template_language = *t;
               } else if (key == "allow_unsigned_webhooks") {
                 if (auto b = get_bool(v, s, p)) c.allow_unsigned_webhooks = *b;
               } else if (key == "user_token") {
                 refuse_secret(s, v, p, "CHATWOOT_USER_TOKEN");
               } else if (key == "api_token") {
                 refuse_secret(s, v, p, "CHATWOOT_API_TOKEN");
               } else if (key == "webhook_token") {
                 refuse_secret(s, v, p, "CHATWOOT_WEBHOOK_TOKEN");
               } else {
                 refuse_secret(s, v, p, "CHATWOOT_SIGNING_SECRET");
               }
             });
}

}  // namespace

void read_service(const YAML::Node& root, const sink& s, service_settings& out,
                  service_marks& marks) {
  each_entry(root, s, "", {"service", "http", "database", "mail", "reminders", "providers"}, {},
             [&](const std::string& section, const YAML::Node& node) {
    if (section == "service") {
      each_entry(node, s, "service", {"listen", "log_level", "api_token"}, {},
                 [&](const std::string& key, const YAML::Node& v) {
        const auto p = join("service", key);
        if (key == "listen") {
          if (auto t = get_string(v, s, p)) {
            if (auto hp = parse_listen(*t)) {
              out.listen_host = hp->host;
              out.listen_port = hp->port;
            } else {
              s.add(v, p, quote(*t) + " is not host:port, e.g. 127.0.0.1:8080");
            }
          }
        } else if (key == "log_level") {
          if (auto t = get_string(v, s, p)) {
            if (is_log_level(*t)) out.log_level = *t;
            else s.add(v, p, quote(*t) + " is not one of debug, info, warn, error");
          }
        } else {
          refuse_secret(s, v, p, "TUTORBOT_API_TOKEN");
        }
      });
    } else if (section == "http") {
      auto& h = out.http;
      each_entry(node, s, "http",
                 {"header_limit_bytes", "body_limit_bytes", "read_timeout_seconds", "header_timeout_seconds",
                  "idle_timeout_seconds", "max_connections", "max_connections_per_address", "shutdown_grace_seconds"},
                 {}, [&](const std::string& key, const YAML::Node& v) {
        const auto p = join("http", key);
        if (key == "header_limit_bytes") {
          if (auto n = get_int(v, s, p, 1024, 1 << 20)) h.header_limit_bytes = static_cast<std::size_t>(*n);
        } else if (key == "body_limit_bytes") {
          if (auto n = get_int(v, s, p, 1024, 64 << 20)) h.body_limit_bytes = static_cast<std::size_t>(*n);
        } else if (key == "read_timeout_seconds") {
          read_seconds(v, s, p, h.read_timeout, 1, 3600);
        } else if (key == "header_timeout_seconds") {
          read_seconds(v, s, p, h.header_timeout, 1, 600);
        } else if (key == "idle_timeout_seconds") {
          read_seconds(v, s, p, h.idle_timeout, 1, 3600);
        } else if (key == "max_connections") {
          if (auto n = get_int(v, s, p, 1, 100000)) h.max_connections = static_cast<int>(*n);
        } else if (key == "max_connections_per_address") {
          if (auto n = get_int(v, s, p, 0, 100000)) h.max_connections_per_address = static_cast<int>(*n);
        } else {
          read_seconds(v, s, p, h.shutdown_grace, 0, 600);
        }
      });
    } else if (section == "database") {
      each_entry(node, s, "database",
                 {"url", "pool_size", "connect_timeout_seconds", "statement_timeout_seconds", "lock_timeout_seconds"}, {},
                 [&](const std::string& key, const YAML::Node& v) {
        const auto p = join("database", key);
        if (key == "url") {
          marks.database_url = line_of(v);
          if (auto t = get_string(v, s, p)) {
            if (holds_password(*t)) {
              marks.database_url_refused = true;
              refuse_secret(s, v, p, "DATABASE_URL (this URL holds a password)");
            } else {
              out.database_url = secret(*t);
            }
          }
        } else if (key == "pool_size") {
          if (auto n = get_int(v, s, p, 1, 64)) out.database.pool_size = static_cast<int>(*n);
        } else if (key == "connect_timeout_seconds") {
          read_seconds(v, s, p, out.database.connect_timeout, 1, 300);
        } else if (key == "statement_timeout_seconds") {
          read_seconds(v, s, p, out.database.statement_timeout, 1, 3600);
        } else {
          read_seconds(v, s, p, out.database.lock_timeout, 1, 3600);
        }
      });
    } else if (section == "reminders") {
      read_reminders(node, s, "reminders", out.reminders);
    } else if (section == "mail") {
      marks.mail = line_of(node);
      read_mail(node, s, "mail", out.mail);
    } else {
      each_entry(node, s, "providers", {"stripe", "google", "chatwoot"}, {},
                 [&](const std::string& key, const YAML::Node& v) {
        const auto p = join("providers", key);
        if (key == "stripe") {
          marks.stripe = line_of(v);
          read_stripe(v, s, p, out.providers.stripe);
        } else if (key == "google") {
          marks.google = line_of(v);
          read_google(v, s, p, out.providers.google);
        } else {
          marks.chatwoot = line_of(v);
          read_chatwoot(v, s, p, out.providers.chatwoot);
        }
      });
    }
  });
}

void check_service(const service_settings& svc, const service_marks& marks, const sink& s) {
  if (const auto& m = svc.mail; m.enabled()) {
    if (m.from.empty()) s.add(marks.mail, "mail.from", "is required when SMTP_URL is set: the sender of the students' e-mail");
    if (!m.smtp_user.empty() && m.smtp_password.empty()) s.add(marks.mail, "mail", "SMTP_USER is set but SMTP_PASSWORD is not");
  }
  // Problems about the environment name the variable, never its value.
  if (svc.database_url.empty() && !marks.database_url_refused)
    s.add(marks.database_url, "database.url", "is not set: set DATABASE_URL or database.url");
  // libpq quotes a malformed percent-encoded part in its error, password and all: refused
  // here, without the URL.
  if (const auto& url = svc.database_url.reveal(); url.rfind("postgres", 0) == 0) {
    for (std::size_t at = url.find('%'); at != std::string::npos; at = url.find('%', at + 1)) {
      if (at + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[at + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(url[at + 2]))) {
        s.add(marks.database_url, "database.url",
              "DATABASE_URL has a % that begins no percent-encoded byte (write %25 for a % in a password)");
        break;
      }
    }
  }

  const auto& st = svc.providers.stripe;
  if (st.enabled) {
    if (st.secret_key.empty()) s.add(marks.stripe, "providers.stripe", "STRIPE_SECRET_KEY is not set");
    if (st.webhook_secrets.empty())
      s.add(marks.stripe, "providers.stripe", "STRIPE_WEBHOOK_SECRET is not set");
    if (st.success_url.empty())
      s.add(marks.stripe, "providers.stripe.success_url", "is required when stripe is enabled");
    if (st.cancel_url.empty())
      s.add(marks.stripe, "providers.stripe.cancel_url", "is required when stripe is enabled");
    if (st.api_version.empty())
      s.add(marks.stripe, "providers.stripe.api_version", "is required: pin the Stripe API version");
  }
  const auto& g = svc.providers.google;
  if (g.enabled && g.service_account_json_path.empty())
    s.add(marks.google, "providers.google", "GCAL_SERVICE_ACCOUNT_JSON is not set");
  const auto& c = svc.providers.chatwoot;
  if (c.enabled) {
    if (c.base_url.empty())
      s.add(marks.chatwoot, "providers.chatwoot", "CHATWOOT_BASE_URL or providers.chatwoot.base_url is not set");
    if (c.account_id <= 0)
      s.add(marks.chatwoot, "providers.chatwoot", "CHATWOOT_ACCOUNT_ID or providers.chatwoot.account_id is not set");
    if (c.api_token.empty()) s.add(marks.chatwoot, "providers.chatwoot", "CHATWOOT_API_TOKEN is not set");
    if (c.webhook_token.empty())
      s.add(marks.chatwoot, "providers.chatwoot", "CHATWOOT_WEBHOOK_TOKEN is not set");
    if (c.signing_secret.empty() && !c.allow_unsigned_webhooks)
      s.add(marks.chatwoot, "providers.chatwoot",
            "CHATWOOT_SIGNING_SECRET is not set: Chatwoot signs the agent bot's webhooks with it (the bot's secret "
            "in Chatwoot); only for a Chatwoot too old to sign, set providers.chatwoot.allow_unsigned_webhooks: true");
  }
}

}  // namespace tutorbot::config::detail
