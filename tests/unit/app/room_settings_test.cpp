// Each room's settings as the configuration makes them: every value read from its key, and
// every timeout that waits on another longer than the one it waits on.
#include <boost/test/unit_test.hpp>
#include <date/tz.h>

#include "app/room_settings.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;

namespace {

config::config sample() {
  config::config cfg;
  cfg.service.database_url = config::secret("postgresql://tutorbot@127.0.0.1:5432/tutorbot");
  cfg.service.database.pool_size = 6;
  cfg.service.database.statement_timeout = 9s;
  auto& google = cfg.service.providers.google;
  google.request_timeout = 7s;
  google.default_calendar_id = "lessen@bijlesschool-example.nl";
  google.busy_refresh = 45s;
  google.busy_max_age_for_hold = 20s;
  cfg.payments.hold = std::chrono::minutes(25);
  cfg.service.providers.stripe.reconcile = 90s;
  return cfg;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(room_settings)

BOOST_AUTO_TEST_CASE(the_database_pool_gets_its_size_and_the_session_limits_in_its_url) {
  auto pool = app::make_db_pool_settings(sample().service);
  BOOST_TEST(pool.size == 6u);
  BOOST_TEST(pool.url.find("statement_timeout%3D9000") != std::string::npos, pool.url);
}

BOOST_AUTO_TEST_CASE(the_calendar_sync_waits_past_the_google_clients_deadline) {
  auto cfg = sample();
  auto client = app::make_google_calendar_settings(cfg.service.providers.google);
  BOOST_TEST(client.attempt_timeout.count() == 7000);
  BOOST_TEST(client.deadline.count() == 21000);
  auto sync = app::make_calendar_sync_settings(cfg, client);
  BOOST_TEST(std::chrono::milliseconds(sync.call_timeout).count() > client.deadline.count());
  BOOST_TEST(sync.default_calendar_id == "lessen@bijlesschool-example.nl");
}

BOOST_AUTO_TEST_CASE(google_sends_invitations_only_with_domain_wide_delegation) {
  auto cfg = sample();
  auto& google = cfg.service.providers.google;
  google.enabled = true;
  google.send_invites = true;
  const auto client = app::make_google_calendar_settings(google);
  BOOST_TEST(!app::make_calendar_sync_settings(cfg, client).send_invites);
  BOOST_TEST(!app::make_google_auth_settings(google).subject.has_value());
  BOOST_TEST((app::make_booking_mail_settings(cfg, nullptr).invites == domain::invite_sender::mail));
  google.delegated_subject = "planning@bijlesschool-example.nl";
  BOOST_TEST(app::make_calendar_sync_settings(cfg, client).send_invites);
  BOOST_TEST(app::make_google_auth_settings(google).subject.value() == "planning@bijlesschool-example.nl");
  // Never both: when Google invites, the school's mails carry no invite of their own.
  BOOST_TEST((app::make_booking_mail_settings(cfg, nullptr).invites == domain::invite_sender::google));
  google.send_invites = false;
  BOOST_TEST((app::make_booking_mail_settings(cfg, nullptr).invites == domain::invite_sender::mail));
  google.send_invites = true;
  google.enabled = false;
  BOOST_TEST((app::make_booking_mail_settings(cfg, nullptr).invites == domain::invite_sender::mail));
}

BOOST_AUTO_TEST_CASE(every_tutor_calendar_starts_from_the_configured_hold_and_busy_times) {
  auto cfg = sample();
  const auto* zone = date::locate_zone("Europe/Amsterdam");
  auto registry = app::make_registry_settings(cfg, zone);
  BOOST_TEST(registry.default_calendar_id == "lessen@bijlesschool-example.nl");
  BOOST_TEST(registry.each_calendar.zone == zone);
  BOOST_TEST(registry.each_calendar.hold_duration.count() == 25 * 60);
  BOOST_TEST(registry.each_calendar.busy_refresh.count() == 45);
  BOOST_TEST(registry.each_calendar.busy_max_age_for_hold.count() == 20);
  BOOST_TEST(registry.each_calendar.cancellation == &cfg.payments.cancellation);
}

BOOST_AUTO_TEST_CASE(the_payment_supervisor_reconciles_as_often_as_configured) {
  auto cfg = sample();
  auto payments = app::make_payment_settings(cfg, date::locate_zone("Europe/Amsterdam"));
  BOOST_TEST(payments.reconcile_interval.count() == 90);
  BOOST_TEST(payments.catalog == &cfg.payments);
}

BOOST_AUTO_TEST_SUITE_END()
