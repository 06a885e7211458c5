#include "domain/dialogue_state_json.hpp"

#include <stdexcept>

#include <boost/json.hpp>
#include <date/date.h>

#include "domain/instant.hpp"

namespace tutorbot::domain {

namespace json = boost::json;
using namespace std::chrono;

namespace {

std::string instant(sys_seconds t) { return rfc3339(t); }

sys_days parse_day(std::string_view s) {
  auto d = parse_iso_date(s);
  if (!d) throw std::invalid_argument("bad date");
  return sys_days{*d};
}

sys_seconds parse_instant(const json::value& v) {
  auto t = parse_rfc3339(v.as_string());
  if (!t) throw std::invalid_argument("bad instant");
  return *t;
}

template <class T, class F>
json::value optional_value(const std::optional<T>& o, F&& f) {
  return o ? json::value(f(*o)) : json::value(nullptr);
}

json::value offered_json(const offered_slot& o) {
  return json::object{{"tutor", o.tutor.value}, {"start", instant(o.slot.start)}, {"end", instant(o.slot.end)}};
}

offered_slot parse_offered(const json::value& v) {
  const auto& o = v.as_object();
  return {tutor_id{std::string{o.at("tutor").as_string()}}, {parse_instant(o.at("start")), parse_instant(o.at("end"))}};
}

constexpr std::string_view part_names[] = {"morning", "afternoon", "evening"};

json::value filter_json(const date_filter& f) {
  json::object o;
  o["date"] = f.date ? json::value(date::format("%F", sys_days{*f.date})) : json::value(nullptr);
  if (f.weekdays) {
    json::array a;
    for (bool b : *f.weekdays) a.push_back(b);
    o["weekdays"] = std::move(a);
  } else {
    o["weekdays"] = nullptr;
  }
  o["part"] = f.part ? json::value(part_names[static_cast<std::size_t>(*f.part)]) : json::value(nullptr);
  return o;
}

date_filter parse_filter(const json::value& v) {
  const auto& o = v.as_object();
  date_filter f;
  if (!o.at("date").is_null()) {
    f.date = year_month_day{parse_day(o.at("date").as_string())};
  }
  if (!o.at("weekdays").is_null()) {
    const auto& a = o.at("weekdays").as_array();
    if (a.size() != 7) throw std::invalid_argument("weekdays needs 7 entries");
    std::array<bool, 7> w{};
    for (std::size_t i = 0; i < 7; ++i) w[i] = a[i].as_bool();
    f.weekdays = w;
  }
  if (!o.at("part").is_null()) {
    const auto name = o.at("part").as_string();
    bool found = false;
    for (std::size_t i = 0; i < 3; ++i)
      if (part_names[i] == std::string_view{name}) { f.part = static_cast<part_of_day>(i); found = true; }
    if (!found) throw std::invalid_argument("bad part of day");
  }
  return f;
}

template <class T>
std::optional<T> opt(const json::object& o, std::string_view key, T (*parse)(const json::value&)) {
  const auto& v = o.at(key);
  if (v.is_null()) return std::nullopt;
  return parse(v);
}

std::string str(const json::value& v) { return std::string{v.as_string()}; }

}  // namespace

json::value to_json(const dialogue_state& s) {
  json::object o;
  o["version"] = dialogue_state_version;
  o["phase"] = to_string(s.phase);
  o["flow"] = to_string(s.flow);
  o["lang"] = to_string(s.lang);
  o["language_chosen"] = s.language_chosen;
  o["misses"] = s.misses;
  json::array options;
  for (const auto& option : s.last_prompt.options) options.emplace_back(option);
  o["prompt"] = json::object{{"text", s.last_prompt.text}, {"options", std::move(options)}};
  json::object fields;
  for (std::size_t i = 0; i < intake_field_count; ++i)
    if (s.intake.fields[i]) fields[to_string(static_cast<intake_field>(i))] = *s.intake.fields[i];
  o["intake"] = json::object{{"done", s.intake.done}, {"fields", std::move(fields)}};
  o["asking"] = optional_value(s.asking, [](intake_field f) { return to_string(f); });
  o["duration_minutes"] = s.duration_minutes;
  o["product_id"] = s.product_id;
  o["tutor"] = optional_value(s.tutor, [](const tutor_id& t) { return t.value; });
  o["filter"] = s.filter ? filter_json(*s.filter) : json::value(nullptr);
  o["offset"] = s.offset;
  json::array offered;
  for (const auto& x : s.offered) offered.push_back(offered_json(x));
  o["offered"] = std::move(offered);
  o["chosen"] = s.chosen ? offered_json(*s.chosen) : json::value(nullptr);
  o["hold"] = optional_value(s.hold, [](const booking_id& b) { return b.value; });
  o["hold_expires_at"] = optional_value(s.hold_expires_at, [](sys_seconds t) { return instant(t); });
  o["pay_with_credit"] = s.pay_with_credit;
  o["payment_url"] = optional_value(s.payment_url, [](const std::string& u) { return u; });
  o["interval_weeks"] = s.interval_weeks;
  o["series"] = optional_value(s.series, [](const std::string& id) { return id; });
  json::array series_starts;
  for (const auto t : s.series_starts) series_starts.emplace_back(instant(t));
  o["series_starts"] = std::move(series_starts);
  o["selected"] = optional_value(s.selected, [](const booking_id& b) { return b.value; });
  o["selected_series"] = optional_value(s.selected_series, [](const std::string& id) { return id; });
  o["refund_cents"] = s.refund_amount.value;
  o["restore_credit"] = s.restore_credit;
  return o;
}

std::string serialize_dialogue_state(const dialogue_state& state) { return json::serialize(to_json(state)); }

state_json_result dialogue_state_from_json(const json::value& v) {
  try {
    const auto& o = v.as_object();
    const auto version = o.at("version").to_number<int>();
    if (version != dialogue_state_version)
      return state_json_error{"dialogue state version " + std::to_string(version) + ", expected " +
                              std::to_string(dialogue_state_version)};
    dialogue_state s;
    const auto phase = parse_dialogue_phase(o.at("phase").as_string());
    const auto flow = parse_dialogue_flow(o.at("flow").as_string());
    const auto lang = parse_language(o.at("lang").as_string());
    if (!phase || !flow || !lang) return state_json_error{"unknown phase, flow or language"};
    s.phase = *phase;
    s.flow = *flow;
    s.lang = *lang;
    s.language_chosen = o.at("language_chosen").as_bool();
    s.misses = o.at("misses").to_number<int>();
    const auto& p = o.at("prompt").as_object();
    s.last_prompt.text = str(p.at("text"));
    for (const auto& option : p.at("options").as_array()) s.last_prompt.options.push_back(str(option));
    const auto& intake = o.at("intake").as_object();
    s.intake.done = intake.at("done").as_bool();
    for (const auto& [key, value] : intake.at("fields").as_object()) {
      const auto f = parse_intake_field(key);
      if (!f) return state_json_error{"unknown intake field " + std::string{key}};
      s.intake.fields[static_cast<std::size_t>(*f)] = str(value);
    }
    if (!o.at("asking").is_null()) {
      s.asking = parse_intake_field(o.at("asking").as_string());
      if (!s.asking) return state_json_error{"unknown intake field being asked"};
    }
    s.duration_minutes = o.at("duration_minutes").to_number<int>();
    s.product_id = str(o.at("product_id"));
    if (!o.at("tutor").is_null()) s.tutor = tutor_id{str(o.at("tutor"))};
    s.filter = opt<date_filter>(o, "filter", parse_filter);
    s.offset = o.at("offset").to_number<std::size_t>();
    for (const auto& x : o.at("offered").as_array()) s.offered.push_back(parse_offered(x));
    s.chosen = opt<offered_slot>(o, "chosen", parse_offered);
    if (!o.at("hold").is_null()) s.hold = booking_id{str(o.at("hold"))};
    s.hold_expires_at = opt<sys_seconds>(o, "hold_expires_at", parse_instant);
    s.pay_with_credit = o.at("pay_with_credit").as_bool();
    if (!o.at("payment_url").is_null()) s.payment_url = str(o.at("payment_url"));
    // A state stored before series existed has none of these (the version stays: nothing else changed).
    if (const auto* v = o.if_contains("interval_weeks")) s.interval_weeks = v->to_number<int>();
    if (const auto* v = o.if_contains("series"); v && !v->is_null()) s.series = str(*v);
    if (const auto* v = o.if_contains("series_starts"))
      for (const auto& t : v->as_array()) s.series_starts.push_back(parse_instant(t));
    if (!o.at("selected").is_null()) s.selected = booking_id{str(o.at("selected"))};
    if (const auto* v = o.if_contains("selected_series"); v && !v->is_null()) s.selected_series = str(*v);
    s.refund_amount = cents{o.at("refund_cents").to_number<std::int64_t>()};
    s.restore_credit = o.at("restore_credit").as_bool();
    return s;
  } catch (const std::exception& e) {  // boost::system::system_error, std::out_of_range, …
    return state_json_error{std::string{"malformed dialogue state: "} + e.what()};
  }
}

state_json_result parse_dialogue_state(std::string_view text) {
  boost::system::error_code ec;
  const auto v = json::parse(text, ec);
  if (ec) return state_json_error{"dialogue state is not JSON: " + ec.message()};
  return dialogue_state_from_json(v);
}

}  // namespace tutorbot::domain
