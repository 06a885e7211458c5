// The dialogue: payment links, payment outcomes and the confirmation.
#include <chrono>

#include "domain/dialogue_machine.hpp"
#include "domain/local_format.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain::detail {

using namespace std::chrono;

// ---- payment -------------------------------------------------------------------------------

void machine::request_lesson_payment() {
  const auto result = quote_booking(*ctx.catalog, {s.product_id, s.chosen->slot.start, ctx.zone,
                                                   ctx.trial_used, false, 1});
  if (std::holds_alternative<pricing_error>(result)) {  // a catalog changed under us
    handoff("pricing_error");
    return;
  }
  out.emplace_back(request_payment{{*s.hold}, std::nullopt, s.product_id, std::get<quote>(result), email(), s.lang});
  out.emplace_back(add_labels{{std::string{labels::awaiting_payment}}});
  s.pay_with_credit = false;
  s.phase = dialogue_phase::awaiting_link;
}

void machine::request_package_payment() {
  const auto result = quote_booking(*ctx.catalog, {s.product_id, ctx.now, ctx.zone, ctx.trial_used, false, 1});
  if (std::holds_alternative<pricing_error>(result)) {
    handoff("pricing_error");
    return;
  }
  out.emplace_back(request_payment{{}, std::nullopt, s.product_id, std::get<quote>(result), email(), s.lang});
  out.emplace_back(add_labels{{std::string{labels::awaiting_payment}}});
  s.phase = dialogue_phase::awaiting_link;
}

void machine::on_link(const payment_link_ready& e) {
  if (s.phase != dialogue_phase::awaiting_link) return;
  s.payment_url = e.url;
  if (s.series) {
    on_series_link(e);
    return;
  }
  const product* p = ctx.catalog->find_product(s.product_id);
  const bool package = s.flow == dialogue_flow::package;
  const auto result = quote_booking(*ctx.catalog, {s.product_id, package ? ctx.now : s.chosen->slot.start,
                                                   ctx.zone, ctx.trial_used, false, 1});
  if (!p || std::holds_alternative<pricing_error>(result)) { handoff("pricing_error"); return; }
  const auto& q = std::get<quote>(result);
  const auto& line = q.lines.front();
  const std::string vat = line.vat.exempt
      ? t(msg::vat_exempt)
      : t(msg::vat_rate, {{"rate", std::to_string(line.vat.rate_basis_points / 100)}});
  const std::string name = s.lang == language::en ? p->name_en : p->name_nl;
  const std::string total = format_money(s.lang, q.total);
  const std::string expires = format_time(s.lang, s.hold_expires_at.value_or(e.expires_at), ctx.zone);
  s.phase = dialogue_phase::awaiting_payment;
  if (package) {
    ask(t(msg::package_payment_link, {{"product", name}, {"total", total}, {"vat", vat}, {"url", e.url},
                                      {"expires", format_time(s.lang, e.expires_at, ctx.zone)}}));
    return;
  }
  const std::string discount = line.discount_percent > 0
      ? t(msg::weekend_discount_note, {{"percent", std::to_string(line.discount_percent)}})
      : std::string{};
  ask(t(msg::payment_link, {{"product", name}, {"slot", slot_text(s.chosen->slot)},
                            {"tutor", tutor_name(s.chosen->tutor)}, {"total", total}, {"vat", vat},
                            {"discount", discount}, {"url", e.url}, {"expires", expires}}));
}

void machine::on_paid() {
  if (s.phase != dialogue_phase::awaiting_payment && s.phase != dialogue_phase::awaiting_link &&
      s.phase != dialogue_phase::payment_failed)
    return;
  out.emplace_back(remove_labels{{std::string{labels::awaiting_payment}, std::string{labels::payment_failed}}});
  if (s.flow == dialogue_flow::package) {
    out.emplace_back(add_labels{{std::string{labels::paid}, std::string{labels::package}}});
    s.phase = dialogue_phase::package_paid;
    // ctx.credits is the balance after this purchase (credited before the event is fed).
    ask(t(msg::package_paid, {{"credits", std::to_string(ctx.credits)}}), {t(msg::opt_book_now), t(msg::opt_later)});
    return;
  }
  out.emplace_back(add_labels{{std::string{labels::paid}}});
  say(t(s.series ? msg::series_payment_received : msg::payment_received));
  s.phase = dialogue_phase::awaiting_confirmation;
}

void machine::on_payment_failed() {
  if (s.phase != dialogue_phase::awaiting_payment && s.phase != dialogue_phase::awaiting_link) return;
  out.emplace_back(remove_labels{{std::string{labels::awaiting_payment}}});
  out.emplace_back(add_labels{{std::string{labels::payment_failed}}});
  s.phase = dialogue_phase::payment_failed;
  ask(t(msg::payment_failed), {t(msg::opt_retry), t(msg::opt_other_time), t(msg::menu_human)});
}

void machine::on_payment_expired() {
  if (s.phase != dialogue_phase::awaiting_payment && s.phase != dialogue_phase::awaiting_link &&
      s.phase != dialogue_phase::payment_failed)
    return;
  // The payment supervisor releases the holds of an expired session itself.
  s.hold.reset();
  s.series.reset();
  s.payment_url.reset();
  out.emplace_back(remove_labels{{std::string{labels::awaiting_payment}, std::string{labels::payment_failed}}});
  s.phase = dialogue_phase::payment_expired;
  ask(t(msg::payment_expired), {t(msg::opt_new_times), t(msg::opt_menu)});
}

void machine::on_confirmed(const booking_confirmed& e) {
  const std::string when = when_text(e.slot.slot);
  const std::string tutor = tutor_name(e.slot.tutor);
  const bool awaited_series = s.phase == dialogue_phase::awaiting_confirmation && s.series && s.chosen;
  const bool awaited = s.phase == dialogue_phase::awaiting_confirmation && s.hold && *s.hold == e.id;
  if (awaited_series) {
    out.emplace_back(add_labels{{std::string{labels::booked}}});
    const auto text = t(msg::series_confirmed, {{"count", std::to_string(s.series_starts.size())},
                                                {"rhythm", rhythm_text()},
                                                {"tutor", tutor},
                                                {"first", when},
                                                {"mail_note", mail_note(msg::mail_note_invite)}});
    reset_draft();
    s.phase = dialogue_phase::idle;
    say(text);
    return;
  }
  if (!awaited) {
    // A late payment confirmed after the student moved on: tell them, change nothing else.
    if (s.phase == dialogue_phase::handoff) return;
    out.emplace_back(add_labels{{std::string{labels::booked}}});
    say(t(msg::booking_confirmed, {{"when", when}, {"tutor", tutor}, {"mail_note", mail_note(msg::mail_note_invite)}}));
    return;
  }
  const std::string note = mail_note(s.flow == dialogue_flow::reschedule ? msg::mail_note_update : msg::mail_note_invite);
  std::string text;
  switch (s.flow) {
    case dialogue_flow::trial:
      text = t(msg::trial_confirmed, {{"when", when}, {"tutor", tutor}, {"mail_note", note}});
      break;
    case dialogue_flow::reschedule:
      text = t(msg::rescheduled, {{"when", when}, {"tutor", tutor}, {"mail_note", note}});
      break;
    default:
      text = s.pay_with_credit
          ? t(msg::credit_confirmed,
              {{"when", when}, {"tutor", tutor}, {"credits", std::to_string(ctx.credits)}, {"mail_note", note}})
          : t(msg::booking_confirmed, {{"when", when}, {"tutor", tutor}, {"mail_note", note}});
  }
  if (s.flow != dialogue_flow::reschedule) out.emplace_back(add_labels{{std::string{labels::booked}}});
  s.hold.reset();  // it is a booking now
  reset_draft();
  s.phase = dialogue_phase::idle;
  say(std::move(text));
}

// ---- answers after a link, a failure, an expiry or a package -------------------------------

// How to pay, and what next after a failed or expired payment or a bought package.
bool machine::on_payment_text(const std::string& text) {
  switch (s.phase) {
    case dialogue_phase::choose_payment: {
      const auto i = choice({t(msg::opt_pay_credit), t(msg::opt_pay_online)}, text);
      if (!i) return false;
      if (*i == 0) {
        s.pay_with_credit = true;
        out.emplace_back(use_credit{*s.hold});
        s.phase = dialogue_phase::awaiting_confirmation;
      } else {
        request_lesson_payment();
      }
      return true;
    }
    case dialogue_phase::payment_failed: {
      const auto i = choice({t(msg::opt_retry), t(msg::opt_other_time), t(msg::menu_human)}, text);
      if (!i) return false;
      if (*i == 0) {
        out.emplace_back(remove_labels{{std::string{labels::payment_failed}}});
        if (s.flow == dialogue_flow::package) request_package_payment();
        else if (s.series) request_series_payment();
        else request_lesson_payment();
      } else if (*i == 1) {
        if (s.flow == dialogue_flow::package) { show_prices(); return true; }
        leave_hold();
        s.chosen.reset();
        s.offset = 0;
        s.offered.clear();
        query();
      } else {
        handoff("payment_failed");
      }
      return true;
    }
    case dialogue_phase::payment_expired: {
      const auto i = choice({t(msg::opt_new_times), t(msg::opt_menu)}, text);
      if (!i) return false;
      if (*i == 1) { show_menu(false); return true; }
      if (s.flow == dialogue_flow::package) { show_prices(); return true; }
      s.chosen.reset();
      s.offset = 0;
      s.offered.clear();
      query();
      return true;
    }
    case dialogue_phase::package_paid: {
      const auto i = choice({t(msg::opt_book_now), t(msg::opt_later)}, text);
      if (!i) return false;
      if (*i == 0) start_booking();
      else show_menu(false);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace tutorbot::domain::detail
