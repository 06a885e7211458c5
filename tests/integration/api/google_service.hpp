#pragma once
// tutorbot serving with Google Calendar switched on against an in-process Google sandbox,
// on a fresh database: what the calendar tests start from.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/service.hpp"
#include "config/config.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/google/sandbox_server.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/service_config.hpp"

namespace tutorbot::testing {

inline const std::string api_auth = "Authorization: Bearer test-api-token\r\n";

struct google_service {
  explicit google_service(const std::string& purpose, const std::function<void(config::config&)>& adjust = {})
      : url(fresh_database(purpose)) {
    auto cfg = sample_config(url);
    auto& g = cfg.service.providers.google;
    g.enabled = true;
    g.service_account_json_path = google.key_path();
    g.api_base = google.base_url();
    calendar_id = cfg.calendar.find_tutor("anouk")->calendar_id;
    if (adjust) adjust(cfg);
    {
      db::connection conn(url);
      db::migrate(conn, db::bundled_migrations());
      db::upsert_tutors(conn, cfg.calendar.tutors);
    }
    svc = std::make_unique<app::service>(std::move(cfg));
    svc->start();
  }

  unsigned short port() const { return svc->port(); }

  google_sandbox_server google;
  std::string url;
  std::string calendar_id;  // anouk's
  std::unique_ptr<app::service> svc;
};

}  // namespace tutorbot::testing
