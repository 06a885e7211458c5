// available_slots against a brute-force reference: every UTC minute of the query window
// is a candidate start, converted to local time and checked rule by rule, directly as
// domain/availability.hpp states them. Seeded; a failure prints the case's seed, and
// TUTORBOT_PROPERTY_SEED=<seed> TUTORBOT_PROPERTY_CASES=1 replays exactly that case.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <sstream>
#include <variant>

#include <date/tz.h>

#include "domain/availability.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;

namespace {

struct scenario {
  const date::time_zone* zone = nullptr;
  tutor_rules tutor;
  std::vector<date_range> holidays;
  std::vector<busy_interval> busy;
  slot_query query;
  sys_seconds now;
};

bool overlaps(sys_seconds a, sys_seconds b, sys_seconds c, sys_seconds d) { return a < d && c < b; }

date::local_seconds as_date_local(local_seconds t) { return date::local_seconds{t.time_since_epoch()}; }

sys_seconds earliest(const date::time_zone* z, date::local_seconds t) {
  return z->to_sys(t, date::choose::earliest);
}

std::vector<slot> reference(const scenario& sc) {
  const auto& t = sc.tutor;
  const auto& q = sc.query;
  const auto* z = sc.zone;
  std::vector<slot> out;
  if (!t.accepts_duration(q.duration_minutes)) return out;
  const minutes length{q.duration_minutes};
  for (auto s = ceil<minutes>(q.from); s < q.to; s += minutes{1}) {
    const sys_seconds start = s;
    const sys_seconds end = start + length;
    if (start < sc.now + t.min_notice || start >= sc.now + t.horizon) continue;
    const auto local = z->to_local(start);
    const auto day = floor<days>(local);
    const int m = static_cast<int>(duration_cast<minutes>(local - day).count());
    const year_month_day ymd{sys_days{day.time_since_epoch()}};
    const unsigned wd = weekday{sys_days{day.time_since_epoch()}}.c_encoding();
    if (q.weekdays && !(*q.weekdays)[wd]) continue;
    if (q.parts_of_day && !(*q.parts_of_day)[m < 720 ? 0 : m < 1080 ? 1 : 2]) continue;
    bool closed = false;
    for (const auto& h : sc.holidays) closed = closed || (h.first <= ymd && ymd <= h.last);
    for (const auto& h : t.days_off) closed = closed || (h.first <= ymd && ymd <= h.last);
    if (closed) continue;
    bool in_range = false;
    for (const auto& r : t.hours_on(ymd))
      if (r.begin <= m && m + q.duration_minutes <= r.end && (m - r.begin) % t.slot_step.count() == 0 &&
          end <= earliest(z, day + minutes{r.end}))
        in_range = true;
    if (!in_range) continue;
    if (z->get_info(local).result != date::local_info::unique) continue;
    bool blocked = false;
    for (const auto& b : t.breaks[wd])
      blocked = blocked || overlaps(start, end, earliest(z, day + minutes{b.begin}),
                                    earliest(z, day + minutes{b.end}));
    for (const auto& a : t.absences)
      blocked = blocked || overlaps(start, end, earliest(z, as_date_local(a.begin)),
                                    earliest(z, as_date_local(a.end)));
    const sys_seconds mine_begin = start - t.buffer_before, mine_end = end + t.buffer_after;
    int bookings_today = 0;
    for (const auto& b : sc.busy) {
      if (b.end <= b.start) continue;
      if (b.is_booking) {
        blocked = blocked || overlaps(mine_begin, mine_end, b.start - t.buffer_before,
                                      b.end + t.buffer_after);
        if (floor<days>(z->to_local(b.start)) == day) ++bookings_today;
      } else {
        blocked = blocked || overlaps(mine_begin, mine_end, b.start, b.end);
      }
    }
    if (blocked) continue;
    if (t.max_lessons_per_day > 0 && bookings_today >= t.max_lessons_per_day) continue;
    out.push_back({start, end});
  }
  if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
  return out;
}

// Dates where something happens: DST changes in the zones used, a leap day.
const std::vector<sys_days> interesting{
    sys_days{year{2026} / 3 / 29},  sys_days{year{2026} / 10 / 25}, sys_days{year{2027} / 3 / 28},
    sys_days{year{2027} / 10 / 31}, sys_days{year{2026} / 3 / 8},   sys_days{year{2026} / 11 / 1},
    sys_days{year{2027} / 3 / 14},  sys_days{year{2027} / 11 / 7},  sys_days{year{2028} / 2 / 29},
    sys_days{year{2026} / 4 / 5},   sys_days{year{2026} / 10 / 4},  sys_days{year{2026} / 9 / 6}};

scenario random_scenario(std::mt19937_64& rng) {
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  static const std::vector<const date::time_zone*> zones{
      date::locate_zone("Europe/Amsterdam"), date::locate_zone("America/New_York"),
      date::locate_zone("Australia/Lord_Howe"), date::locate_zone("America/Santiago"),
      date::locate_zone("Asia/Kathmandu")};
  scenario sc;
  const int zr = pick(0, 99);
  sc.zone = zones[zr < 65 ? 0 : zr < 80 ? 1 : zr < 87 ? 2 : zr < 94 ? 3 : 4];
  auto& t = sc.tutor;
  const auto random_ranges = [&](int max_count, int grain) {
    std::vector<int> points;
    const int n = pick(0, max_count);
    for (int i = 0; i < 2 * n; ++i) points.push_back(pick(0, minutes_per_day / grain) * grain);
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::vector<minute_range> out;
    for (std::size_t i = 0; i + 1 < points.size(); i += 2) out.push_back({points[i], points[i + 1]});
    return out;
  };
  for (int d = 0; d < 7; ++d) {
    t.weekly[d] = pick(0, 5) == 0 ? std::vector<minute_range>{{60, 240}} : random_ranges(3, 15);
    if (pick(0, 2) == 0) t.breaks[d] = random_ranges(1, 5);
  }
  const std::array<int, 7> steps{5, 10, 15, 20, 30, 45, 60};
  t.slot_step = minutes{steps[pick(0, 6)]};
  t.durations_minutes = {30, 60, 90};
  if (pick(0, 3) == 0) t.durations_minutes.push_back(pick(1, 12) * 10);
  t.buffer_before = minutes{pick(0, 3) * 5};
  t.buffer_after = minutes{pick(0, 3) * 5};
  t.min_notice = minutes{pick(0, 3) == 0 ? 0 : pick(0, 48 * 60)};
  t.horizon = days{pick(1, 6)};
  t.max_lessons_per_day = pick(0, 3);

  const sys_days base = pick(0, 2) == 0
                            ? sys_days{year{2026} / 1 / 1} + days{pick(0, 3 * 365)}
                            : interesting[static_cast<std::size_t>(pick(0, 11))] + days{pick(-1, 1)};
  const auto local_day = [&](int offset) {
    return year_month_day{base + days{offset}};
  };
  for (int i = pick(0, 2); i > 0; --i) {
    date_override o{local_day(pick(-1, 3)), random_ranges(2, 15)};
    if (std::none_of(t.overrides.begin(), t.overrides.end(),
                     [&](const date_override& x) { return x.date == o.date; }))
      t.overrides.push_back(o);
  }
  std::sort(t.overrides.begin(), t.overrides.end(),
            [](const date_override& a, const date_override& b) { return a.date < b.date; });
  if (pick(0, 4) == 0) {
    const int a = pick(-2, 3);
    sc.holidays.push_back({local_day(a), local_day(a + pick(0, 2)), "vakantie"});
  }
  if (pick(0, 4) == 0) {
    const int a = pick(-2, 3);
    t.days_off.push_back({local_day(a), local_day(a + pick(0, 1)), "vrij"});
  }
  for (int i = pick(0, 3) == 0 ? pick(1, 2) : 0; i > 0; --i) {
    const auto b = local_days{base.time_since_epoch()} + minutes{pick(-24 * 60, 4 * 24 * 60)};
    t.absences.push_back({b, b + minutes{pick(1, 48) * 15}, "afwezig"});
  }
  const sys_seconds window{base.time_since_epoch()};
  for (int i = pick(0, 12); i > 0; --i) {
    const sys_seconds s = window + minutes{pick(-24 * 60, 4 * 24 * 60)} +
                          (pick(0, 9) == 0 ? seconds{pick(1, 59)} : seconds{0});
    sc.busy.push_back({s, s + minutes{pick(0, 12) * 15}, pick(0, 1) == 1});
  }
  auto& q = sc.query;
  q.from = window + minutes{pick(-14 * 60, 14 * 60)} + (pick(0, 4) == 0 ? seconds{pick(0, 59)} : seconds{0});
  q.to = q.from + minutes{pick(60, 2 * 24 * 60)};
  q.duration_minutes = pick(0, 9) == 0 ? pick(1, 12) * 10 : t.durations_minutes[static_cast<std::size_t>(pick(0, 2))];
  if (pick(0, 4) == 0) {
    std::array<bool, 7> w{};
    for (auto& x : w) x = pick(0, 1) == 1;
    q.weekdays = w;
  }
  if (pick(0, 4) == 0) {
    std::array<bool, 3> p{};
    for (auto& x : p) x = pick(0, 1) == 1;
    q.parts_of_day = p;
  }
  q.limit = pick(0, 4) == 0 ? static_cast<std::size_t>(pick(1, 6)) : 0;
  sc.now = q.from - minutes{pick(0, 3 * 24 * 60)} + seconds{pick(0, 59)};
  return sc;
}

std::string describe(const std::vector<slot>& v) {
  std::ostringstream os;
  for (const auto& s : v) os << s << ' ';
  return os.str();
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(availability_property)

BOOST_AUTO_TEST_CASE(available_slots_matches_minute_by_minute_reference_100000_cases) {
  const std::uint64_t base_seed = env_or("TUTORBOT_PROPERTY_SEED", 20261025);
  const std::uint64_t cases = env_or("TUTORBOT_PROPERTY_CASES", 100000);
  std::uint64_t nonempty = 0;
  for (std::uint64_t i = 0; i < cases; ++i) {
    const std::uint64_t seed = base_seed + i;
    std::mt19937_64 rng(seed);
    const scenario sc = random_scenario(rng);
    const auto got = available_slots(sc.tutor, sc.zone, sc.holidays, sc.busy, sc.query, sc.now);
    if (!sc.tutor.accepts_duration(sc.query.duration_minutes)) {
      if (!std::holds_alternative<availability_error>(got))
        BOOST_FAIL("seed " << seed << ": expected duration_not_allowed");
      continue;
    }
    if (!std::holds_alternative<std::vector<slot>>(got))
      BOOST_FAIL("seed " << seed << ": unexpected error");
    const auto& actual = std::get<std::vector<slot>>(got);
    const auto expected = reference(sc);
    if (actual != expected)
      BOOST_FAIL("seed " << seed << " (zone " << sc.zone->name() << "): engine ["
                         << describe(actual) << "] reference [" << describe(expected) << "]");
    nonempty += expected.empty() ? 0 : 1;
  }
  BOOST_TEST_MESSAGE("availability property: " << cases << " cases, " << nonempty
                                               << " with slots, base seed " << base_seed);
  BOOST_TEST(nonempty > cases / 5);  // the generator must exercise real slots
}

BOOST_AUTO_TEST_SUITE_END()
