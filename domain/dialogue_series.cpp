// The dialogue: after a paid lesson's time is picked, one lesson or the same time every week or
// every two weeks; how long the series runs; the plan held for the student to see (each date
// that cannot be kept named, and the school's policy for them) before one payment for it all.
#include <algorithm>

#include "domain/dialogue_machine.hpp"
#include "domain/local_format.hpp"
#include "domain/series_words.hpp"

namespace tutorbot::domain::detail {

namespace {

msg policy_text(collision_policy policy) {
  switch (policy) {
    case collision_policy::move_within_week: return msg::series_policy_move;
    case collision_policy::append_at_end: return msg::series_policy_extend;
    default: return msg::series_policy_skip;
  }
}

}  // namespace

// Credit pays for single lessons only: a series is paid in one Checkout.
bool machine::offers_series() const {
  return s.flow == dialogue_flow::lesson && ctx.series_max_lessons > 1;
}

void machine::ask_rhythm() {
  s.phase = dialogue_phase::choose_rhythm;
  ask(t(msg::series_rhythm, {{"slot", slot_text(s.chosen->slot)}, {"tutor", tutor_name(s.chosen->tutor)}}),
      {t(msg::opt_once), t(msg::opt_weekly), t(msg::opt_biweekly)});
}

void machine::ask_series_length() {
  s.phase = dialogue_phase::series_length;
  ask(t(msg::series_length_question, {{"max", std::to_string(ctx.series_max_lessons)}}));
}

std::string machine::rhythm_text() const {
  return t(s.interval_weeks == 2 ? msg::rhythm_biweekly : msg::rhythm_weekly);
}

bool machine::on_series_text(const std::string& text) {
  switch (s.phase) {
    case dialogue_phase::choose_rhythm: {
      const auto i = choice({t(msg::opt_once), t(msg::opt_weekly), t(msg::opt_biweekly)}, text);
      if (!i) return false;
      if (*i == 0) {
        hold_chosen();
        return true;
      }
      s.interval_weeks = static_cast<int>(*i);
      ask_series_length();
      return true;
    }
    case dialogue_phase::series_length: {
      const auto length = parse_series_length(text, ctx.now, ctx.zone, ctx.holidays);
      if (!length) {
        reprompt_with(msg::series_length_unknown);
        return true;
      }
      if (length->count && *length->count > ctx.series_max_lessons) {
        say(t(msg::series_too_long, {{"max", std::to_string(ctx.series_max_lessons)}}));
        ask_series_length();
        return true;
      }
      say(t(msg::series_planning));
      out.emplace_back(place_series{s.chosen->tutor, s.chosen->slot, s.interval_weeks, length->count, length->until,
                                    s.product_id});
      s.phase = dialogue_phase::awaiting_series;
      return true;
    }
    case dialogue_phase::series_plan: {
      const auto i = choice({t(msg::opt_series_pay), t(msg::opt_series_change)}, text);
      if (!i) return false;
      if (*i == 0) {
        request_series_payment();
        return true;
      }
      leave_hold();
      s.series_starts.clear();
      ask_rhythm();
      return true;
    }
    default:
      return false;
  }
}

void machine::on_series_held(const series_held& e) {
  if (s.phase != dialogue_phase::awaiting_series) {  // the student moved on meanwhile
    out.emplace_back(release_series{e.id});
    return;
  }
  s.series = e.id;
  s.hold_expires_at = e.expires_at;
  s.series_starts.clear();
  for (const auto& lesson : e.plan.lessons) s.series_starts.push_back(lesson.start);
  std::string clashes;
  const auto lines = describe_clashes(s.lang, e.plan, ctx.zone);
  if (!lines.empty()) {
    clashes = t(msg::series_clashes_intro);
    for (const auto& line : lines) clashes += "\n• " + line;
  }
  s.phase = dialogue_phase::series_plan;
  ask(t(msg::series_plan, {{"count", std::to_string(e.plan.lessons.size())},
                           {"rhythm", rhythm_text()},
                           {"tutor", tutor_name(s.chosen->tutor)},
                           {"first", when_text(e.plan.lessons.front())},
                           {"last", when_text(e.plan.lessons.back())},
                           {"clashes", clashes},
                           {"policy", t(policy_text(ctx.series_on_clash))},
                           {"expires", format_time(s.lang, e.expires_at, ctx.zone)}}),
      {t(msg::opt_series_pay), t(msg::opt_series_change)});
}

void machine::on_series_not_held(const series_not_held& e) {
  if (s.phase != dialogue_phase::awaiting_series) return;
  if (e.taken) {
    slot_lost();
    return;
  }
  say(t(msg::series_nothing_fits));
  ask_rhythm();
}

void machine::request_series_payment() {
  const auto result = quote_series(*ctx.catalog, s.product_id, s.series_starts, ctx.zone);
  if (std::holds_alternative<pricing_error>(result)) {
    handoff("pricing_error");
    return;
  }
  request_payment r{{}, s.series, s.product_id, std::get<quote>(result), email(), s.lang};
  out.emplace_back(std::move(r));
  out.emplace_back(add_labels{{std::string{labels::awaiting_payment}}});
  s.pay_with_credit = false;
  s.phase = dialogue_phase::awaiting_link;
}

void machine::on_series_link(const payment_link_ready& e) {
  const auto result = quote_series(*ctx.catalog, s.product_id, s.series_starts, ctx.zone);
  if (std::holds_alternative<pricing_error>(result) || s.series_starts.empty()) {
    handoff("pricing_error");
    return;
  }
  const auto& q = std::get<quote>(result);
  const auto& vat = q.lines.front().vat;
  s.phase = dialogue_phase::awaiting_payment;
  ask(t(msg::series_payment_link,
        {{"count", std::to_string(s.series_starts.size())},
         {"rhythm", rhythm_text()},
         {"tutor", tutor_name(s.chosen->tutor)},
         {"first", format_date_time_long(s.lang, s.series_starts.front(), ctx.zone)},
         {"total", format_money(s.lang, q.total)},
         {"vat", vat.exempt ? t(msg::vat_exempt)
                            : t(msg::vat_rate, {{"rate", std::to_string(vat.rate_basis_points / 100)}})},
         {"url", e.url},
         {"expires", format_time(s.lang, s.hold_expires_at.value_or(e.expires_at), ctx.zone)}}));
}

}  // namespace tutorbot::domain::detail
