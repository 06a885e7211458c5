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

// The sandbox listens where tutorbot's configuration expects Google (GCAL_API_BASE, as
// scripts/sandbox_env.sh sets it) and trusts the same service-account key file.
int run_sandbox_command(const cli_options&) {
  sandbox::sandbox_options options;
  if (const char* key = std::getenv("GCAL_SERVICE_ACCOUNT_JSON")) options.service_account_json_path = key;
  if (options.service_account_json_path.empty()) {
    std::cerr << "tutorbot sandbox: GCAL_SERVICE_ACCOUNT_JSON must name the service-account key file "
                 "(scripts/make_service_account.sh makes one)\n";
    return 2;
  }
  if (const char* base = std::getenv("GCAL_API_BASE")) {
    auto url = net::parse_url(base);
    if (!url || !net::is_loopback_host(url->host)) {
      std::cerr << "tutorbot sandbox: GCAL_API_BASE must be a loopback URL, got " << base << "\n";
      return 2;
    }
    options.host = url->host;
    options.google_port = url->port;
  }
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
