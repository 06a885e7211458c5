#pragma once
// The whole configuration of one tutorbot process, as typed values. Filled by
// load_config (loader.hpp) from the three YAML files and the environment.

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"
#include "domain/reminder_message.hpp"

namespace tutorbot::config {

// A value that must never reach a log, an error or a response. It does not convert to
// a string; reading it takes an explicit reveal(), and streaming it prints ***.
class secret {
 public:
  secret() = default;
  explicit secret(std::string value) : value_(std::move(value)) {}

  const std::string& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << "***"; }

 private:
  std::string value_;
};

struct http_limits {
  std::size_t header_limit_bytes = 8 * 1024;
  std::size_t body_limit_bytes = 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds header_timeout{5};  // a new connection's first request header
  std::chrono::seconds idle_timeout{60};   // keep-alive
  int max_connections = 256;
  int max_connections_per_address = 32;    // 0: no limit (behind a proxy that limits per client)
  std::chrono::seconds shutdown_grace{10};
};

struct database_settings {
  int pool_size = 4;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds statement_timeout{15};  // also bounds how long a worker waits for any answer
  std::chrono::seconds lock_timeout{5};
};

struct stripe_settings {
  bool enabled = false;
  std::string api_base = "https://api.stripe.com";
  std::string api_version = "2024-06-20";  // pinned: sent as Stripe-Version
  std::string success_url;
  std::string cancel_url;
  // How often open orders past their hold are settled with Stripe and Stripe's recent events
  // are listed, so a lost webhook is still processed.
  std::chrono::seconds reconcile{60};
  secret secret_key;                        // STRIPE_SECRET_KEY
  std::string publishable_key;              // STRIPE_PUBLISHABLE_KEY (public by design)
  std::vector<secret> webhook_secrets;      // STRIPE_WEBHOOK_SECRET, comma-separated during rotation
};

struct google_settings {
  bool enabled = false;
  std::string api_base = "https://www.googleapis.com/calendar/v3";
  std::string service_account_json_path;    // GCAL_SERVICE_ACCOUNT_JSON: path of the key file
  std::string default_calendar_id;          // GCAL_CALENDAR_ID; for tutors without their own
  std::string delegated_subject;            // optional: user to impersonate (domain-wide delegation)
  bool send_invites = true;                 // sendUpdates=all on event insert
  std::chrono::seconds busy_refresh{60};    // how often each tutor's free/busy is re-read
  std::chrono::seconds busy_max_age_for_hold{30};  // a hold re-reads older busy times first
  std::chrono::seconds request_timeout{10};  // one HTTP request; a call with retries gets 3×
};

struct chatwoot_settings {
  bool enabled = false;
  std::string base_url;                     // CHATWOOT_BASE_URL
  int account_id = 0;                       // CHATWOOT_ACCOUNT_ID
  // How often the messages of active conversations are listed, to answer any whose webhook
  // was lost (Chatwoot never redelivers).
  std::chrono::seconds catchup{30};
  // The approved WhatsApp template (one body parameter, the text) for messages sent more than
  // 24 hours after the student's last message, when WhatsApp refuses free text.
  std::string whatsapp_template_name = "tutorbot_update";
  std::string whatsapp_template_language = "nl";
  secret api_token;                         // CHATWOOT_API_TOKEN (api_access_token header)
  // CHATWOOT_USER_TOKEN, optional: an agent's token for what bot tokens may not do (contact
  // updates, the message list for the catch-up); without it the bot token is tried.
  secret user_token;
  secret webhook_token;                     // CHATWOOT_WEBHOOK_TOKEN (?token= on our webhook URL)
  secret signing_secret;                    // CHATWOOT_SIGNING_SECRET: required unless…
  // …webhooks may come by the URL token alone: anyone who saw the URL could then write as
  // any student (cancel lessons, start refunds). Only for a Chatwoot too old to sign.
  bool allow_unsigned_webhooks = false;
};

// Who the school is to the students it writes to, and how its e-mail leaves: the organizer
// of their calendar invites, and the SMTP server that sends them with each booking change.
struct mail_settings {
  std::string school_name;  // the organizer's and sender's name
  std::string from;         // the organizer's and sender's address; required when enabled
  std::string reply_to;     // optional: where answers to the school's e-mails go instead
  std::string smtp_url;     // SMTP_URL: smtps://host:465 (TLS) or smtp://host:587 (STARTTLS)
  std::string smtp_user;    // SMTP_USER; empty: no AUTH
  secret smtp_password;     // SMTP_PASSWORD
  std::chrono::seconds smtp_timeout{30};  // one delivery, connection to the server's last answer

  // SMTP_URL is set: students are e-mailed; off, no text promises an e-mail.
  bool enabled() const { return !smtp_url.empty(); }
};

// A reminder before each lesson (WhatsApp; and e-mail when mail is on).
struct reminder_settings {
  bool enabled = false;
  std::chrono::hours hours_before{24};
  std::chrono::minutes quiet_from{21 * 60};  // local; a reminder due in them goes out just before they begin
  std::chrono::minutes quiet_to{8 * 60};
  // Outside WhatsApp's 24-hour window: this approved template, its body parameters in this order.
  std::string whatsapp_template;
  std::string whatsapp_template_language = "nl";
  std::vector<domain::reminder_field> whatsapp_template_parameters{
      domain::reminder_field::name, domain::reminder_field::day, domain::reminder_field::time,
      domain::reminder_field::tutor};
};

struct provider_settings {
  stripe_settings stripe;
  google_settings google;
  chatwoot_settings chatwoot;
};

struct service_settings {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;
  secret database_url;                      // libpq URL; DATABASE_URL wins over database.url
  std::string log_level = "info";           // debug | info | warn | error
  http_limits http;
  database_settings database;
  secret api_token;                         // TUTORBOT_API_TOKEN; empty: /api/ refuses everyone
  mail_settings mail;
  reminder_settings reminders;
  provider_settings providers;
};

struct config {
  std::string dir;                          // as given to load_config
  service_settings service;
  domain::calendar_rules calendar;
  domain::payment_catalog payments;
};

}  // namespace tutorbot::config
