// plan_series against the availability engine, over generated tutors, holidays, bookings and
// series: whatever the policy, every lesson of a plan is one that available_slots offers, keeps
// the first lesson's local wall-clock time and weekday (a moved one stays in its local week),
// and no two overlap. Seeded; a failure prints the case's seed, and
// TUTORBOT_PROPERTY_SEED=<seed> TUTORBOT_PROPERTY_CASES=1 replays exactly that case.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <sstream>
#include <variant>

#include <date/tz.h>

#include "domain/recurrence.hpp"
#include "tests/unit/domain/amsterdam.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;
using tutorbot::domain::test::amsterdam;

namespace {

struct series_case {
  tutor_rules tutor;
  std::vector<date_range> holidays;
  std::vector<busy_interval> busy;
  series_request request;
  collision_policy policy = collision_policy::skip_date;
  sys_seconds now;
};

date::local_days local_day_of(sys_seconds t) { return floor<days>(amsterdam()->to_local(t)); }

minutes local_time_of(sys_seconds t) {
  const auto local = amsterdam()->to_local(t);
  return duration_cast<minutes>(local - floor<days>(local));
}

date::local_days monday_of(date::local_days d) { return d - (date::weekday{d} - date::Monday); }

year_month_day ymd_of(date::local_days d) { return year_month_day{sys_days{d.time_since_epoch()}}; }

// Around both DST changes of 2026 and 2027, so series cross them.
const std::vector<sys_days> first_days{sys_days{year{2026} / 10 / 5}, sys_days{year{2027} / 3 / 8},
                                       sys_days{year{2026} / 12 / 1}, sys_days{year{2027} / 9 / 27}};

series_case random_case(std::mt19937_64& rng) {
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  series_case c;
  auto& t = c.tutor;
  t.id = "t";
  t.durations_minutes = {60, 90};
  t.slot_step = minutes{15};
  t.buffer_before = minutes{pick(0, 2) * 5};
  t.buffer_after = minutes{pick(0, 2) * 5};
  t.min_notice = hours{pick(0, 24)};
  t.horizon = weeks{pick(4, 40)};
  t.max_lessons_per_day = pick(0, 3);
  for (unsigned wd = 0; wd < 7; ++wd) {
    if (pick(0, 3) == 0) continue;
    const int begin = pick(12, 16) * 60;
    t.weekly[wd] = {{begin, begin + pick(3, 6) * 60}};
    if (pick(0, 2) == 0) t.breaks[wd] = {{18 * 60, 18 * 60 + 30}};
  }
  const auto first_day = date::local_days{(first_days[pick(0, 3)] + days{pick(0, 20)}).time_since_epoch()};
  for (int i = pick(0, 3); i > 0; --i) {
    const auto from = first_day + days{pick(0, 120)};
    c.holidays.push_back({ymd_of(from), ymd_of(from + days{pick(0, 9)}), "vakantie " + std::to_string(i)});
  }
  if (pick(0, 1) == 0) {
    const auto off = first_day + days{pick(0, 100)};
    t.days_off.push_back({ymd_of(off), ymd_of(off + days{pick(0, 4)}), "vrij"});
  }
  for (int i = pick(0, 40); i > 0; --i) {
    const auto day = first_day + days{pick(0, 200)};
    const auto start = amsterdam()->to_sys(day + minutes{pick(12 * 4, 21 * 4) * 15}, date::choose::earliest);
    c.busy.push_back({start, start + minutes{pick(2, 8) * 15}, pick(0, 1) == 0});
  }
  std::sort(c.busy.begin(), c.busy.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  c.request.duration_minutes = pick(0, 1) == 0 ? 60 : 90;
  c.request.interval_weeks = pick(1, 2);
  if (pick(0, 1) == 0) c.request.count = pick(1, 30);
  else c.request.until = ymd_of(first_day + days{pick(0, 200)});
  // The first lesson at a time the tutor works on its weekday, as the API requires.
  const auto& hours = t.weekly[date::weekday{first_day}.c_encoding()];
  const int at = hours.empty() ? 16 * 60 : hours.front().begin + pick(0, 4) * 15;
  c.request.first_start = amsterdam()->to_sys(first_day + minutes{at}, date::choose::earliest);
  c.now = c.request.first_start - days{pick(1, 10)};
  const collision_policy policies[] = {collision_policy::reject_series, collision_policy::skip_date,
                                       collision_policy::move_within_week, collision_policy::append_at_end};
  c.policy = policies[pick(0, 3)];
  return c;
}

std::string describe(std::uint64_t seed, const series_case& c) {
  std::ostringstream out;
  out << "seed " << seed << ": first " << date::format("%F %R", amsterdam()->to_local(c.request.first_start))
      << " every " << c.request.interval_weeks << " week(s), policy " << to_string(c.policy);
  return out.str();
}

struct tally {
  int with_lessons = 0, with_clashes = 0, with_moves = 0;
};

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Whether available_slots offers exactly this slot among all of its local day's: the whole day
// asked at once, not the one-second probe availability_check makes.
bool offered_that_day(const series_case& c, const slot& s) {
  const auto day = local_day_of(s.start);
  const auto from = amsterdam()->to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest);
  const auto to = amsterdam()->to_sys(date::local_seconds{(day + days{1}).time_since_epoch()}, date::choose::earliest);
  auto found = available_slots(c.tutor, amsterdam(), c.holidays, c.busy,
                               slot_query{from, to, static_cast<int>(duration_cast<minutes>(s.end - s.start).count()), {}, {}, 0},
                               c.now);
  const auto& slots = std::get<std::vector<slot>>(found);
  return std::find(slots.begin(), slots.end(), s) != slots.end();
}

// The holiday or day off of that name that closes the date.
bool closed_by(const series_case& c, const occurrence_collision& clash) {
  const auto names_it = [&](const date_range& r) { return r.name == clash.name && r.contains(clash.date); };
  return std::any_of(c.holidays.begin(), c.holidays.end(), names_it) ||
         std::any_of(c.tutor.days_off.begin(), c.tutor.days_off.end(), names_it);
}

void check_case(std::uint64_t seed, const series_case& c, tally& seen) {
  const auto is_free = availability_check(c.tutor, amsterdam(), c.holidays, c.busy, c.now);
  const free_slot_finder free_in = [&](sys_seconds from, sys_seconds to) {
    auto found = available_slots(c.tutor, amsterdam(), c.holidays, c.busy,
                                 slot_query{from, to, c.request.duration_minutes, {}, {}, 0}, c.now);
    return std::get<std::vector<slot>>(found);
  };
  auto planned = plan_series(c.request, amsterdam(), c.policy, is_free, free_in);
  const auto what = describe(seed, c);
  if (std::holds_alternative<series_error>(planned)) {
    BOOST_TEST_MESSAGE(what << ": " << to_string(std::get<series_error>(planned)));
    return;  // an until too far or before the first lesson: occurrences' own tests cover it
  }
  const auto& plan = std::get<series_plan>(planned);
  seen.with_lessons += !plan.lessons.empty();
  seen.with_clashes += !plan.collisions.empty();
  seen.with_moves += !plan.moved.empty();
  const auto wanted = std::get<std::vector<slot>>(occurrences(c.request, amsterdam()));
  if (plan.rejected) {
    BOOST_TEST(plan.lessons.empty(), what);
    BOOST_TEST(!plan.collisions.empty(), what);
    return;
  }
  BOOST_TEST(plan.lessons.size() <= wanted.size(), what);
  BOOST_TEST(plan.lessons.size() + plan.unfilled + (c.policy == collision_policy::skip_date ? plan.collisions.size() : 0) ==
                 wanted.size(),
             what);
  for (std::size_t i = 0; i < plan.lessons.size(); ++i) {
    const auto& lesson = plan.lessons[i];
    BOOST_TEST(offered_that_day(c, lesson), what << ": lesson " << i << " is not bookable");
    if (i > 0)
      BOOST_TEST((plan.lessons[i - 1].end + c.tutor.buffer_after + c.tutor.buffer_before <= lesson.start),
                 what << ": lessons " << i - 1 << " and " << i << " overlap, buffers included");
    const auto moved = std::find_if(plan.moved.begin(), plan.moved.end(),
                                    [&](const occurrence_move& m) { return m.to.start == lesson.start; });
    if (moved != plan.moved.end()) {
      BOOST_TEST((monday_of(local_day_of(moved->from.start)) == monday_of(local_day_of(lesson.start))),
                 what << ": lesson " << i << " moved out of its week");
    } else {
      BOOST_TEST((local_time_of(lesson.start) == local_time_of(c.request.first_start)),
                 what << ": lesson " << i << " lost its local time");
      BOOST_TEST((date::weekday{local_day_of(lesson.start)} == date::weekday{local_day_of(c.request.first_start)}),
                 what << ": lesson " << i << " is on another weekday");
    }
  }
  for (const auto& clash : plan.collisions) {
    BOOST_TEST(!offered_that_day(c, clash.when), what << ": a free date was called a clash");
    if (!clash.name.empty()) BOOST_TEST(closed_by(c, clash), what << ": " << clash.name << " does not close that date");
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(series_property)

BOOST_AUTO_TEST_CASE(every_planned_lesson_is_bookable_and_keeps_its_local_time) {
  const std::uint64_t base_seed = env_or("TUTORBOT_PROPERTY_SEED", 20261027);
  const std::uint64_t cases = env_or("TUTORBOT_PROPERTY_CASES", 2000);
  tally seen;
  for (std::uint64_t i = 0; i < cases; ++i) {
    std::mt19937_64 rng(base_seed + i);
    check_case(base_seed + i, random_case(rng), seen);
  }
  BOOST_TEST_MESSAGE("series property: " << cases << " cases, " << seen.with_lessons << " with lessons, "
                                         << seen.with_clashes << " with clashes, " << seen.with_moves << " with moves");
  if (cases >= 1000) {  // the generator must exercise real plans, clashes and moves
    BOOST_TEST(seen.with_lessons > static_cast<int>(cases / 4));
    BOOST_TEST(seen.with_clashes > static_cast<int>(cases / 10));
    BOOST_TEST(seen.with_moves > 10);
  }
}

BOOST_AUTO_TEST_SUITE_END()
