#include "app/service.hpp"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <date/tz.h>

#include "actors/db_pool.hpp"
#include "actors/booking_watch.hpp"
#include "actors/calendar_sync.hpp"
#include "actors/chatwoot_catchup.hpp"
#include "actors/chatwoot_effects.hpp"
#include "actors/conversation.hpp"
#include "actors/outbox_dispatcher.hpp"
#include "actors/payment_messages.hpp"
#include "actors/payment_supervisor.hpp"
#include "actors/reminders.hpp"
#include "actors/stripe_effects.hpp"
#include "actors/tutor_registry.hpp"
#include "actors/whatsapp_reminder.hpp"
#include "app/api_routes.hpp"
#include "app/chatwoot_routes.hpp"
#include "app/ops_routes.hpp"
#include "app/parked_routes.hpp"
#include "app/payment_routes.hpp"
#include "app/readiness.hpp"
#include "app/room_settings.hpp"
#include "app/server_options.hpp"
#include "db/connection.hpp"
#include "net/chatwoot_client.hpp"
#include "net/google_auth.hpp"
#include "net/google_calendar.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/stripe_client.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::app {

namespace {

// Holds past their expiry are freed within this; the issue asks for within 60 s.
constexpr auto hold_sweep_interval = std::chrono::seconds(5);

// /readyz follows the database within a probe and its timeout (about 2.5 s at worst).
constexpr auto readiness_probe_interval = std::chrono::milliseconds(500);
constexpr auto readiness_probe_timeout = std::chrono::milliseconds(2000);

// Two Asio threads keep both cores busy with HTTP while CAF's scheduler has its own.
constexpr int io_threads = 2;

caf::actor_system_config make_actor_config() {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", static_cast<size_t>(2));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  return cfg;
}

// An exception that escapes an I/O callback would end the process (or, caught by nothing,
// this thread and with it half the server): it is logged and the thread runs on.
void run_guarded(boost::asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      obs::log_error("io_callback_failed", {{"error", e.what()}});
    } catch (...) {
      obs::log_error("io_callback_failed", {{"error", "an exception that is no std::exception"}});
    }
  }
}

// How this instance names itself in the conversations it claims: host and process.
std::string instance_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

struct service::impl {
  explicit impl(config::config c)
      : cfg(std::move(c)), actor_config(make_actor_config()), system(actor_config) {}

  config::config cfg;
  obs::metrics metrics;
  caf::actor_system_config actor_config;
  caf::actor_system system;
  caf::actor db_pool;
  actors::tutor_registry_actor registry;
  caf::actor listener;
  caf::actor sweeper;
  caf::actor outbox;
  actors::payment_supervisor_actor payments;
  caf::actor conversations;
  caf::actor catchup;
  caf::actor reminders;
  caf::actor prober;
  std::shared_ptr<readiness> ready = std::make_shared<readiness>();
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::unique_ptr<net::http_server> server;
  std::unique_ptr<net::http_client> http_client;
  std::unique_ptr<net::google_auth> google_auth;
  std::unique_ptr<net::google_calendar_client> google_calendar;
  std::unique_ptr<net::stripe_client> stripe;
  std::unique_ptr<net::chatwoot_client> chatwoot;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  bool stopped = false;
};

service::service(config::config cfg) : impl_(std::make_unique<impl>(std::move(cfg))) {}

service::~service() { stop(); }

void service::start() {
  auto& s = *impl_;
  // The io threads run before anything can call a provider, so that stop() after a start
  // that failed half-way (the port taken, a bad key file) finds every call able to end.
  s.work.emplace(s.io.get_executor());
  for (int i = 0; i < io_threads; ++i) s.threads.emplace_back([&io = s.io] { run_guarded(io); });
  const auto pool = make_db_pool_settings(s.cfg.service);
  s.db_pool = actors::spawn_db_pool(s.system, pool, s.metrics);

  const auto& google = s.cfg.service.providers.google;
  const auto& stripe = s.cfg.service.providers.stripe;
  const auto& chatwoot = s.cfg.service.providers.chatwoot;
  if (google.enabled || stripe.enabled || chatwoot.enabled) s.http_client = std::make_unique<net::http_client>(s.io);
  if (chatwoot.enabled)
    s.chatwoot = std::make_unique<net::chatwoot_client>(s.io, *s.http_client, make_chatwoot_settings(chatwoot));
  if (stripe.enabled) s.stripe = std::make_unique<net::stripe_client>(s.io, *s.http_client, make_stripe_settings(stripe));
  const auto google_calendar = make_google_calendar_settings(google);
  if (google.enabled) {
    auto key = net::load_service_account(google.service_account_json_path);
    if (auto* bad = std::get_if<net::key_file_error>(&key)) throw std::runtime_error(bad->message);
    s.google_auth = std::make_unique<net::google_auth>(*s.http_client, std::get<net::service_account_key>(key),
                                                       make_google_auth_settings(google));
    s.google_calendar = std::make_unique<net::google_calendar_client>(s.io, *s.http_client, *s.google_auth, google_calendar);
  }

  actors::outbox_settings outbox;
  outbox.database_url = pool.url;
  if (s.google_calendar) {
    outbox.handlers[db::outbox_kind::calendar_sync] =
        actors::make_calendar_sync(*s.google_calendar, make_calendar_sync_settings(s.cfg, google_calendar));
  } else {
    // Without Google Calendar there is no event to keep in step.
    outbox.handlers[db::outbox_kind::calendar_sync] = [](const db::outbox_item&, db::connection&) {
      return actors::outbox_outcome::done();
    };
  }
  const auto* zone = date::locate_zone(s.cfg.calendar.timezone);  // validated by the config loader
  // Work whose channel is off (queued before a restart that turned it off) has nobody to
  // reach; no text promised it.
  const actors::outbox_handler nothing_to_send = [](const db::outbox_item&, db::connection&) {
    return actors::outbox_outcome::done();
  };
  if (s.cfg.service.mail.enabled()) {
    outbox.handlers[db::outbox_kind::booking_mail] = actors::make_booking_mail(make_booking_mail_settings(s.cfg, zone));
    outbox.handlers[db::outbox_kind::email_reminder] = actors::make_reminder_mail(make_booking_mail_settings(s.cfg, zone));
    outbox.handlers[db::outbox_kind::receipt_mail] = actors::make_receipt_mail(make_booking_mail_settings(s.cfg, zone));
  } else {
    outbox.handlers[db::outbox_kind::booking_mail] = nothing_to_send;
    outbox.handlers[db::outbox_kind::email_reminder] = nothing_to_send;
    outbox.handlers[db::outbox_kind::receipt_mail] = nothing_to_send;
  }
  outbox.handlers[db::outbox_kind::whatsapp_reminder] =
      s.chatwoot ? actors::make_whatsapp_reminder(*s.chatwoot, make_whatsapp_reminder_settings(s.cfg, zone)) : nothing_to_send;
  if (s.stripe) {
    outbox.handlers[db::outbox_kind::stripe_refund] = actors::make_stripe_refund(*s.stripe);
    outbox.handlers[db::outbox_kind::stripe_expire_session] = actors::make_session_expiry(*s.stripe);
  }
  if (s.chatwoot) {
    actors::whatsapp_template_settings outside_window;
    outside_window.name = chatwoot.whatsapp_template_name;
    outside_window.language = chatwoot.whatsapp_template_language;
    outbox.handlers.merge(actors::make_chatwoot_effects(*s.chatwoot, std::chrono::seconds(40), outside_window));
  }
  s.outbox = actors::spawn_outbox_dispatcher(s.system, std::move(outbox), s.metrics);
  if (s.cfg.service.reminders.enabled) {
    auto reminders = make_reminders_settings(s.cfg, zone);
    reminders.database_url = pool.url;
    reminders.outbox = s.outbox;
    reminders.whatsapp = s.chatwoot != nullptr;
    s.reminders = actors::spawn_reminders(s.system, std::move(reminders));
  }
  if (s.stripe) {
    auto payments = make_payment_settings(s.cfg, zone);
    payments.database_url = pool.url;
    payments.stripe = s.stripe.get();
    payments.outbox = s.outbox;
    s.payments = actors::spawn_payment_supervisor(s.system, std::move(payments), s.metrics);
  }
  auto registry = make_registry_settings(s.cfg, zone);
  registry.each_calendar.db_pool = s.db_pool;
  registry.each_calendar.google = s.google_calendar.get();
  registry.each_calendar.outbox = s.outbox;
  s.registry = actors::spawn_tutor_registry(s.system, std::move(registry));
  s.listener = actors::spawn_booking_listener(s.system, pool.url, s.registry);
  if (s.chatwoot && chatwoot.signing_secret.empty())
    obs::log_warn("chatwoot_webhooks_unsigned",
                  {{"warning", "allow_unsigned_webhooks is on: anyone who has seen the webhook URL can write as any "
                               "student; set CHATWOOT_SIGNING_SECRET as soon as Chatwoot signs its webhooks"}});
  if (s.chatwoot) {
    auto conversations = make_conversation_settings(s.cfg, zone);
    conversations.instance = instance_name();
    conversations.metrics = &s.metrics;
    conversations.db_pool = s.db_pool;
    conversations.tutors = s.registry;
    conversations.payments = s.payments;
    if (s.stripe) conversations.checkout_timeout = actors::checkout_ask_timeout(s.stripe->longest_wait());
    conversations.outbox = s.outbox;
    s.conversations = actors::spawn_conversation_registry(s.system, std::move(conversations));
    s.catchup = actors::spawn_chatwoot_catchup(
        s.system, actors::catchup_settings{pool.url, s.chatwoot.get(), s.conversations, chatwoot.catchup});
  }
  s.sweeper = actors::spawn_hold_sweeper(s.system, s.db_pool, s.registry, hold_sweep_interval);
  s.prober = spawn_readiness_prober(s.system, s.db_pool, s.ready, readiness_probe_interval, readiness_probe_timeout);

  net::router routes;
  add_ops_routes(routes, ops_context{s.ready, s.metrics, s.stopping});
  add_parked_routes(routes, parked_routes_context{s.system, s.db_pool, s.cfg.service.api_token.reveal()});
  add_api_routes(routes, api_context{s.system, s.registry, s.db_pool, &s.cfg.calendar, &s.cfg.payments, zone,
                                     {s.cfg.service.mail.school_name, s.cfg.service.mail.from},
                                     s.cfg.service.api_token.reveal()});

  std::vector<std::string> webhook_secrets;
  for (const auto& secret : stripe.webhook_secrets) webhook_secrets.push_back(secret.reveal());
  add_chatwoot_routes(routes, chatwoot_routes_context{s.system, s.db_pool, s.conversations, chatwoot.webhook_token.reveal(),
                                                      chatwoot.signing_secret.reveal(), chatwoot.account_id});
  payment_routes_context payment_routes{s.system, s.db_pool, s.payments, {}, s.outbox, std::move(webhook_secrets),
                                        net::is_live_key(stripe.secret_key.reveal()), s.cfg.service.api_token.reveal()};
  if (s.stripe) payment_routes.checkout_timeout = actors::checkout_ask_timeout(s.stripe->longest_wait());
  add_payment_routes(routes, payment_routes);

  s.server = std::make_unique<net::http_server>(s.io, http_server_options(s.cfg.service),
                                                std::move(routes), s.metrics);
  s.server->start();
  obs::log_info("service_listening", {{"host", s.cfg.service.listen_host},
                                      {"port", static_cast<int>(s.server->port())}});
}

unsigned short service::port() const { return impl_->server ? impl_->server->port() : 0; }

obs::metrics& service::metrics() { return impl_->metrics; }

void service::stop() {
  auto& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  s.stopping = true;
  if (s.server) {
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    s.server->shutdown([drained] { drained->set_value(); });
    // The server's own grace timer bounds this; the extra second covers scheduling.
    done.wait_for(s.cfg.service.http.shutdown_grace + std::chrono::seconds(1));
  }
  // Provider calls in flight end at once as `closed` (the io_context still runs their
  // callbacks); the payment and outbox workers record them as retryable and stop after the
  // item in hand. Every provider call is idempotent, so repeating it after a restart is safe.
  if (s.http_client) s.http_client->shutdown();
  {
    caf::scoped_actor waiter{s.system};
    const std::vector<caf::actor> workers{s.catchup, s.reminders, caf::actor_cast<caf::actor>(s.payments), s.outbox};
    for (const auto& a : workers)
      if (a) waiter->send_exit(a, caf::exit_reason::user_shutdown);
    for (const auto& a : workers)
      if (a) waiter->wait_for(a);
  }
  s.work.reset();
  s.io.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.server.reset();
  for (const auto& a : {s.prober, s.conversations, s.sweeper, s.listener, caf::actor_cast<caf::actor>(s.registry), s.db_pool})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  // The calendars use the Google client and the routes' state: none may outlive this call.
  s.system.await_all_actors_done();
  obs::log_info("service_stopped");
}

}  // namespace tutorbot::app
