// The dialogue: starting the trial, booking and package flows; asking duration and tutor;
// slot suggestions and holds.
#include <algorithm>
#include <chrono>

#include "domain/dialogue_machine.hpp"
#include "domain/local_format.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain::detail {

using namespace std::chrono;

namespace {
constexpr days default_window{14};
constexpr days weekday_window{28};  // "dinsdag": the next four Tuesdays

// The instant a local date begins in `zone`.
sys_seconds local_midnight(year_month_day d, const date::time_zone* zone) {
  const auto local = date::local_days{sys_days{d}.time_since_epoch()};
  return date::make_zoned(zone, date::local_seconds{local.time_since_epoch()}, date::choose::earliest)
      .get_sys_time();
}
}  // namespace

std::string machine::tutor_name(const std::optional<tutor_id>& id) const {
  if (!id) return t(msg::any_tutor_name);
  for (const auto& tutor : ctx.tutors)
    if (tutor.id == *id) return tutor.name;
  return id->value;
}

std::string machine::slot_text(const slot& sl) const { return format_slot(s.lang, sl.start, sl.end, ctx.zone); }
std::string machine::start_title(sys_seconds start) const { return format_start_short(s.lang, start, ctx.zone); }
std::string machine::when_text(const slot& sl) const { return format_date_time_long(s.lang, sl.start, ctx.zone); }
std::string machine::email() const {
  return s.intake.fields[static_cast<std::size_t>(intake_field::email)].value_or("");
}
std::string machine::mail_note(msg note) const {
  const std::string address = email().empty() ? ctx.contact.email.value_or("") : email();
  if (!ctx.invites_by_email || address.empty()) return {};
  return "\n\n" + t(note, {{"email", address}});
}

// ---- starting flows --------------------------------------------------------------------------

void machine::start_trial() {
  const product* trial = nullptr;
  for (const auto& p : ctx.catalog->products)
    if (p.kind == product_kind::trial) { trial = &p; break; }
  if (!trial) { show_menu(false, t(msg::trial_unavailable)); return; }
  if (ctx.trial_used && ctx.catalog->trial_once_per_student) { show_menu(false, t(msg::trial_used)); return; }
  reset_draft();
  s.flow = dialogue_flow::trial;
  s.product_id = trial->id;
  s.duration_minutes = trial->duration_minutes;
  begin_intake();
}

void machine::start_booking() {
  reset_draft();
  s.flow = dialogue_flow::lesson;
  begin_intake();
}

void machine::after_intake() {
  switch (s.flow) {
    case dialogue_flow::trial: query(); return;
    case dialogue_flow::lesson: ask_duration(); return;
    case dialogue_flow::package: request_package_payment(); return;
    default: show_menu(false); return;
  }
}

// The durations of single lessons the catalog sells, each with its first product.
std::vector<int> machine::durations() const {
  std::vector<int> out;
  for (const auto& p : ctx.catalog->products)
    if (p.kind == product_kind::lesson && std::find(out.begin(), out.end(), p.duration_minutes) == out.end())
      out.push_back(p.duration_minutes);
  std::sort(out.begin(), out.end());
  return out;
}

void machine::ask_duration() {
  const auto ds = durations();
  if (ds.size() == 1) {
    s.duration_minutes = ds.front();
    s.product_id = ctx.catalog->lesson_of(ds.front())->id;
    ask_tutor();
    return;
  }
  std::vector<std::string> options;
  for (int d : ds)
    options.push_back(t(msg::opt_duration, {{"minutes", std::to_string(d)},
                                            {"price", format_money(s.lang, ctx.catalog->lesson_of(d)->price)}}));
  s.phase = dialogue_phase::choose_duration;
  ask(t(msg::ask_duration), std::move(options));
}

std::vector<const tutor_info*> machine::tutors_for_duration() const {
  std::vector<const tutor_info*> out;
  for (const auto& tutor : ctx.tutors)
    if (std::find(tutor.durations_minutes.begin(), tutor.durations_minutes.end(), s.duration_minutes) !=
        tutor.durations_minutes.end())
      out.push_back(&tutor);
  return out;
}

void machine::ask_tutor() {
  const auto tutors = tutors_for_duration();
  if (tutors.size() <= 1) {
    s.tutor.reset();
    query();
    return;
  }
  std::vector<std::string> options;
  for (const auto* tutor : tutors) options.push_back(tutor->name);
  options.push_back(t(msg::opt_any_tutor));
  s.phase = dialogue_phase::choose_tutor;
  ask(t(msg::ask_tutor), std::move(options));
}

void machine::query() {
  query_slots q;
  q.tutor = s.tutor;
  q.duration_minutes = s.duration_minutes;
  q.from = ctx.now;
  q.to = ctx.now + default_window;
  q.limit = page_size;
  q.offset = s.offset;
  if (s.filter) {
    if (s.filter->date) {
      q.from = std::max(ctx.now, local_midnight(*s.filter->date, ctx.zone));
      q.to = local_midnight(year_month_day{sys_days{*s.filter->date} + days{1}}, ctx.zone);
    } else if (s.filter->weekdays) {
      q.weekdays = s.filter->weekdays;
      q.to = ctx.now + weekday_window;
    }
    if (s.filter->part) {
      std::array<bool, 3> parts{};
      parts[static_cast<std::size_t>(*s.filter->part)] = true;
      q.parts_of_day = parts;
    }
  }
  s.phase = dialogue_phase::awaiting_slots;
  out.emplace_back(std::move(q));
}

// ---- length and tutor ------------------------------------------------------------------------

// A lesson length: a choice, or "60", "90 min".
bool machine::on_duration_text(const std::string& text, const std::string& folded) {
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

// A tutor: a choice, "any", or a first name.
bool machine::on_tutor_text(const std::string& text, const std::string& folded) {
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

// ---- slots ---------------------------------------------------------------------------------

std::vector<std::string> machine::slot_options() const {
  std::vector<std::string> options;
  if (s.offered.empty()) {
    if (s.filter) options.push_back(t(msg::opt_all_days));
    options.push_back(t(msg::menu_human));
    options.push_back(t(msg::opt_menu));
    return options;
  }
  for (const auto& o : s.offered) {
    if (s.tutor) {
      options.push_back(start_title(o.slot.start));
      continue;
    }
    // Any tutor: say whose time it is; the first name keeps the title within a list row's
    // 24 characters ("do 10 dec 16:00 Anouk").
    const std::string name = tutor_name(o.tutor);
    options.push_back(start_title(o.slot.start) + " " + name.substr(0, name.find(' ')));
  }
  // A short page is the last one: no "Meer tijden" button that leads nowhere (typing
  // "meer" still works and says so).
  if (s.offered.size() >= page_size) options.push_back(t(msg::opt_more));
  return options;
}

void machine::show_slots(msg intro) {
  s.phase = dialogue_phase::choose_slot;
  std::string text;
  if (intro != msg::count_) text = t(intro);
  else if (s.offered.empty())
    text = s.filter ? t(msg::no_slots_filtered, {{"filter", describe(s.lang, *s.filter, ctx.zone)}})
                    : t(msg::no_slots);
  else
    text = s.filter ? t(msg::slots_intro_filtered, {{"filter", describe(s.lang, *s.filter, ctx.zone)}})
                    : t(msg::slots_intro);
  ask(std::move(text), slot_options());
}

void machine::on_slots(const slots_found& e) {
  if (s.phase != dialogue_phase::awaiting_slots) return;  // a late answer nobody waits for
  if (e.slots.empty()) { on_no_slots(); return; }
  s.offered = e.slots;
  show_slots();
}

void machine::on_no_slots() {
  if (s.phase != dialogue_phase::awaiting_slots) return;
  if (s.offset > 0 && !s.offered.empty()) {  // "meer" past the end: keep the last page
    s.offset -= std::min(s.offset, page_size);
    show_slots(msg::no_more_slots);
    return;
  }
  s.offered.clear();
  show_slots();
}

bool machine::on_slot_text(const std::string& text, const std::string& folded) {
  const auto options = slot_options();
  if (const auto i = choice(options, text)) {
    if (*i < s.offered.size()) { choose_slot(*i); return true; }
    const std::string& o = options[*i];
    if (o == t(msg::opt_more)) { s.offset += page_size; query(); return true; }
    if (o == t(msg::opt_all_days)) { s.filter.reset(); s.offset = 0; query(); return true; }
    if (o == t(msg::menu_human)) { handoff("no_slots"); return true; }
    show_menu(false);
    return true;
  }
  if (is_word(msg::words_more, folded) && !s.offered.empty()) {
    s.offset += page_size;
    query();
    return true;
  }
  if (const auto f = parse_date_words(text, ctx.now, ctx.zone)) {
    s.filter = *f;
    s.offset = 0;
    s.offered.clear();
    query();
    return true;
  }
  return false;
}

void machine::choose_slot(std::size_t index) {
  s.chosen = s.offered[index];
  if (offers_series()) {
    ask_rhythm();
    return;
  }
  hold_chosen();
}

void machine::hold_chosen() {
  s.interval_weeks = 0;
  say(t(msg::holding, {{"slot", slot_text(s.chosen->slot)}, {"tutor", tutor_name(s.chosen->tutor)}}));
  out.emplace_back(place_hold{s.chosen->tutor, s.chosen->slot, s.duration_minutes, s.product_id});
  s.phase = dialogue_phase::awaiting_hold;
}

void machine::on_hold(const hold_placed& e) {
  if (s.phase != dialogue_phase::awaiting_hold) {  // the student moved on meanwhile
    out.emplace_back(release_hold{e.id});
    return;
  }
  s.hold = e.id;
  s.hold_expires_at = e.expires_at;
  s.chosen = e.slot;
  switch (s.flow) {
    case dialogue_flow::trial:
      out.emplace_back(book_trial{e.id});
      out.emplace_back(add_labels{{std::string{labels::trial}}});
      s.phase = dialogue_phase::awaiting_confirmation;
      return;
    case dialogue_flow::reschedule:
      out.emplace_back(reschedule{*s.selected, e.id});
      s.phase = dialogue_phase::awaiting_confirmation;
      return;
    default: break;
  }
  // Credit pays for lessons of a package's length.
  const auto package_products = packages();
  const bool credit_fits = std::any_of(package_products.begin(), package_products.end(), [&](const product* p) {
    return p->duration_minutes == s.duration_minutes;
  });
  if (ctx.credits > 0 && credit_fits) {
    s.phase = dialogue_phase::choose_payment;
    ask(t(msg::pay_choice, {{"credits", std::to_string(ctx.credits)}}),
        {t(msg::opt_pay_credit), t(msg::opt_pay_online)});
    return;
  }
  request_lesson_payment();
}

void machine::on_slot_taken() {
  if (s.phase != dialogue_phase::awaiting_hold) return;
  slot_lost();
}

void machine::slot_lost() {
  say(t(msg::slot_taken));
  s.chosen.reset();
  s.offset = 0;
  s.offered.clear();
  query();
}

}  // namespace tutorbot::domain::detail
