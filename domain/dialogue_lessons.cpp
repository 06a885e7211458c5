// The dialogue: my lessons (cancel, reschedule) and prices.
#include <algorithm>
#include <chrono>

#include "domain/dialogue_machine.hpp"
#include "domain/local_format.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain::detail {

using namespace std::chrono;

// ---- my lessons ------------------------------------------------------------------------------

// What a choice can pick, as indices into ctx.upcoming: each lesson booked alone, and each
// series once, by its next lesson; as many as a list has rows, besides "Terug".
std::vector<std::size_t> machine::listed_items() const {
  std::vector<std::size_t> items;
  std::vector<std::string> series_seen;
  for (std::size_t i = 0; i < ctx.upcoming.size() && items.size() + 1 < whatsapp_max_list_rows; ++i) {
    const auto& series = ctx.upcoming[i].series;
    if (!series.empty()) {
      if (std::find(series_seen.begin(), series_seen.end(), series) != series_seen.end()) continue;
      series_seen.push_back(series);
    }
    items.push_back(i);
  }
  return items;
}

std::vector<const upcoming_lesson*> machine::lessons_of_series(const std::string& series) const {
  std::vector<const upcoming_lesson*> lessons;
  for (const auto& l : ctx.upcoming)
    if (!series.empty() && l.series == series) lessons.push_back(&l);
  return lessons;
}

// Titles are starts, which fit a button on any date; the text above them says end and tutor.
std::vector<std::string> machine::lesson_options() const {
  std::vector<std::string> options;
  for (const auto i : listed_items()) options.push_back(start_title(ctx.upcoming[i].start));
  options.push_back(t(msg::opt_back));
  return options;
}

void machine::show_my_lessons() {
  if (ctx.upcoming.empty()) { show_menu(false, t(msg::no_lessons)); return; }
  s.phase = dialogue_phase::my_lessons;
  std::vector<std::string> lines;
  for (const auto i : listed_items()) {
    const auto& l = ctx.upcoming[i];
    const auto slot = slot_text({l.start, l.end});
    const auto series = lessons_of_series(l.series);
    lines.push_back(series.size() > 1
                        ? t(msg::series_line, {{"next", slot}, {"tutor", tutor_name(l.tutor)},
                                               {"more", std::to_string(series.size() - 1)}})
                        : t(msg::lesson_line, {{"slot", slot}, {"tutor", tutor_name(l.tutor)}}));
  }
  ask(t(msg::my_lessons_intro, {{"lessons", bulleted_list(lines)}}), lesson_options());
}

void machine::show_series_actions() {
  const auto lessons = lessons_of_series(s.selected_series.value_or(""));
  if (lessons.empty()) { show_my_lessons(); return; }
  std::vector<std::string> lines;
  for (const auto* l : lessons) lines.push_back(slot_text({l->start, l->end}));
  s.phase = dialogue_phase::series_actions;
  ask(t(msg::series_actions, {{"tutor", tutor_name(lessons.front()->tutor)}, {"lessons", bulleted_list(lines)}}),
      {t(msg::opt_one_of_series), t(msg::opt_cancel_rest), t(msg::opt_back)});
}

namespace {

std::vector<std::string> series_pick_options(const machine& m, const std::vector<const upcoming_lesson*>& lessons) {
  std::vector<std::string> options;
  for (std::size_t i = 0; i < lessons.size() && i + 1 < whatsapp_max_list_rows; ++i)
    options.push_back(m.start_title(lessons[i]->start));
  options.push_back(m.t(msg::opt_back));
  return options;
}

}  // namespace

void machine::show_series_pick() {
  s.phase = dialogue_phase::series_pick;
  ask(t(msg::series_pick), series_pick_options(*this, lessons_of_series(s.selected_series.value_or(""))));
}

// Every lesson still to come, each refunded as its own cancellation would be.
void machine::confirm_cancel_rest() {
  const auto lessons = lessons_of_series(s.selected_series.value_or(""));
  if (lessons.empty()) { show_my_lessons(); return; }
  cents refund{0};
  for (const auto* l : lessons) refund += refund_for(ctx.catalog->cancellation, l->paid, l->start, ctx.now).amount;
  s.refund_amount = refund;
  s.restore_credit = false;
  s.chosen = offered_slot{lessons.front()->tutor, {lessons.front()->start, lessons.front()->end}};
  s.phase = dialogue_phase::confirm_cancel_rest;
  ask(t(refund > cents{0} ? msg::cancel_rest_confirm_refund : msg::cancel_rest_confirm_no_refund,
        {{"count", std::to_string(lessons.size())},
         {"when", when_text(s.chosen->slot)},
         {"amount", format_money(s.lang, refund)}}),
      {t(msg::opt_cancel_yes), t(msg::opt_cancel_no)});
}

void machine::on_series_cancelled(const series_cancelled& e) {
  if (s.phase != dialogue_phase::awaiting_cancel || s.selected_series != e.series) return;
  const std::string when = s.chosen ? when_text(s.chosen->slot) : std::string{};
  std::string text = s.refund_amount > cents{0}
                         ? t(msg::series_rest_cancelled_refund, {{"when", when}, {"amount", format_money(s.lang, s.refund_amount)}})
                         : t(msg::series_rest_cancelled, {{"when", when}});
  text += mail_note(msg::mail_note_cancel);
  out.emplace_back(add_labels{{std::string{labels::cancelled}}});
  reset_draft();
  s.phase = dialogue_phase::idle;
  say(std::move(text));
}

const upcoming_lesson* machine::selected_lesson() const {
  if (!s.selected) return nullptr;
  for (const auto& l : ctx.upcoming)
    if (l.id == *s.selected) return &l;
  return nullptr;
}

void machine::show_lesson_actions() {
  const auto* l = selected_lesson();
  if (!l) { show_my_lessons(); return; }
  s.phase = dialogue_phase::lesson_actions;
  ask(t(msg::lesson_actions, {{"when", when_text({l->start, l->end})}, {"tutor", tutor_name(l->tutor)}}),
      {t(msg::opt_reschedule), t(msg::opt_cancel), t(msg::opt_back)});
}

void machine::confirm_cancel() {
  const auto* l = selected_lesson();
  if (!l) { show_my_lessons(); return; }
  const auto& policy = ctx.catalog->cancellation;
  const auto r = refund_for(policy, l->paid, l->start, ctx.now);
  s.chosen = offered_slot{l->tutor, {l->start, l->end}};
  s.refund_amount = cents{0};
  s.restore_credit = false;
  std::string text;
  const auto full_tier = policy.tiers.empty() ? hours{0} : policy.tiers.front().min_notice;
  const auto last_tier = policy.tiers.empty() ? hours{0} : policy.tiers.back().min_notice;
  if (l->paid_with_credit) {
    s.restore_credit = l->start - ctx.now >= full_tier;
    text = s.restore_credit ? t(msg::cancel_confirm_credit)
                            : t(msg::cancel_confirm_no_refund, {{"hours", std::to_string(full_tier.count())}});
  } else if (l->paid == cents{0}) {
    text = t(msg::cancel_confirm_free);
  } else if (r.amount > cents{0}) {
    s.refund_amount = r.amount;
    text = t(msg::cancel_confirm_refund, {{"amount", format_money(s.lang, r.amount)},
                                          {"percent", std::to_string(r.percent)}});
  } else {
    text = t(msg::cancel_confirm_no_refund, {{"hours", std::to_string(last_tier.count())}});
  }
  s.phase = dialogue_phase::confirm_cancel;
  ask(std::move(text), {t(msg::opt_cancel_yes), t(msg::opt_cancel_no)});
}

void machine::start_reschedule() {
  const auto* l = selected_lesson();
  if (!l) { show_my_lessons(); return; }
  const auto& tiers = ctx.catalog->cancellation.tiers;
  // Moving a lesson is free as long as cancelling it would be refunded in full.
  const auto needed = tiers.empty() ? hours{0} : tiers.front().min_notice;
  if (l->start - ctx.now < needed) {
    s.phase = dialogue_phase::human_or_menu;
    ask(t(msg::reschedule_too_late, {{"hours", std::to_string(needed.count())}}),
        {t(msg::menu_human), t(msg::opt_menu)});
    return;
  }
  const auto selected = s.selected;
  reset_draft();
  s.selected = selected;
  s.flow = dialogue_flow::reschedule;
  s.tutor = l->tutor;
  s.duration_minutes = static_cast<int>(duration_cast<minutes>(l->end - l->start).count());
  s.product_id = l->product_id;
  say(t(msg::reschedule_pick, {{"tutor", tutor_name(l->tutor)}}));
  query();
}

void machine::on_cancelled(const booking_cancelled& e) {
  if (s.phase != dialogue_phase::awaiting_cancel || !s.selected || !(*s.selected == e.id)) return;
  const std::string when = s.chosen ? when_text(s.chosen->slot) : std::string{};
  std::string text = s.restore_credit ? t(msg::cancelled_credit, {{"when", when}})
                     : s.refund_amount > cents{0}
                         ? t(msg::cancelled_refund_pending, {{"when", when}, {"amount", format_money(s.lang, s.refund_amount)}})
                         : t(msg::cancelled, {{"when", when}});
  text += mail_note(msg::mail_note_cancel);
  out.emplace_back(add_labels{{std::string{labels::cancelled}}});
  reset_draft();
  s.phase = dialogue_phase::idle;
  say(std::move(text));
}

void machine::on_refund(const refund_done& e) {
  // Whenever it arrives: a refund is news in any phase (also one staff issued).
  out.emplace_back(add_labels{{std::string{labels::refunded}}});
  if (s.phase != dialogue_phase::handoff) say(t(msg::refund_done, {{"amount", format_money(s.lang, e.amount)}}));
}

// ---- prices ----------------------------------------------------------------------------------

std::vector<const product*> machine::packages() const {
  std::vector<const product*> out;
  for (const auto& p : ctx.catalog->products)
    if (p.kind == product_kind::package) out.push_back(&p);
  return out;
}

std::vector<std::string> machine::prices_options() const {
  std::vector<std::string> options;
  for (const auto* p : packages()) options.push_back(t(msg::opt_package, {{"lessons", std::to_string(p->lessons)}}));
  options.push_back(t(msg::menu_book));
  options.push_back(t(msg::opt_menu));
  return options;
}

void machine::show_prices() {
  const auto& catalog = *ctx.catalog;
  std::vector<std::string> lines;
  std::vector<std::string> taxed;
  bool any_exempt = false;
  for (const auto& p : catalog.products) {
    const std::string name = s.lang == language::en ? p.name_en : p.name_nl;
    const std::string price = format_money(s.lang, p.price);
    if (p.kind == product_kind::trial) lines.push_back(t(msg::price_line_trial, {{"name", name}}));
    else if (p.kind == product_kind::package)
      lines.push_back(t(msg::price_line_package, {{"name", name}, {"price", price},
                                                  {"per", format_money(s.lang, cents{p.price.value / std::max(1, p.lessons)})}}));
    else lines.push_back(t(msg::price_line, {{"name", name}, {"price", price}}));
    if (p.kind == product_kind::trial) continue;
    if (p.vat.exempt) any_exempt = true;
    else taxed.push_back(t(msg::prices_vat_taxed, {{"name", name}, {"rate", std::to_string(p.vat.rate_basis_points / 100)}}));
  }
  std::string text = t(msg::prices_title) + "\n" + bulleted_list(lines) + "\n\n";
  if (any_exempt) text += t(msg::prices_vat_exempt) + "\n";
  for (const auto& line : taxed) text += line + "\n";
  if (catalog.weekend_discount.percent > 0)
    text += t(msg::prices_weekend, {{"percent", std::to_string(catalog.weekend_discount.percent)}}) + "\n";
  text += "\n" + t(msg::prices_prompt);
  s.phase = dialogue_phase::prices;
  ask(std::move(text), prices_options());
}

// ---- answers in my lessons and the prices --------------------------------------------------

// To "are you sure?": 0 cancel, 1 keep — tapped, or typed as yes or no.
std::optional<std::size_t> machine::cancel_answer(const std::string& text, const std::string& folded) const {
  if (const auto i = choice({t(msg::opt_cancel_yes), t(msg::opt_cancel_no)}, text)) return i;
  if (is_word(msg::words_yes, folded)) return 0;
  if (is_word(msg::words_no, folded)) return 1;
  return std::nullopt;
}

// My lessons, a lesson's actions, a cancellation to confirm, and the prices.
bool machine::on_lessons_text(const std::string& text, const std::string& folded) {
  switch (s.phase) {
    case dialogue_phase::my_lessons: {
      const auto options = lesson_options();
      const auto i = choice(options, text);
      if (!i) return false;
      if (*i + 1 == options.size()) { show_menu(false); return true; }
      const auto& picked = ctx.upcoming[listed_items()[*i]];
      if (lessons_of_series(picked.series).size() > 1) {
        s.selected_series = picked.series;
        show_series_actions();
        return true;
      }
      s.selected = picked.id;
      show_lesson_actions();
      return true;
    }
    case dialogue_phase::series_actions: {
      const auto i = choice({t(msg::opt_one_of_series), t(msg::opt_cancel_rest), t(msg::opt_back)}, text);
      if (!i) return false;
      if (*i == 0) show_series_pick();
      else if (*i == 1) confirm_cancel_rest();
      else show_my_lessons();
      return true;
    }
    case dialogue_phase::series_pick: {
      const auto lessons = lessons_of_series(s.selected_series.value_or(""));
      const auto options = series_pick_options(*this, lessons);
      const auto i = choice(options, text);
      if (!i) return false;
      if (*i + 1 == options.size()) { show_series_actions(); return true; }
      s.selected = lessons[*i]->id;
      show_lesson_actions();
      return true;
    }
    case dialogue_phase::confirm_cancel_rest: {
      const auto i = cancel_answer(text, folded);
      if (!i) return false;
      if (*i == 0) {
        out.emplace_back(cancel_series{*s.selected_series, s.refund_amount});
        s.phase = dialogue_phase::awaiting_cancel;
      } else {
        show_menu(false, t(msg::series_kept));
      }
      return true;
    }
    case dialogue_phase::lesson_actions: {
      const auto i = choice({t(msg::opt_reschedule), t(msg::opt_cancel), t(msg::opt_back)}, text);
      if (!i) return false;
      if (*i == 0) start_reschedule();
      else if (*i == 1) confirm_cancel();
      else show_my_lessons();
      return true;
    }
    case dialogue_phase::confirm_cancel: {
      const auto i = cancel_answer(text, folded);
      if (!i) return false;
      if (*i == 0) {
        out.emplace_back(cancel_booking{*s.selected, s.refund_amount, s.restore_credit});
        s.phase = dialogue_phase::awaiting_cancel;
      } else {
        show_menu(false, t(msg::kept));
      }
      return true;
    }
    case dialogue_phase::prices: {
      const auto options = prices_options();
      const auto i = choice(options, text);
      if (!i) return false;
      const auto ps = packages();
      if (*i < ps.size()) {
        reset_draft();
        s.flow = dialogue_flow::package;
        s.product_id = ps[*i]->id;
        begin_intake();
      } else if (*i == ps.size()) {
        start_booking();
      } else {
        show_menu(false);
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace tutorbot::domain::detail
