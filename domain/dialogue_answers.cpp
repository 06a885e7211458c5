// The dialogue: what a typed answer means in each phase.
#include <chrono>

#include "domain/dialogue_machine.hpp"
#include "domain/local_format.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain::detail {

using namespace std::chrono;

// ---- text in each phase ----------------------------------------------------------------------

bool machine::on_phase_text(const std::string& text, const std::string& folded) {
  switch (s.phase) {
    case dialogue_phase::menu: {
      const auto i = choice(menu_options(), text);
      if (!i) return false;
      switch (*i) {
        case 0: start_trial(); break;
        case 1: start_booking(); break;
        case 2: show_my_lessons(); break;
        case 3: show_prices(); break;
        default: handoff("student_request"); break;
      }
      return true;
    }
    case dialogue_phase::intake_confirm:
    case dialogue_phase::intake_pick:
    case dialogue_phase::intake_ask:
      return on_intake_text(text, folded);
    case dialogue_phase::choose_duration: {
      const auto ds = durations();
      std::vector<std::string> options;
      for (int d : ds)
        options.push_back(t(msg::opt_duration, {{"minutes", std::to_string(d)},
                                                {"price", format_money(s.lang, ctx.catalog->lesson_of(d)->price)}}));
      auto i = choice(options, text);
      if (!i)  // "60", "90 min"
        for (std::size_t k = 0; k < ds.size(); ++k)
          if (folded == std::to_string(ds[k]) || folded == std::to_string(ds[k]) + " min" ||
              folded == std::to_string(ds[k]) + " minuten" || folded == std::to_string(ds[k]) + " minutes")
            i = k;
      if (!i) return false;
      s.duration_minutes = ds[*i];
      s.product_id = ctx.catalog->lesson_of(ds[*i])->id;
      ask_tutor();
      return true;
    }
    case dialogue_phase::choose_tutor: {
      const auto tutors = tutors_for_duration();
      std::vector<std::string> options;
      for (const auto* tutor : tutors) options.push_back(tutor->name);
      options.push_back(t(msg::opt_any_tutor));
      auto i = choice(options, text);
      if (!i && is_word(msg::words_any, folded)) i = tutors.size();
      if (!i)  // a first name: "anouk"
        for (std::size_t k = 0; k < tutors.size(); ++k)
          if (fold_for_matching(tutors[k]->name.substr(0, tutors[k]->name.find(' '))) == folded) i = k;
      if (!i) return false;
      if (*i < tutors.size()) s.tutor = tutors[*i]->id;
      else s.tutor.reset();
      s.offset = 0;
      query();
      return true;
    }
    case dialogue_phase::choose_slot:
      return on_slot_text(text, folded);
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
    case dialogue_phase::package_paid: {
      const auto i = choice({t(msg::opt_book_now), t(msg::opt_later)}, text);
      if (!i) return false;
      if (*i == 0) start_booking();
      else show_menu(false);
      return true;
    }
    case dialogue_phase::my_lessons: {
      const auto options = lesson_options();
      const auto i = choice(options, text);
      if (!i) return false;
      if (*i + 1 == options.size()) { show_menu(false); return true; }
      s.selected = ctx.upcoming[*i].id;
      show_lesson_actions();
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
      auto i = choice({t(msg::opt_cancel_yes), t(msg::opt_cancel_no)}, text);
      if (!i && is_word(msg::words_yes, folded)) i = 0;
      if (!i && is_word(msg::words_no, folded)) i = 1;
      if (!i) return false;
      if (*i == 0) {
        out.emplace_back(cancel_booking{*s.selected, s.refund_amount, s.restore_credit});
        s.phase = dialogue_phase::awaiting_cancel;
      } else {
        show_menu(false, t(msg::kept));
      }
      return true;
    }
    case dialogue_phase::human_or_menu: {
      const auto i = choice({t(msg::menu_human), t(msg::opt_menu)}, text);
      if (!i) return false;
      if (*i == 0) handoff("student_request");
      else show_menu(false);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace tutorbot::domain::detail
