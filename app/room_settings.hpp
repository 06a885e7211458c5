#pragma once
// Each room's settings from the configuration: what the service starts every room with. The
// actors, clients and connections a room works with are the service's to wire in. A timeout
// that waits on another is derived from it here, never chained by comments.
#include "actors/booking_mail.hpp"
#include "actors/calendar_sync.hpp"
#include "actors/conversation.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_supervisor.hpp"
#include "actors/reminders.hpp"
#include "actors/tutor_registry.hpp"
#include "actors/whatsapp_reminder.hpp"
#include "config/config.hpp"
#include "net/chatwoot_client.hpp"
#include "net/google_auth.hpp"
#include "net/google_calendar.hpp"
#include "net/stripe_client.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::app {

actors::db_pool_options make_db_pool_settings(const config::service_settings& service);

net::chatwoot_options make_chatwoot_settings(const config::chatwoot_settings& chatwoot);
net::stripe_options make_stripe_settings(const config::stripe_settings& stripe);
net::google_auth_options make_google_auth_settings(const config::google_settings& google);
// A call gets three requests' time, retries and backoff included.
net::google_calendar_options make_google_calendar_settings(const config::google_settings& google);

// Waits on `client`'s calls past their deadline, so the client always answers first.
actors::calendar_sync_settings make_calendar_sync_settings(const config::config& cfg,
                                                           const net::google_calendar_options& client);
actors::payment_settings make_payment_settings(const config::config& cfg, const date::time_zone* zone);
actors::tutor_registry_settings make_registry_settings(const config::config& cfg, const date::time_zone* zone);
actors::conversation_settings make_conversation_settings(const config::config& cfg, const date::time_zone* zone);
// Google invites the students (the event's attendees, sendUpdates=all): on, delegated, and asked to.
bool google_sends_invites(const config::config& cfg);
actors::booking_mail_settings make_booking_mail_settings(const config::config& cfg, const date::time_zone* zone);
// The rules and the e-mail channel (on with mail); the caller adds the database, the outbox
// and whether WhatsApp is on.
actors::reminders_settings make_reminders_settings(const config::config& cfg, const date::time_zone* zone);
actors::whatsapp_reminder_settings make_whatsapp_reminder_settings(const config::config& cfg, const date::time_zone* zone);

}  // namespace tutorbot::app
