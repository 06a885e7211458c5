// available_slots for one tutor: args = days in the window, busy intervals, shuffled (1)
// or sorted by start (0, as the database and Google freeBusy return them).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <variant>

#include <date/tz.h>

#include "domain/availability.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;

namespace {

tutor_rules realistic_tutor() {
  tutor_rules t;
  t.id = "anouk";
  for (int d = 1; d <= 5; ++d) {
    t.weekly[d] = {{15 * 60, 21 * 60}};
    t.breaks[d] = {{18 * 60, 18 * 60 + 30}};
  }
  t.weekly[6] = {{9 * 60, 13 * 60}};
  t.buffer_before = minutes{10};
  t.buffer_after = minutes{5};
  t.min_notice = hours{12};
  t.slot_step = minutes{15};
  t.horizon = days{56};
  t.durations_minutes = {30, 60, 90};
  t.max_lessons_per_day = 5;
  return t;
}

// Spans 2026-10-25 (fall back) and the autumn holiday, like a real September query.
const sys_seconds now = sys_days{year{2026} / 9 / 7} + hours{8};

std::vector<busy_interval> random_busy(int n, int window_days, bool shuffled) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> minute(0, window_days * 24 * 60 - 1);
  std::uniform_int_distribution<int> length(2, 12);
  std::vector<busy_interval> busy;
  for (int i = 0; i < n; ++i) {
    const sys_seconds s = now + minutes{minute(rng) / 15 * 15};
    busy.push_back({s, s + minutes{length(rng) * 15}, i % 3 == 0});
  }
  std::sort(busy.begin(), busy.end(),
            [](const busy_interval& a, const busy_interval& b) { return a.start < b.start; });
  if (shuffled) std::shuffle(busy.begin(), busy.end(), rng);
  return busy;
}

void slots(benchmark::State& state) {
  const int window_days = static_cast<int>(state.range(0));
  const auto busy = random_busy(static_cast<int>(state.range(1)), window_days, state.range(2) != 0);
  const tutor_rules tutor = realistic_tutor();
  const std::vector<date_range> holidays{
      {year{2026} / 10 / 17, year{2026} / 10 / 25, "herfstvakantie"}};
  const auto* zone = date::locate_zone("Europe/Amsterdam");
  slot_query q;
  q.from = now;
  q.to = now + days{window_days};
  q.duration_minutes = 60;
  std::size_t found = 0;
  for (auto _ : state) {
    auto r = available_slots(tutor, zone, holidays, busy, q, now);
    found = std::get<std::vector<slot>>(r).size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["slots"] = static_cast<double>(found);
}

BENCHMARK(slots)
    ->ArgNames({"days", "busy", "shuffled"})
    ->Args({14, 0, 0})
    ->Args({14, 100, 0})
    ->Args({14, 2000, 0})
    ->Args({56, 0, 0})
    ->Args({56, 100, 0})
    ->Args({56, 2000, 0})
    ->Args({56, 2000, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
