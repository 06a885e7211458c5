#include "app/chat_render.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace tutorbot::app::chat {

namespace json = boost::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Letters and digits, any non-ASCII byte counted as a letter: a marker next to "é" is part
// of a word, as it is next to "e".
bool is_word(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

const char* style_on(char marker) { return marker == '*' ? "\x1b[1m" : marker == '_' ? "\x1b[3m" : "\x1b[9m"; }
const char* style_off(char marker) { return marker == '*' ? "\x1b[22m" : marker == '_' ? "\x1b[23m" : "\x1b[29m"; }

// "3. text" → {3, "text"}.
std::optional<std::pair<int, std::string_view>> numbered_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && is_digit(line[i])) ++i;
  if (i == 0 || i >= line.size() || line[i] != '.') return std::nullopt;
  auto rest = line.substr(i + 1);
  if (rest.empty() || !is_space(rest.front())) return std::nullopt;
  rest = trim(rest);
  if (rest.empty()) return std::nullopt;
  return std::pair{std::stoi(std::string(line.substr(0, i))), rest};
}

// Where the trailing numbered options begin (index into lines), or nullopt.
std::optional<std::size_t> options_start(const std::vector<std::string_view>& lines, std::size_t end) {
  std::size_t first = end;
  while (first > 0 && numbered_line(lines[first - 1])) --first;
  if (first == end) return std::nullopt;
  for (std::size_t k = first; k < end; ++k)
    if (numbered_line(lines[k])->first != static_cast<int>(k - first + 1)) return std::nullopt;
  return first;
}

std::size_t without_trailing_blank_lines(const std::vector<std::string_view>& lines, std::size_t end) {
  while (end > 0 && trim(lines[end - 1]).empty()) --end;
  return end;
}

std::string text_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::optional<transcript_line> parse_line(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  transcript_line line;
  const auto* id = o.if_contains("id");
  if (!id || !id->is_int64()) return std::nullopt;
  line.id = id->as_int64();
  line.from = text_field(o, "from");
  line.content = text_field(o, "content");
  line.content_type = text_field(o, "content_type");
  line.error = text_field(o, "error");
  if (const auto* options = o.if_contains("options"); options && options->is_array())
    for (const auto& item : options->as_array())
      if (item.is_string()) line.options.emplace_back(item.as_string());
  return line;
}

}  // namespace

std::optional<transcript> parse_transcript(std::string_view json_text) {
  boost::system::error_code ec;
  auto value = json::parse(json_text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.as_object();
  transcript t;
  const auto* id = o.if_contains("conversation_id");
  const auto* messages = o.if_contains("messages");
  if (!id || !id->is_int64() || !messages || !messages->is_array()) return std::nullopt;
  t.conversation_id = id->as_int64();
  t.status = text_field(o, "status");
  for (const auto& m : messages->as_array()) {
    auto line = parse_line(m);
    if (!line) return std::nullopt;
    t.messages.push_back(std::move(*line));
  }
  if (const auto* undelivered = o.if_contains("undelivered"); undelivered && undelivered->is_array())
    for (const auto& m : undelivered->as_array())
      if (auto line = parse_line(m)) t.undelivered.push_back(std::move(*line));
  return t;
}

std::string render_inline(std::string_view s, bool ansi) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.substr(i, 3) == "```") {
      const auto close = s.find("```", i + 3);
      if (close != std::string_view::npos && close > i + 3) {
        out += s.substr(i + 3, close - i - 3);
        i = close + 3;
        continue;
      }
    }
    const char c = s[i];
    if ((c == '*' || c == '_' || c == '~') && (i == 0 || !is_word(s[i - 1])) && i + 1 < s.size() &&
        !is_space(s[i + 1]) && s[i + 1] != c) {
      std::size_t close = std::string_view::npos;
      for (std::size_t j = i + 2; j < s.size() && s[j] != '\n'; ++j) {
        if (s[j] == c && !is_space(s[j - 1]) && (j + 1 == s.size() || !is_word(s[j + 1]))) {
          close = j;
          break;
        }
      }
      if (close != std::string_view::npos) {
        if (ansi) out += style_on(c);
        out += render_inline(s.substr(i + 1, close - i - 1), ansi);
        if (ansi) out += style_off(c);
        i = close + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

std::vector<std::string> numbered_options(std::string_view text) {
  const auto lines = split_lines(text);
  const auto end = without_trailing_blank_lines(lines, lines.size());
  const auto first = options_start(lines, end);
  std::vector<std::string> out;
  if (!first) return out;
  for (std::size_t k = *first; k < end; ++k) out.emplace_back(numbered_line(lines[k])->second);
  return out;
}

rendered_message render_message(const transcript_line& line, bool ansi) {
  rendered_message r;
  auto lines = split_lines(line.content);
  auto end = without_trailing_blank_lines(lines, lines.size());
  if (!line.options.empty()) {
    r.choices = line.options;
  } else if (auto first = options_start(lines, end)) {
    for (std::size_t k = *first; k < end; ++k) r.choices.emplace_back(numbered_line(lines[k])->second);
    end = without_trailing_blank_lines(lines, *first);
  }
  lines.resize(end);

  const std::string sender = line.from == "student" ? "you" : line.from.empty() ? "bot" : line.from;
  const std::string indent(sender.size() + 2, ' ');
  if (ansi) {
    const char* color = line.from == "student" ? "\x1b[2m" : line.from == "agent" ? "\x1b[35m" : "\x1b[36m";
    const char* reset = line.from == "student" ? "\x1b[22m" : "\x1b[39m";
    r.text = std::string(color) + sender + ":" + reset + " ";
  } else {
    r.text = sender + ": ";
  }
  if (lines.empty()) lines.emplace_back();
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::string_view l = lines[k];
    std::string shown;
    if (l.size() >= 2 && (l[0] == '-' || l[0] == '*') && l[1] == ' ')
      shown = "\u2022 " + render_inline(l.substr(2), ansi);
    else
      shown = render_inline(l, ansi);
    if (k == 0 && shown.empty()) r.text.pop_back();  // no trailing space after "bot:"
    if (k > 0 && !shown.empty()) r.text += indent;
    r.text += shown;
    r.text += '\n';
  }
  for (std::size_t k = 0; k < r.choices.size(); ++k)
    r.text += "  [" + std::to_string(k + 1) + "] " + render_inline(r.choices[k], ansi) + "\n";
  return r;
}

std::optional<std::string> pick_choice(const std::vector<std::string>& choices, std::string_view typed) {
  const auto t = trim(typed);
  if (t.empty() || t.size() > 3) return std::nullopt;
  for (char c : t)
    if (!is_digit(c)) return std::nullopt;
  const auto n = static_cast<std::size_t>(std::stoi(std::string(t)));
  if (n < 1 || n > choices.size()) return std::nullopt;
  return choices[n - 1];
}

std::optional<checkout_link> find_checkout_link(std::string_view text) {
  constexpr std::string_view marker = "/checkout/cs_";
  auto pos = text.rfind(marker);
  while (pos != std::string_view::npos) {
    const auto id_start = pos + std::string_view("/checkout/").size();
    auto id_end = id_start;
    while (id_end < text.size() && (is_word(text[id_end]) || text[id_end] == '_') &&
           static_cast<unsigned char>(text[id_end]) < 0x80)
      ++id_end;
    if (id_end - id_start > 3) {
      auto url_start = pos;
      while (url_start > 0 && !is_space(text[url_start - 1]) && text[url_start - 1] != '(' &&
             text[url_start - 1] != '<' && text[url_start - 1] != '"')
        --url_start;
      return checkout_link{std::string(text.substr(url_start, id_end - url_start)),
                           std::string(text.substr(id_start, id_end - id_start))};
    }
    if (pos == 0) break;
    pos = text.rfind(marker, pos - 1);
  }
  return std::nullopt;
}

command parse_command(std::string_view typed) {
  const auto t = trim(typed);
  if (t.empty() || t.front() != '/') return command::none;
  std::string word(t.substr(0, t.find_first_of(" \t")));
  for (auto& c : word)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (word == "/quit" || word == "/exit" || word == "/q") return command::quit;
  if (word == "/help" || word == "/?") return command::help;
  if (word == "/pay") return command::pay;
  if (word == "/fail") return command::fail;
  if (word == "/expire") return command::expire;
  return command::unknown;
}

std::string describe_checkout_outcome(std::string_view action, int status, std::string_view json_text) {
  boost::system::error_code ec;
  auto value = json::parse(json_text, ec);
  const json::object* body = !ec && value.is_object() ? &value.as_object() : nullptr;
  if (status < 200 || status >= 300) {
    std::string message;
    if (body)
      if (const auto* error = body->if_contains("error"); error && error->is_object())
        message = text_field(error->as_object(), "message");
    return "payment page: " + std::string(action) + " refused (HTTP " + std::to_string(status) + ")" +
           (message.empty() ? std::string{} : ": " + message);
  }
  if (!body) return "payment page: HTTP " + std::to_string(status) + ", not the Checkout Session's JSON";
  const auto session = text_field(*body, "status");
  const auto payment = text_field(*body, "payment_status");
  if (session == "complete" && payment == "paid") return "payment page: paid — the Checkout Session is complete";
  if (session == "expired") return "payment page: the Checkout Session expired";
  if (session == "open" && action == "fail")
    return "payment page: card declined — the Checkout Session stays open (/pay tries again)";
  return "payment page: the Checkout Session is " + session + ", payment " + payment;
}

}  // namespace tutorbot::app::chat
