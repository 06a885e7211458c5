// The dialogue's intake: prefill from the contact, confirm in one step, change one field,
// ask what is missing, then hand the answers to staff (contact attributes, private note).
#include <algorithm>

#include "domain/dialogue_machine.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain::detail {

namespace {
constexpr std::size_t max_user_text = 200;  // code points kept of a typed intake answer

constexpr msg field_label_msgs[intake_field_count] = {
    msg::field_student_name, msg::field_writer, msg::field_level,         msg::field_subject,
    msg::field_goals,        msg::field_email,  msg::field_student_email};
constexpr msg field_word_msgs[intake_field_count] = {
    msg::words_field_student_name, msg::words_field_writer, msg::words_field_level,
    msg::words_field_subject,      msg::words_field_goals,  msg::words_field_email,
    msg::words_field_student_email};
constexpr msg field_question_msgs[intake_field_count] = {
    msg::ask_student_name, msg::ask_writer, msg::ask_level,        msg::ask_subject,
    msg::ask_goals,        msg::ask_email,  msg::ask_student_email};

bool is_address_field(intake_field f) { return f == intake_field::email || f == intake_field::student_email; }
}  // namespace

std::string trimmed(std::string_view text) {
  const auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = text.find_last_not_of(" \t\r\n");
  return shorten_with_ellipsis(text.substr(b, e - b + 1), max_user_text);
}

bool plausible_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
    return false;
  if (e.find_first_of(" ,;<>\"") != std::string_view::npos) return false;
  // A line break would end a mail header early: no control characters at all.
  if (std::any_of(e.begin(), e.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return false;
  const auto domain = e.substr(at + 1);
  const auto dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 2 <= domain.size();
}

// ---- intake ------------------------------------------------------------------------------

// The student's own address matters only when a parent writes: a student's is `email`.
bool machine::field_applies(intake_field f) const {
  return f != intake_field::student_email ||
         s.intake.fields[static_cast<std::size_t>(intake_field::writer)] == std::optional<std::string>{"parent"};
}

std::vector<intake_field> machine::applicable_fields() const {
  std::vector<intake_field> out;
  for (std::size_t i = 0; i < intake_field_count; ++i)
    if (field_applies(static_cast<intake_field>(i))) out.push_back(static_cast<intake_field>(i));
  return out;
}

std::vector<std::string> machine::field_labels() const {
  std::vector<std::string> labels;
  for (auto f : applicable_fields()) labels.push_back(t(field_label_msgs[static_cast<std::size_t>(f)]));
  return labels;
}

std::optional<intake_field> machine::parse_field(std::string_view folded) const {
  const auto fields = applicable_fields();
  if (const auto i = choice(field_labels(), folded)) return fields[*i];
  for (auto f : fields)
    if (is_word(field_word_msgs[static_cast<std::size_t>(f)], folded)) return f;
  return std::nullopt;
}

std::string machine::field_value_text(intake_field f) const {
  const auto& v = s.intake.fields[static_cast<std::size_t>(f)];
  if (!v) return {};
  if (f == intake_field::writer) return t(*v == "parent" ? msg::writer_parent : msg::writer_student);
  if (f == intake_field::student_email && v->empty()) return t(msg::no_own_email);
  if (is_address_field(f)) return *v;  // shown as is: a person may copy it
  return neutralize(*v);
}

void machine::begin_intake() {
  if (s.intake.done) {
    after_intake();
    return;
  }
  auto prefill = [&](intake_field f, const std::optional<std::string>& value) {
    auto& slot = s.intake.fields[static_cast<std::size_t>(f)];
    if (!slot && value && !trimmed(*value).empty()) slot = trimmed(*value);
  };
  auto attribute = [&](const char* key) -> std::optional<std::string> {
    const auto it = ctx.contact.attributes.find(key);
    if (it == ctx.contact.attributes.end()) return std::nullopt;
    return it->second;
  };
  if (auto w = attribute("writer"); w && (*w == "student" || *w == "parent"))
    prefill(intake_field::writer, w);
  prefill(intake_field::student_name, attribute("student_name"));
  // WhatsApp's profile name is the writer's: a parent's is not the student's.
  if (attribute("writer") != std::optional<std::string>{"parent"}) prefill(intake_field::student_name, ctx.contact.name);
  prefill(intake_field::level, attribute("level"));
  prefill(intake_field::subject, attribute("subject"));
  prefill(intake_field::goals, attribute("goals"));
  if (ctx.contact.email && plausible_email(*ctx.contact.email)) prefill(intake_field::email, ctx.contact.email);
  // Kept even when empty: "no own address" was an answer, not a gap; but only a parent's.
  if (auto own = attribute("student_email");
      own && attribute("writer") == std::optional<std::string>{"parent"} && (own->empty() || plausible_email(trimmed(*own))))
    if (auto& slot = s.intake.fields[static_cast<std::size_t>(intake_field::student_email)]; !slot)
      slot = trimmed(*own);

  const bool any_known = std::any_of(s.intake.fields.begin(), s.intake.fields.end(),
                                     [](const auto& f) { return f.has_value(); });
  if (any_known) show_intake_confirm();
  else ask_next_missing();
}

void machine::show_intake_confirm() {
  std::vector<std::string> lines;
  for (auto f : applicable_fields()) {
    const auto i = static_cast<std::size_t>(f);
    if (s.intake.fields[i]) lines.push_back(t(field_label_msgs[i]) + ": " + field_value_text(f));
  }
  s.phase = dialogue_phase::intake_confirm;
  ask(t(msg::intake_known, {{"fields", bulleted_list(lines)}}), {t(msg::opt_yes), t(msg::opt_change)});
}

void machine::ask_field(intake_field f) {
  s.phase = dialogue_phase::intake_ask;
  s.asking = f;
  const auto& student = s.intake.fields[static_cast<std::size_t>(intake_field::student_name)];
  const std::string question =
      t(field_question_msgs[static_cast<std::size_t>(f)], {{"student", student ? neutralize(*student) : ""}});
  if (f == intake_field::writer) ask(question, {t(msg::writer_student), t(msg::writer_parent)});
  else if (f == intake_field::student_email) ask(question, {t(msg::opt_no_own_email)});
  else ask(question);
}

void machine::ask_next_missing() {
  for (auto f : applicable_fields()) {
    if (!s.intake.fields[static_cast<std::size_t>(f)]) {
      ask_field(f);
      return;
    }
  }
  complete_intake();
}

void machine::complete_intake() {
  s.intake.done = true;
  s.asking.reset();
  set_contact_attributes attributes;
  std::vector<std::string> note_lines;
  for (std::size_t i = 0; i < intake_field_count; ++i) {
    const auto f = static_cast<intake_field>(i);
    if (!field_applies(f)) continue;
    attributes.attributes[std::string{to_string(f)}] = *s.intake.fields[i];
    // The note is for staff: always in the school's language.
    std::string value = is_address_field(f) ? *s.intake.fields[i] : neutralize(*s.intake.fields[i]);
    if (f == intake_field::writer)
      value = render_text(language::nl, value == "parent" ? msg::writer_parent : msg::writer_student);
    if (f == intake_field::student_email && value.empty()) value = render_text(language::nl, msg::no_own_email);
    note_lines.push_back(render_text(language::nl, field_label_msgs[i]) + ": " + value);
  }
  out.emplace_back(std::move(attributes));
  out.emplace_back(private_note{render_text(language::nl, msg::note_intake_title) + "\n" +
                                bulleted_list(note_lines)});
  after_intake();
}

// Who writes decides what the other answers mean: the WhatsApp profile name is a parent's own,
// not the student's, and a second address belongs only to a parent's answers.
void machine::on_writer_changed(const std::string& writer) {
  auto& name = s.intake.fields[static_cast<std::size_t>(intake_field::student_name)];
  if (writer == "parent" && name && ctx.contact.name && *name == trimmed(*ctx.contact.name) &&
      ctx.contact.attributes.find("student_name") == ctx.contact.attributes.end())
    name.reset();
  s.intake.fields[static_cast<std::size_t>(intake_field::student_email)].reset();
}

bool machine::on_intake_text(const std::string& text, const std::string& folded) {
  if (s.phase == dialogue_phase::intake_confirm) {
    if (const auto i = choice({t(msg::opt_yes), t(msg::opt_change)}, text)) {
      if (*i == 0) ask_next_missing();
      else { s.phase = dialogue_phase::intake_pick; ask(t(msg::ask_which_field), field_labels()); }
      return true;
    }
    if (is_word(msg::words_yes, folded)) {
      ask_next_missing();
      return true;
    }
    // "wijzig e-mail" / "change email"; "wijzig" alone asks which.
    const auto space = folded.find(' ');
    if (is_word(msg::words_change, folded.substr(0, space))) {
      if (space == std::string::npos) {
        s.phase = dialogue_phase::intake_pick;
        ask(t(msg::ask_which_field), field_labels());
        return true;
      }
      if (const auto f = parse_field(std::string_view{folded}.substr(space + 1))) {
        ask_field(*f);
        return true;
      }
    }
    return false;
  }
  if (s.phase == dialogue_phase::intake_pick) {
    if (const auto f = parse_field(folded)) {
      ask_field(*f);
      return true;
    }
    if (const auto i = choice(field_labels(), text)) {
      ask_field(applicable_fields()[*i]);
      return true;
    }
    return false;
  }
  // intake_ask
  if (!s.asking) return false;
  auto& value = s.intake.fields[static_cast<std::size_t>(*s.asking)];
  if (*s.asking == intake_field::writer) {
    const auto i = choice({t(msg::writer_student), t(msg::writer_parent)}, text);
    std::string writer;
    if ((i && *i == 0) || is_word(msg::words_student, folded)) writer = "student";
    else if ((i && *i == 1) || is_word(msg::words_parent, folded)) writer = "parent";
    else return false;
    if (value != writer) on_writer_changed(writer);
    value = writer;
  } else if (*s.asking == intake_field::student_email &&
             (choice({t(msg::opt_no_own_email)}, text) || is_word(msg::words_no, folded))) {
    value = "";
  } else if (is_address_field(*s.asking)) {
    const std::string e = trimmed(text);
    if (!plausible_email(e)) {
      ask(t(msg::invalid_email));
      return true;
    }
    value = e;
  } else {
    const std::string v = trimmed(text);
    if (v.empty()) return false;
    value = v;
  }
  ask_next_missing();
  return true;
}

}  // namespace tutorbot::domain::detail
