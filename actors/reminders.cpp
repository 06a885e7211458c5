#include "actors/reminders.hpp"

#include <algorithm>
#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "db/reminders.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace {

constexpr int batch = 500;

void plan(db::connection& conn, const reminders_settings& settings, db::reminder_channel channel,
          std::chrono::sys_seconds now) {
  const auto until = now + settings.rules.before + std::chrono::hours{24};
  for (const auto& lesson : db::unplanned_reminders(conn, channel, now, until, batch)) {
    const auto due = domain::reminder_due(lesson.booking.lesson_start, lesson.changed_at, settings.rules, settings.zone);
    db::plan_reminder(conn, lesson.booking.id, lesson.booking.invite_sequence, channel, due);
  }
}

struct reminders_state {
  std::unique_ptr<db::connection> conn;
  static inline const char* name = "reminders";
};

caf::behavior reminders(caf::stateful_actor<reminders_state>* self, reminders_settings settings) {
  self->state.conn = std::make_unique<db::connection>(settings.database_url);
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        auto wait = settings.interval;
        try {
          if (plan_and_release_reminders(*self->state.conn, settings, now_seconds()) > 0 && settings.outbox)
            self->send(settings.outbox, nudge_atom::value);
          // Wake for the next reminder when it is due before the next round (in the quiet
          // hours, nothing is released before the next round anyway).
          const auto now = now_seconds();
          if (const auto next = db::next_reminder_due(*self->state.conn);
              next && !domain::in_quiet_hours(now, settings.rules.quiet, settings.zone))
            wait = std::clamp<std::chrono::seconds>(*next - now, std::chrono::seconds{1}, settings.interval);
        } catch (const std::exception& e) {
          obs::log_warn("reminders_failed", {{"error", e.what()}});
        }
        self->delayed_send(self, wait, tick_atom::value);
      },
  };
}

}  // namespace

std::size_t plan_and_release_reminders(db::connection& conn, const reminders_settings& settings,
                                       std::chrono::sys_seconds now) {
  // Release first, so that a planning round that fails never holds back what is due; and
  // nothing in the quiet hours — what fell due in them (after an outage, or when reminders
  // were turned on at night) waits for their end.
  std::vector<db::released_reminder> released;
  if (!domain::in_quiet_hours(now, settings.rules.quiet, settings.zone)) released = db::release_due_reminders(conn, now, batch);
  for (const auto& r : released)
    obs::log_info("reminder_queued", {{"booking_id", r.booking_id},
                                      {"channel", std::string{db::to_string(r.channel)}},
                                      {"sequence", static_cast<std::int64_t>(r.sequence)}});
  if (settings.whatsapp) plan(conn, settings, db::reminder_channel::whatsapp, now);
  if (settings.email) plan(conn, settings, db::reminder_channel::email, now);
  return released.size();
}

caf::actor spawn_reminders(caf::actor_system& system, reminders_settings settings) {
  // Detached: its database calls block.
  return system.spawn<caf::detached>(reminders, std::move(settings));
}

}  // namespace tutorbot::actors
