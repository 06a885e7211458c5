#include "app/room_settings.hpp"

#include "db/connection.hpp"

namespace tutorbot::app {

actors::db_pool_options make_db_pool_settings(const config::service_settings& service) {
  actors::db_pool_options pool;
  const auto& database = service.database;
  pool.url = db::url_with_limits(service.database_url.reveal(),
                                 {database.connect_timeout, database.statement_timeout, database.lock_timeout});
  pool.size = static_cast<std::size_t>(database.pool_size);
  return pool;
}

net::chatwoot_options make_chatwoot_settings(const config::chatwoot_settings& chatwoot) {
  net::chatwoot_options options;
  options.base_url = chatwoot.base_url;
  options.account_id = chatwoot.account_id;
  options.api_token = chatwoot.api_token.reveal();
  options.user_token = chatwoot.user_token.reveal();
  return options;
}

net::stripe_options make_stripe_settings(const config::stripe_settings& stripe) {
  net::stripe_options options;
  options.api_base = stripe.api_base;
  options.api_version = stripe.api_version;
  options.secret_key = stripe.secret_key.reveal();
  options.success_url = stripe.success_url;
  options.cancel_url = stripe.cancel_url;
  return options;
}

net::google_auth_options make_google_auth_settings(const config::google_settings& google) {
  net::google_auth_options auth;
  if (!google.delegated_subject.empty()) auth.subject = google.delegated_subject;
  return auth;
}

net::google_calendar_options make_google_calendar_settings(const config::google_settings& google) {
  net::google_calendar_options calendar;
  calendar.base_url = google.api_base;
  calendar.attempt_timeout = google.request_timeout;
  calendar.deadline = 3 * google.request_timeout;
  return calendar;
}

bool google_sends_invites(const config::config& cfg) {
  const auto& google = cfg.service.providers.google;
  // Attendees and Google's invitation e-mails need domain-wide delegation (reference: google).
  return google.enabled && google.send_invites && !google.delegated_subject.empty();
}

actors::calendar_sync_settings make_calendar_sync_settings(const config::config& cfg,
                                                           const net::google_calendar_options& client) {
  const auto& google = cfg.service.providers.google;
  actors::calendar_sync_settings sync;
  sync.calendar = &cfg.calendar;
  sync.catalog = &cfg.payments;
  sync.default_calendar_id = google.default_calendar_id;
  if (const auto& chatwoot = cfg.service.providers.chatwoot; chatwoot.enabled && !chatwoot.base_url.empty())
    sync.conversation_link_base = chatwoot.base_url + (chatwoot.base_url.ends_with('/') ? "" : "/") + "app/accounts/" +
                                  std::to_string(chatwoot.account_id) + "/conversations/";
  sync.call_timeout = std::chrono::ceil<std::chrono::seconds>(client.deadline) + std::chrono::seconds(5);
  sync.send_invites = google_sends_invites(cfg);
  return sync;
}

actors::payment_settings make_payment_settings(const config::config& cfg, const date::time_zone* zone) {
  actors::payment_settings payments;
  payments.catalog = &cfg.payments;
  payments.zone = zone;
  payments.reconcile_interval = cfg.service.providers.stripe.reconcile;
  return payments;
}

actors::tutor_registry_settings make_registry_settings(const config::config& cfg, const date::time_zone* zone) {
  const auto& google = cfg.service.providers.google;
  actors::tutor_registry_settings registry;
  registry.calendar = cfg.calendar;
  registry.default_calendar_id = google.default_calendar_id;
  auto& each = registry.each_calendar;
  each.zone = zone;
  each.hold_duration = std::chrono::duration_cast<std::chrono::seconds>(cfg.payments.hold);
  each.busy_refresh = google.busy_refresh;
  each.busy_max_age_for_hold = google.busy_max_age_for_hold;
  each.cancellation = &cfg.payments.cancellation;
  return registry;
}

actors::conversation_settings make_conversation_settings(const config::config& cfg, const date::time_zone* zone) {
  actors::conversation_settings conversations;
  conversations.calendar = &cfg.calendar;
  conversations.catalog = &cfg.payments;
  conversations.zone = zone;
  conversations.invites_by_email = cfg.service.mail.enabled();
  return conversations;
}

actors::booking_mail_settings make_booking_mail_settings(const config::config& cfg, const date::time_zone* zone) {
  const auto& mail = cfg.service.mail;
  actors::booking_mail_settings settings;
  settings.calendar = &cfg.calendar;
  settings.catalog = &cfg.payments;
  settings.zone = zone;
  settings.school = {mail.school_name, mail.from};
  if (!mail.reply_to.empty()) settings.reply_to = mail.reply_to;
  settings.smtp = {mail.smtp_url, mail.smtp_user, mail.smtp_password.reveal(), mail.smtp_timeout};
  settings.invites = google_sends_invites(cfg) ? domain::invite_sender::google : domain::invite_sender::mail;
  return settings;
}

actors::reminders_settings make_reminders_settings(const config::config& cfg, const date::time_zone* zone) {
  const auto& r = cfg.service.reminders;
  actors::reminders_settings settings;
  settings.zone = zone;
  settings.rules = {r.hours_before, {r.quiet_from, r.quiet_to}};
  settings.email = cfg.service.mail.enabled();
  return settings;
}

actors::whatsapp_reminder_settings make_whatsapp_reminder_settings(const config::config& cfg, const date::time_zone* zone) {
  const auto& r = cfg.service.reminders;
  actors::whatsapp_reminder_settings settings;
  settings.calendar = &cfg.calendar;
  settings.zone = zone;
  settings.template_name = r.whatsapp_template;
  settings.template_language = r.whatsapp_template_language;
  settings.template_fields = r.whatsapp_template_parameters;
  return settings;
}

}  // namespace tutorbot::app
