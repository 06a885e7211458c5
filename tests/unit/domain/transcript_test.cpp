// Golden transcripts: tests/golden/dialogue/*.txt, each a conversation a person reads.
//
// Format, one line each:
//   # comment                      kept as is
//   context: key=value …           sets the dialogue_context from here on (see apply_context)
//   > text                         the student sends a text
//   ! event args                   an event from the world (see parse_event); a slot is
//                                  written "TUTOR START-UTC MINUTES"
//   < text / | more                a bot message (first line / further lines; "|" alone = blank)
//     [n] option                   its quick-reply options, as WhatsApp shows them…
//     (buttons|list|numbered_text) …and how (make_quick_reply's choice)
//   = effect k=v …                 any other effect
// Input lines (#, context:, >, !, blank) are replayed; output lines (<, |, indented, =)
// are what the machine produced. The test regenerates the file from its input lines and
// compares it with the file exactly. TUTORBOT_UPDATE_GOLDEN=1 rewrites the files instead
// (review the diff before committing!).
//
// Every state reached is also written to JSON and read back before the next step: the
// replay continues with the restored state, so the transcripts prove the round trip too.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "domain/instant.hpp"
#include "domain/whatsapp_text.hpp"
#include "dialogue_fixtures.hpp"

using namespace tutorbot::domain;
using namespace std::chrono;

namespace {

const std::string golden_dir = std::string{TUTORBOT_SOURCE_DIR} + "/tests/golden/dialogue/";

std::string iso(sys_seconds t) { return date::format("%FT%TZ", t); }

sys_seconds parse_iso(const std::string& s) {
  // "2026-03-09T10:00:00Z"
  if (s.size() != 20) throw std::runtime_error("bad instant: " + s);
  const int y = std::stoi(s.substr(0, 4));
  const unsigned mo = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  return sys_days{year{y} / mo / d} + hours{std::stoi(s.substr(11, 2))} + minutes{std::stoi(s.substr(14, 2))} +
         seconds{std::stoi(s.substr(17, 2))};
}

cents parse_money(const std::string& s) {
  const auto dot = s.find('.');
  return cents{std::stoll(s.substr(0, dot)) * 100 + (dot == std::string::npos ? 0 : std::stoll(s.substr(dot + 1)))};
}

// Splits on spaces, keeping "quoted values" together (quotes removed).
std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') { quoted = !quoted; any = true; continue; }
    if (c == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
      continue;
    }
    cur += c;
    any = true;
  }
  if (any) out.push_back(cur);
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in{s};
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// context: now=ISO zone=NAME contact.name="…" contact.email=… contact.locale=… contact.ATTR=…
//          trial_used=yes|no credits=N lessons=none
//          lesson=ID/TUTOR/START/MINUTES/PRODUCT/PAID[/credit|/series:ID]   (adds one upcoming lesson)
//          series_max=N on_clash=skip|move|extend holiday=FIRST/LAST/NAME (adds a school holiday)
void apply_context(dialogue_context& c, const std::string& rest) {
  for (const auto& token : tokens(rest)) {
    const auto eq = token.find('=');
    const std::string key = token.substr(0, eq), value = token.substr(eq + 1);
    if (key == "now") c.now = parse_iso(value);
    else if (key == "zone") c.zone = date::locate_zone(value);
    else if (key == "contact.name") c.contact.name = value;
    else if (key == "contact.email") c.contact.email = value;
    else if (key == "contact.phone") c.contact.phone = value;
    else if (key == "contact.locale") c.contact.locale = value;
    else if (key.starts_with("contact.")) c.contact.attributes[key.substr(8)] = value;
    else if (key == "trial_used") c.trial_used = value == "yes";
    else if (key == "credits") c.credits = std::stoi(value);
    else if (key == "lessons" && value == "none") c.upcoming.clear();
    else if (key == "lesson") {
      const auto f = split(value, '/');
      if (f.size() < 6) throw std::runtime_error("lesson=ID/TUTOR/START/MINUTES/PRODUCT/PAID[/credit|/series:ID]");
      upcoming_lesson l{booking_id{f[0]}, tutor_id{f[1]}, parse_iso(f[2]),
                        parse_iso(f[2]) + minutes{std::stoi(f[3])}, f[4], parse_money(f[5]),
                        f.size() > 6 && f[6] == "credit",
                        f.size() > 6 && f[6].starts_with("series:") ? f[6].substr(7) : std::string{}};
      c.upcoming.push_back(l);
    } else if (key == "series_max") c.series_max_lessons = std::stoi(value);
    else if (key == "on_clash") c.series_on_clash = parse_collision_policy(value).value();
    else if (key == "holiday") {
      const auto f = split(value, '/');
      c.holidays.push_back({parse_iso_date(f.at(0)).value(), parse_iso_date(f.at(1)).value(), f.at(2)});
    } else throw std::runtime_error("unknown context key: " + key);
  }
}

offered_slot parse_offered(const std::vector<std::string>& t, std::size_t at) {
  const auto start = parse_iso(t.at(at + 1));
  return {tutor_id{t.at(at)}, {start, start + minutes{std::stoi(t.at(at + 2))}}};
}

std::string after(const std::string& token, const std::string& prefix) {
  if (!token.starts_with(prefix)) throw std::runtime_error("expected " + prefix + "…, got " + token);
  return token.substr(prefix.size());
}

// The plan the tutor's calendar would make for `asked`: every date free but the school
// holidays'; a lesson moved out of one goes to the first day of its week free at the same time.
series_plan plan_for(const place_series& asked, const dialogue_context& ctx) {
  series_request request{asked.first.start, static_cast<int>((asked.first.end - asked.first.start).count() / 60),
                         asked.interval_weeks, asked.count, asked.until};
  const occurrence_check free_unless_holiday = [&](const slot& lesson) -> std::optional<occurrence_clash> {
    const year_month_day day{sys_days{date::floor<days>(ctx.zone->to_local(lesson.start)).time_since_epoch()}};
    for (const auto& h : ctx.holidays)
      if (h.contains(day)) return occurrence_clash{collision_reason::closed, h.name};
    return std::nullopt;
  };
  // At the series' local time on each day of the week asked about.
  const auto first_local = ctx.zone->to_local(asked.first.start);
  const auto time_of_day = first_local - date::floor<days>(first_local);
  const free_slot_finder same_time_that_week = [&](sys_seconds from, sys_seconds to) {
    std::vector<slot> found;
    for (auto day = date::floor<days>(ctx.zone->to_local(from)); ctx.zone->to_sys(day) < to; day += days{1}) {
      const auto start = ctx.zone->to_sys(day + time_of_day);
      const slot s{start, start + minutes{request.duration_minutes}};
      if (start >= from && start < to && !free_unless_holiday(s)) found.push_back(s);
    }
    return found;
  };
  return std::get<series_plan>(plan_series(request, ctx.zone, ctx.series_on_clash, free_unless_holiday, same_time_that_week));
}

dialogue_event parse_event(const std::string& rest, const std::optional<place_series>& asked,
                           const dialogue_context& ctx) {
  const auto t = tokens(rest);
  const std::string& name = t.at(0);
  if (name == "series_held") {
    if (!asked) throw std::runtime_error("series_held without a place_series before it");
    return series_held{t.at(1), plan_for(*asked, ctx), parse_iso(after(t.at(2), "expires="))};
  }
  if (name == "series_not_held") return series_not_held{t.size() > 1 && t.at(1) == "taken"};
  if (name == "series_cancelled") return series_cancelled{t.at(1)};
  if (name == "slots_found") {
    slots_found e;
    for (const auto& part : split(rest.substr(name.size()), ',')) e.slots.push_back(parse_offered(tokens(part), 0));
    return e;
  }
  if (name == "no_slots") return no_slots{};
  if (name == "hold_placed")
    return hold_placed{booking_id{t.at(1)}, parse_iso(after(t.at(5), "expires=")), parse_offered(t, 2)};
  if (name == "slot_taken") return slot_taken{};
  if (name == "payment_link_ready") return payment_link_ready{t.at(1), parse_iso(after(t.at(2), "expires="))};
  if (name == "payment_succeeded") return payment_succeeded{};
  if (name == "payment_failed") return payment_failed{};
  if (name == "payment_expired") return payment_expired{};
  if (name == "booking_confirmed") return booking_confirmed{booking_id{t.at(1)}, parse_offered(t, 2)};
  if (name == "booking_cancelled") return booking_cancelled{booking_id{t.at(1)}};
  if (name == "refund_done") return refund_done{parse_money(t.at(1))};
  if (name == "handoff_ended") return handoff_ended{};
  if (name == "idle_timeout") return idle_timeout{};
  if (name == "unsupported") return unsupported_received{t.at(1)};
  throw std::runtime_error("unknown event: " + name);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string quote_if_spaced(const std::string& s) {
  return s.find(' ') == std::string::npos ? s : "\"" + s + "\"";
}

void render_lines(std::vector<std::string>& out, const std::string& first, const std::string& text) {
  const auto lines = split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i)
    out.push_back(i == 0 ? first + lines[i] : lines[i].empty() ? "|" : "| " + lines[i]);
  if (text.ends_with('\n')) out.push_back("|");
}

std::string weekdays_text(const std::array<bool, 7>& w) {
  static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  std::vector<std::string> on;
  for (std::size_t i = 0; i < 7; ++i) if (w[i]) on.push_back(names[i]);
  return join(on, ",");
}

void render(std::vector<std::string>& out, const effect& e) {
  std::visit(
      [&](const auto& x) {
        using E = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<E, send_text>) {
          render_lines(out, "< ", x.text);
          if (x.options.empty()) return;
          const auto qr = make_quick_reply(x.text, x.options);
          for (std::size_t i = 0; i < x.options.size(); ++i)
            out.push_back("  [" + std::to_string(i + 1) + "] " + (qr.titles.empty() ? x.options[i] : qr.titles[i]));
          out.push_back("  (" + std::string{to_string(qr.style)} + ")");
        } else if constexpr (std::is_same_v<E, query_slots>) {
          std::string line = "= query_slots tutor=" + (x.tutor ? x.tutor->value : "any") +
                             " duration=" + std::to_string(x.duration_minutes) + " from=" + iso(x.from) +
                             " to=" + iso(x.to);
          if (x.weekdays) line += " weekdays=" + weekdays_text(*x.weekdays);
          if (x.parts_of_day) {
            static const char* parts[] = {"morning", "afternoon", "evening"};
            std::vector<std::string> on;
            for (std::size_t i = 0; i < 3; ++i) if ((*x.parts_of_day)[i]) on.push_back(parts[i]);
            line += " parts=" + join(on, ",");
          }
          out.push_back(line + " limit=" + std::to_string(x.limit) + " offset=" + std::to_string(x.offset));
        } else if constexpr (std::is_same_v<E, place_series>) {
          std::string line = "= place_series tutor=" + x.tutor.value + " first=" + iso(x.first.start) + " end=" +
                             iso(x.first.end) + " interval_weeks=" + std::to_string(x.interval_weeks);
          if (x.count) line += " count=" + std::to_string(*x.count);
          if (x.until) line += " until=" + date::format("%F", sys_days{*x.until});
          out.push_back(line + " product=" + x.product_id);
        } else if constexpr (std::is_same_v<E, release_series>) {
          out.push_back("= release_series series=" + x.series);
        } else if constexpr (std::is_same_v<E, cancel_series>) {
          out.push_back("= cancel_series series=" + x.series + " refund=" + to_string(x.refund));
        } else if constexpr (std::is_same_v<E, place_hold>) {
          out.push_back("= place_hold tutor=" + x.tutor.value + " start=" + iso(x.slot.start) + " end=" +
                        iso(x.slot.end) + " duration=" + std::to_string(x.duration_minutes) + " product=" + x.product_id);
        } else if constexpr (std::is_same_v<E, request_payment>) {
          std::vector<std::string> ids;
          for (const auto& b : x.bookings) ids.push_back(b.value);
          std::string lines;
          for (const auto& l : x.quote.lines)
            lines += " line=" + quote_if_spaced(l.description_nl) + ":" + to_string(l.amount);
          out.push_back("= request_payment bookings=" + (ids.empty() ? "none" : join(ids, ",")) +
                        (x.series ? " series=" + *x.series : "") + " product=" +
                        x.product_id + " total=" + to_string(x.quote.total) + " " + x.quote.currency +
                        lines + " email=" + x.customer_email + " locale=" + std::string{to_string(x.locale)});
        } else if constexpr (std::is_same_v<E, use_credit>) {
          out.push_back("= use_credit booking=" + x.booking.value);
        } else if constexpr (std::is_same_v<E, book_trial>) {
          out.push_back("= book_trial booking=" + x.booking.value);
        } else if constexpr (std::is_same_v<E, release_hold>) {
          out.push_back("= release_hold booking=" + x.booking.value);
        } else if constexpr (std::is_same_v<E, cancel_booking>) {
          out.push_back("= cancel_booking booking=" + x.booking.value + " refund=" + to_string(x.refund) +
                        " restore_credit=" + (x.restore_credit ? "yes" : "no"));
        } else if constexpr (std::is_same_v<E, reschedule>) {
          out.push_back("= reschedule booking=" + x.booking.value + " new_hold=" + x.new_hold.value);
        } else if constexpr (std::is_same_v<E, add_labels>) {
          out.push_back("= add_labels " + join(x.labels, " "));
        } else if constexpr (std::is_same_v<E, remove_labels>) {
          out.push_back("= remove_labels " + join(x.labels, " "));
        } else if constexpr (std::is_same_v<E, set_contact_attributes>) {
          std::string line = "= set_contact_attributes";
          for (const auto& [k, v] : x.attributes) line += " " + k + "=" + quote_if_spaced(v);
          out.push_back(line);
        } else if constexpr (std::is_same_v<E, private_note>) {
          render_lines(out, "= private_note ", x.text);
        } else if constexpr (std::is_same_v<E, hand_off>) {
          out.push_back("= hand_off reason=" + x.reason);
        }
      },
      e);
}

bool is_input(const std::string& line) {
  return line.empty() || line.starts_with("#") || line.starts_with("context:") || line.starts_with(">") ||
         line.starts_with("!");
}

std::vector<std::string> replay(const std::vector<std::string>& file) {
  std::vector<std::string> out;
  dialogue_context ctx = tutorbot::domain::test::sample_context(parse_iso("2026-03-09T10:00:00Z"));
  dialogue_state state;
  std::optional<place_series> asked_series;  // the last one: a series_held event answers it
  for (const auto& line : file) {
    if (!is_input(line)) continue;
    out.push_back(line);
    if (line.starts_with("context:")) apply_context(ctx, line.substr(8));
    if (!line.starts_with(">") && !line.starts_with("!")) continue;
    const dialogue_event event = line.starts_with(">") ? dialogue_event{text_received{trim(line.substr(1))}}
                                                       : parse_event(trim(line.substr(1)), asked_series, ctx);
    auto result = step(state, event, ctx);
    for (const auto& e : result.effects)
      if (const auto* p = std::get_if<place_series>(&e)) asked_series = *p;
    for (const auto& e : result.effects) render(out, e);
    // Persist and restore, as the actor does after every step.
    auto restored = parse_dialogue_state(serialize_dialogue_state(result.state));
    const auto* unreadable = std::get_if<state_json_error>(&restored);
    BOOST_REQUIRE_MESSAGE(!unreadable, "state did not restore after: " << line << ": "
                                                                       << (unreadable ? unreadable->message : ""));
    BOOST_CHECK_MESSAGE(std::get<dialogue_state>(restored) == result.state,
                        "JSON round trip changed the state after: " << line << "\n"
                                                                    << serialize_dialogue_state(result.state));
    state = std::get<dialogue_state>(std::move(restored));
  }
  return out;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in{path};
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void check_transcript(const std::string& name) {
  const std::string path = golden_dir + name + ".txt";
  const auto expected = read_lines(path);
  const auto actual = replay(expected);
  const char* update = std::getenv("TUTORBOT_UPDATE_GOLDEN");
  if (update && std::string{update} == "1") {
    std::ofstream out{path};
    for (const auto& line : actual) out << line << '\n';
    BOOST_TEST_MESSAGE("rewrote " << path);
    return;
  }
  if (actual == expected) return;
  std::size_t first = 0;
  while (first < expected.size() && first < actual.size() && expected[first] == actual[first]) ++first;
  std::ostringstream diff;
  diff << path << " differs from line " << first + 1
       << " (set TUTORBOT_UPDATE_GOLDEN=1 to rewrite, then review):\n";
  const std::size_t from = first >= 3 ? first - 3 : 0;
  for (std::size_t i = from; i < first; ++i) diff << "  " << expected[i] << '\n';
  for (std::size_t i = first; i < std::min(expected.size(), first + 8); ++i) diff << "- " << expected[i] << '\n';
  for (std::size_t i = first; i < std::min(actual.size(), first + 8); ++i) diff << "+ " << actual[i] << '\n';
  BOOST_ERROR(diff.str());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transcript)

BOOST_AUTO_TEST_CASE(dutch_booking_menu_intake_prefill_slots_payment_confirmed) { check_transcript("booking_nl"); }
BOOST_AUTO_TEST_CASE(english_booking_from_contact_locale) { check_transcript("booking_en"); }
BOOST_AUTO_TEST_CASE(trial_lesson_skips_payment_and_is_refused_once_used) { check_transcript("trial"); }
BOOST_AUTO_TEST_CASE(package_bought_then_lesson_booked_from_credit) { check_transcript("package_credit"); }
BOOST_AUTO_TEST_CASE(cancel_within_policy_refunds) { check_transcript("cancel_refund"); }
BOOST_AUTO_TEST_CASE(cancel_outside_policy_refunds_nothing) { check_transcript("cancel_no_refund"); }
BOOST_AUTO_TEST_CASE(reschedule_within_policy_and_refused_too_late) { check_transcript("reschedule"); }
BOOST_AUTO_TEST_CASE(handoff_silences_bot_until_staff_hand_back) { check_transcript("handoff"); }
BOOST_AUTO_TEST_CASE(three_unknown_inputs_offer_a_person) { check_transcript("unknown_input"); }
BOOST_AUTO_TEST_CASE(payment_failure_retry_expiry_and_slot_taken) { check_transcript("payment_problems"); }
BOOST_AUTO_TEST_CASE(typed_days_narrow_suggestions_and_more_pages) { check_transcript("typed_days"); }
BOOST_AUTO_TEST_CASE(weekly_series_over_the_october_dst_change_paid_in_one_checkout) { check_transcript("series_weekly_nl"); }
BOOST_AUTO_TEST_CASE(weekly_series_over_the_october_dst_change_in_english) { check_transcript("series_weekly_en"); }
BOOST_AUTO_TEST_CASE(biweekly_series_with_a_holiday_moved_then_changed_to_one_lesson) { check_transcript("series_biweekly_en"); }
BOOST_AUTO_TEST_CASE(biweekly_series_with_a_holiday_moved_and_a_failed_payment_retried) { check_transcript("series_biweekly_nl"); }
BOOST_AUTO_TEST_CASE(a_series_is_one_item_in_my_lessons_one_lesson_cancelled_then_the_rest) { check_transcript("series_cancel_nl"); }
BOOST_AUTO_TEST_CASE(cancelling_the_rest_of_a_series_refunds_each_lesson_under_the_policy) { check_transcript("series_cancel_en"); }

BOOST_AUTO_TEST_CASE(every_golden_file_is_checked_by_a_test_case) {
  const std::vector<std::string> checked = {"booking_nl", "booking_en", "trial", "package_credit",
                                            "cancel_refund", "cancel_no_refund", "reschedule", "handoff",
                                            "unknown_input", "payment_problems", "typed_days", "series_weekly_nl",
                                            "series_weekly_en", "series_biweekly_en", "series_biweekly_nl",
                                            "series_cancel_nl", "series_cancel_en"};
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir)) {
    if (entry.path().extension() != ".txt") continue;
    const auto name = entry.path().stem().string();
    BOOST_TEST((std::find(checked.begin(), checked.end(), name) != checked.end()), name << ".txt has no test case");
  }
}

BOOST_AUTO_TEST_SUITE_END()
