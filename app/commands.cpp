#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/commands.hpp"
#include "app/service.hpp"
#include "config/loader.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "net/url.hpp"
#include "obs/log.hpp"
#include "sandbox/sandbox_server.hpp"

namespace tutorbot::app {

namespace {

// Prints every problem as file:line: key: reason and returns nullopt when there are any.
std::optional<config::config> load_or_report(const cli_options& options) {
  auto loaded = config::load_config(options.config_dir, config::process_environment());
  if (auto* problems = std::get_if<std::vector<config::problem>>(&loaded)) {
    for (const auto& p : *problems) std::cerr << config::to_string(p) << '\n';
    std::cerr << problems->size() << " configuration problem" << (problems->size() == 1 ? "" : "s")
              << " in " << options.config_dir << '\n';
    return std::nullopt;
  }
  auto cfg = std::get<config::config>(std::move(loaded));
  if (auto level = obs::parse_log_level(cfg.service.log_level)) obs::set_log_level(*level);
  return cfg;
}

// Migrations, then the tutors of calendar_config.yaml, which bookings refer to.
// A freshly started PostgreSQL may take a moment to accept connections: keep trying for a
// bounded time instead of failing the whole start.
int apply_migrations(const config::config& cfg) {
  db::connection conn(cfg.service.database_url.reveal());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      auto applied = db::migrate(conn, db::bundled_migrations());
      for (const auto& name : applied) obs::log_info("migration_applied", {{"name", name}});
      obs::log_info("migrations_current", {{"applied_now", applied.size()},
                                           {"total", db::bundled_migrations().size()}});
      db::upsert_tutors(conn, cfg.calendar.tutors);
      obs::log_info("tutors_upserted", {{"count", cfg.calendar.tutors.size()}});
      return 0;
    } catch (const db::unavailable& e) {
      if (std::chrono::steady_clock::now() > deadline) {
        obs::log_error("migration_failed", {{"error", e.what()}});
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    } catch (const db::migration_error& e) {
      obs::log_error("migration_refused", {{"error", e.what()}});
      return 1;
    }
  }
}

}  // namespace

int run_check_config(const cli_options& options) {
  auto cfg = load_or_report(options);
  if (!cfg) return 2;
  std::cout << options.config_dir << ": configuration is valid (" << cfg->calendar.tutors.size()
            << " tutors, " << cfg->payments.products.size() << " products)\n";
  return 0;
}

// The sandbox listens where tutorbot's configuration expects each provider (GCAL_API_BASE,
// STRIPE_API_BASE, CHATWOOT_BASE_URL, as scripts/sandbox_env.sh sets them), trusts the same
// service-account key file and Stripe key, and signs the Stripe webhooks it sends to tutorbot
// (STRIPE_SANDBOX_WEBHOOK_URL, else TUTORBOT_LISTEN's /webhooks/stripe) with the first
// STRIPE_WEBHOOK_SECRET. STRIPE_SANDBOX_SEED makes its ids and shuffles repeatable.
// Chatwoot: account CHATWOOT_ACCOUNT_ID, the agent bot's token CHATWOOT_API_TOKEN, an
// agent's token CHATWOOT_USER_TOKEN (unset: the bot token also gets an agent's reach, so one
// token may list messages and update contacts too); webhooks go to
// CHATWOOT_SANDBOX_WEBHOOK_URL (empty: none), else TUTORBOT_LISTEN's /webhooks/chatwoot, with
// ?token=CHATWOOT_WEBHOOK_TOKEN, signed when CHATWOOT_SIGNING_SECRET is set.
int run_sandbox_command(const cli_options&) {
  sandbox::sandbox_options options;
  auto loopback_base = [](const char* name, std::string& host, unsigned short& port) {
    const char* base = std::getenv(name);
    if (!base || !*base) return true;
    auto url = net::parse_url(base);
    if (!url || !net::is_loopback_host(url->host)) {
      std::cerr << "tutorbot sandbox: " << name << " must be a loopback URL, got " << base << "\n";
      return false;
    }
    host = url->host;
    port = url->port;
    return true;
  };
  if (const char* key = std::getenv("GCAL_SERVICE_ACCOUNT_JSON")) options.service_account_json_path = key;
  if (options.service_account_json_path.empty()) {
    std::cerr << "tutorbot sandbox: GCAL_SERVICE_ACCOUNT_JSON must name the service-account key file "
                 "(scripts/make_service_account.sh makes one)\n";
    return 2;
  }
  if (!loopback_base("GCAL_API_BASE", options.host, options.google_port)) return 2;
  if (!loopback_base("STRIPE_API_BASE", options.stripe_host, options.stripe_port)) return 2;

  if (const char* key = std::getenv("STRIPE_SECRET_KEY"); key && *key) options.stripe_secret_key = key;
  // The sandbox pretends to be test mode; a live key here is a mistake worth stopping for.
  if (!options.stripe_secret_key.starts_with("sk_test_") && !options.stripe_secret_key.starts_with("rk_test_")) {
    std::cerr << "tutorbot sandbox: STRIPE_SECRET_KEY must be a test key (sk_test_…) for the sandbox\n";
    return 2;
  }
  if (const char* secrets = std::getenv("STRIPE_WEBHOOK_SECRET"); secrets && *secrets) {
    std::string first(secrets);
    first = first.substr(0, first.find(','));
    while (!first.empty() && first.back() == ' ') first.pop_back();
    while (!first.empty() && first.front() == ' ') first.erase(0, 1);
    if (!first.empty()) options.stripe_webhook_secret = first;
  }
  // Where tutorbot listens (TUTORBOT_LISTEN, host:port, as `serve` reads it), as a base URL;
  // a wildcard address is reached through loopback. nullopt after reporting a bad value.
  auto tutorbot_base = []() -> std::optional<std::string> {
    const char* listen = std::getenv("TUTORBOT_LISTEN");
    if (!listen || !*listen) return "http://127.0.0.1:8080";
    const std::string text(listen);
    const auto colon = text.rfind(':');
    std::string host = colon == std::string::npos ? std::string{} : text.substr(0, colon);
    const std::string port = colon == std::string::npos ? std::string{} : text.substr(colon + 1);
    if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
      std::cerr << "tutorbot sandbox: TUTORBOT_LISTEN is not host:port, got " << text << "\n";
      return std::nullopt;
    }
    if (host == "0.0.0.0" || host == "::" || host == "[::]") host = "127.0.0.1";
    return "http://" + host + ":" + port;
  };
  // The sandbox delivers to `name` when set ("" turns delivery off), else to tutorbot's `path`.
  auto webhook_url = [&](const char* name, const char* service, const char* path, std::string& out) {
    if (const char* url = std::getenv(name)) {
      out = url;
    } else {
      auto base = tutorbot_base();
      if (!base) return false;
      out = *base + path;
    }
    if (out.empty()) return true;
    auto url = net::parse_url(out);
    if (!url || (!url->tls && !net::is_loopback_host(url->host))) {
      std::cerr << "tutorbot sandbox: the " << service << " webhook URL must be https:// or a loopback http:// URL, got "
                << out << "\n";
      return false;
    }
    return true;
  };
  if (!webhook_url("STRIPE_SANDBOX_WEBHOOK_URL", "Stripe", "/webhooks/stripe", options.stripe_webhook_url)) return 2;
  if (const char* seed = std::getenv("STRIPE_SANDBOX_SEED"); seed && *seed) {
    const std::string text(seed);
    if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
      std::cerr << "tutorbot sandbox: STRIPE_SANDBOX_SEED must be a whole number, got " << text << "\n";
      return 2;
    }
    options.stripe_seed = std::stoull(text);
  }

  if (!loopback_base("CHATWOOT_BASE_URL", options.chatwoot_host, options.chatwoot_port)) return 2;
  auto setting = [](const char* name, std::string& out) {
    if (const char* value = std::getenv(name); value && *value) out = value;
  };
  setting("CHATWOOT_API_TOKEN", options.chatwoot_bot_token);
  setting("CHATWOOT_USER_TOKEN", options.chatwoot_user_token);
  setting("CHATWOOT_WEBHOOK_TOKEN", options.chatwoot_webhook_token);
  setting("CHATWOOT_SIGNING_SECRET", options.chatwoot_signing_secret);
  if (const char* account = std::getenv("CHATWOOT_ACCOUNT_ID"); account && *account) {
    const std::string text(account);
    if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) == 0) {
      std::cerr << "tutorbot sandbox: CHATWOOT_ACCOUNT_ID must be a positive whole number, got " << text << "\n";
      return 2;
    }
    options.chatwoot_account_id = std::stoll(text);
  }
  if (!webhook_url("CHATWOOT_SANDBOX_WEBHOOK_URL", "Chatwoot", "/webhooks/chatwoot", options.chatwoot_webhook_url))
    return 2;
  return sandbox::run_sandbox(options);
}

int run_migrate(const cli_options& options) {
  auto cfg = load_or_report(options);
  if (!cfg) return 2;
  return apply_migrations(*cfg);
}

int run_serve(const cli_options& options) {
  auto cfg = load_or_report(options);
  if (!cfg) return 2;
  if (options.migrate_first) {
    if (int rc = apply_migrations(*cfg); rc != 0) return rc;
  }
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  service svc(std::move(*cfg));
  try {
    svc.start();
  } catch (const std::exception& e) {
    obs::log_error("service_start_failed", {{"error", e.what()}});
    return 1;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  obs::log_info("service_stopping", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
  svc.stop();
  return 0;
}

}  // namespace tutorbot::app
