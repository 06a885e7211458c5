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

std::optional<sys_seconds> reminder_due(sys_seconds lesson_start, sys_seconds booked_at, const reminder_rules& rules,
                                        const date::time_zone* zone) {
  sys_seconds due = lesson_start - rules.before;
  const auto local = zone->to_local(due);
  const auto day = date::floor<date::days>(local);
  const auto of_day = std::chrono::duration_cast<minutes>(local - day);
  if (inside(of_day, rules.quiet)) {
    // The quiet hours began today, or (past midnight, in an overnight window) yesterday.
    const auto began = of_day >= rules.quiet.from ? day : day - date::days{1};
    due = zone->to_sys(began + rules.quiet.from, date::choose::earliest);
  }
  if (due <= booked_at) return std::nullopt;
  return due;
}

bool reminder_still_wanted(const booking& b, int sequence, std::chrono::sys_seconds now) {
  return b.status == booking_status::confirmed && b.invite_sequence == sequence && b.lesson_start > now;
}

}  // namespace tutorbot::domain
