#include "config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "config/sections.hpp"

namespace tutorbot::config {

std::string to_string(const problem& p) {
  std::string out = p.file;
  if (p.line > 0) {
    out += ':';
    out += std::to_string(p.line);  // appended piecewise: GCC 12 warns (-Wrestrict) on ":" + s
  }
  out += ": ";
  if (!p.key.empty()) out += p.key + ": ";
  out += p.reason;
  return out;
}

namespace {

// The parsed top-level mapping, or nullopt after reporting why there is none.
std::optional<YAML::Node> parse_file(const detail::sink& s) {
  std::ifstream in(s.file, std::ios::binary);
  if (!in) {
    s.add(0, {}, "cannot open the file (is --config pointing at the right folder?)");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    YAML::Node root = YAML::Load(text.str());
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
      s.add(root, {}, "expected key: value lines at the top of the file");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    s.add(e.mark.line < 0 ? 0 : e.mark.line + 1, {}, "not valid YAML: " + e.msg);
    return std::nullopt;
  }
}

// Products must be bookable: some tutor has to accept their lesson length.
void check_durations(const domain::calendar_rules& cal, const domain::payment_catalog& pay,
                     const detail::payment_marks& marks, const detail::sink& s,
                     const std::string& calendar_file) {
  for (std::size_t i = 0; i < pay.products.size(); ++i) {
    const auto& p = pay.products[i];
    const bool bookable = std::any_of(cal.tutors.begin(), cal.tutors.end(), [&](const auto& t) {
      return t.accepts_duration(p.duration_minutes);
    });
    if (!bookable && p.duration_minutes > 0 && !cal.tutors.empty())
      s.add(i < marks.duration_lines.size() ? marks.duration_lines[i] : 0,
            detail::index("products", i < marks.file_index.size() ? marks.file_index[i] : i) + ".duration_minutes",
            "no tutor accepts " + std::to_string(p.duration_minutes) +
                "-minute lessons: add it to durations_minutes in " + calendar_file);
  }
}

// A tutor without a calendar of its own uses the default one, which must then exist.
void check_calendars(const config& c, const detail::sink& s) {
  const auto& g = c.service.providers.google;
  if (!g.enabled || !g.default_calendar_id.empty()) return;
  for (std::size_t i = 0; i < c.calendar.tutors.size(); ++i)
    if (c.calendar.tutors[i].calendar_id.empty())
      s.add(0, detail::index("tutors", i) + ".calendar_id",
            "is empty and no default is set: set calendar_id, GCAL_CALENDAR_ID or "
            "providers.google.default_calendar_id");
}

}  // namespace

std::variant<config, std::vector<problem>> load_config(const std::string& dir,
                                                       const environment& env) {
  config c;
  c.dir = dir;
  std::vector<problem> problems;
  const auto path = [&](const char* name) { return dir.empty() ? std::string(name) : dir + "/" + name; };

  const detail::sink service{path("tutorbot.yaml"), &problems};
  detail::service_marks service_marks;
  const auto service_root = parse_file(service);
  if (service_root) detail::read_service(*service_root, service, c.service, service_marks);
  detail::apply_environment(env, problems, c.service);
  // After a broken tutorbot.yaml, "X is not set" would only be noise.
  if (service_root) detail::check_service(c.service, service_marks, service);

  const detail::sink calendar{path("calendar_config.yaml"), &problems};
  const auto calendar_root = parse_file(calendar);
  if (calendar_root) detail::read_calendar(*calendar_root, calendar, c.calendar);

  const detail::sink payment{path("payment_config.yaml"), &problems};
  detail::payment_marks payment_marks;
  const auto payment_root = parse_file(payment);
  if (payment_root) detail::read_payments(*payment_root, payment, c.payments, payment_marks);

  if (calendar_root && payment_root)
    check_durations(c.calendar, c.payments, payment_marks, payment, calendar.file);
  if (calendar_root) check_calendars(c, calendar);

  if (!problems.empty()) return problems;
  return c;
}

}  // namespace tutorbot::config
