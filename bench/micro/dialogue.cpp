// One dialogue step (domain::step), as the conversation actor runs it per message or
// event, plus the state's JSON round trip that the actor does after every step.
#include <benchmark/benchmark.h>

#include <chrono>

#include <date/tz.h>

#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"

using namespace tutorbot::domain;
using namespace std::chrono;

namespace {

product make(std::string id, product_kind kind, int minutes, int lessons, std::int64_t price) {
  product p;
  p.id = std::move(id);
  p.kind = kind;
  p.duration_minutes = minutes;
  p.lessons = lessons;
  p.price = cents{price};
  p.name_nl = "nl " + p.id;
  p.name_en = "en " + p.id;
  return p;
}

const payment_catalog& catalog() {
  static const payment_catalog c = [] {
    payment_catalog c;
    c.weekend_discount.percent = 10;
    c.cancellation.tiers = {{hours{24}, 100}, {hours{12}, 50}};
    c.products = {make("trial-30", product_kind::trial, 30, 1, 0), make("lesson-60", product_kind::lesson, 60, 1, 4500),
                  make("lesson-90", product_kind::lesson, 90, 1, 6500),
                  make("package-4x60", product_kind::package, 60, 4, 16500)};
    return c;
  }();
  return c;
}

const sys_seconds now = sys_days{year{2026} / 3 / 9} + hours{10};

dialogue_context context() {
  dialogue_context ctx;
  ctx.now = now;
  ctx.zone = date::locate_zone("Europe/Amsterdam");
  ctx.catalog = &catalog();
  ctx.tutors = {{tutor_id{"anouk"}, "Anouk de Vries", {30, 60, 90}}, {tutor_id{"daan"}, "Daan Jansen", {30, 60, 90}}};
  ctx.contact.name = "Sanne de Vries";
  ctx.contact.email = "sanne@example.nl";
  ctx.contact.attributes = {{"writer", "student"}, {"level", "havo 4"}, {"subject", "Wiskunde B"}, {"goals", "Een voldoende"}};
  return ctx;
}

dialogue_state after(const dialogue_context& ctx, std::initializer_list<const char*> texts) {
  dialogue_state s;
  for (const char* t : texts) s = step(s, text_received{t}, ctx).state;
  return s;
}

std::vector<offered_slot> five_slots() {
  std::vector<offered_slot> v;
  for (int d = 0; d < 5; ++d)
    v.push_back({tutor_id{d % 2 ? "anouk" : "daan"},
                 {now + days{1 + d} + hours{5}, now + days{1 + d} + hours{6}}});
  return v;
}

// Menu → "2": prefill, confirmation with six fields and buttons.
void BM_step_menu_choice(benchmark::State& state) {
  const auto ctx = context();
  const auto menu = after(ctx, {"hoi"});
  const dialogue_event event = text_received{"2"};
  for (auto _ : state) benchmark::DoNotOptimize(step(menu, event, ctx));
}
BENCHMARK(BM_step_menu_choice);

// Five slots arrive: five local-time labels and the list.
void BM_step_slots_found(benchmark::State& state) {
  const auto ctx = context();
  const auto waiting = after(ctx, {"hoi", "2", "ja", "1", "3"});
  const dialogue_event event = slots_found{five_slots()};
  for (auto _ : state) benchmark::DoNotOptimize(step(waiting, event, ctx));
}
BENCHMARK(BM_step_slots_found);

// A typed day in the slot list: date words parsed, a new query.
void BM_step_typed_day(benchmark::State& state) {
  const auto ctx = context();
  auto choosing = after(ctx, {"hoi", "2", "ja", "1", "3"});
  choosing = step(choosing, slots_found{five_slots()}, ctx).state;
  const dialogue_event event = text_received{"za ochtend"};
  for (auto _ : state) benchmark::DoNotOptimize(step(choosing, event, ctx));
}
BENCHMARK(BM_step_typed_day);

// Persist and restore, as the actor does after every step.
void BM_state_json_round_trip(benchmark::State& state) {
  const auto ctx = context();
  auto choosing = after(ctx, {"hoi", "2", "ja", "1", "3"});
  choosing = step(choosing, slots_found{five_slots()}, ctx).state;
  for (auto _ : state) benchmark::DoNotOptimize(parse_dialogue_state(serialize_dialogue_state(choosing)));
}
BENCHMARK(BM_state_json_round_trip);

}  // namespace

BENCHMARK_MAIN();
