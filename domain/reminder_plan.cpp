#include "domain/reminder_plan.hpp"

namespace tutorbot::domain {

using std::chrono::minutes;
using std::chrono::sys_seconds;

namespace {

// Whether a minute of the day lies in [from, to), the window running past midnight when
// `from` is later than `to`.
bool inside(minutes of_day, const quiet_hours& quiet) {
  if (quiet.from == quiet.to) return false;
  if (quiet.from < quiet.to) return of_day >= quiet.from && of_day < quiet.to;
  return of_day >= quiet.from || of_day < quiet.to;
}

}  // namespace

bool in_quiet_hours(sys_seconds t, const quiet_hours& quiet, const date::time_zone* zone) {
  const auto local = zone->to_local(t);
  return inside(std::chrono::duration_cast<minutes>(local - date::floor<date::days>(local)), quiet);
}

std::optional<sys_seconds> reminder_due(sys_seconds lesson_start, sys_seconds booked_at, const reminder_rules& rules,
                                        const date::time_zone* zone) {
  sys_seconds due = lesson_start - rules.before;
  if (in_quiet_hours(due, rules.quiet, zone)) {
    // The quiet hours began today, or (past midnight, in an overnight window) yesterday.
    const auto local = zone->to_local(due);
    const auto day = date::floor<date::days>(local);
    const auto began = std::chrono::duration_cast<minutes>(local - day) >= rules.quiet.from ? day : day - date::days{1};
    // A minute before they begin: released then, never inside them.
    due = zone->to_sys(began + rules.quiet.from, date::choose::earliest) - minutes{1};
    if (due <= booked_at) {
      // Booked after they began: when they end, if the lesson is still ahead then.
      const auto ended = began + (rules.quiet.from < rules.quiet.to ? date::days{0} : date::days{1}) + rules.quiet.to;
      due = zone->to_sys(ended, date::choose::earliest);
      if (due >= lesson_start) return std::nullopt;
    }
  }
  if (due <= booked_at) return std::nullopt;
  return due;
}

bool reminder_still_wanted(const booking& b, int sequence, std::chrono::sys_seconds now) {
  return b.status == booking_status::confirmed && b.invite_sequence == sequence && b.lesson_start > now;
}

}  // namespace tutorbot::domain
