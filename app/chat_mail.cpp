#include "app/chat_mail.hpp"

#include <cctype>
#include <vector>

#include "mail/header_words.hpp"

namespace tutorbot::app::chat {

namespace {

// The header section with folded lines joined (RFC 5322 §2.2.3).
std::vector<std::string> header_lines(std::string_view message) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < message.size()) {
    auto end = message.find('\n', at);
    if (end == std::string_view::npos) end = message.size();
    std::string line{message.substr(at, end - at)};
    if (!line.empty() && line.back() == '\r') line.pop_back();
    at = end + 1;
    if (line.empty()) break;  // the body starts
    if ((line[0] == ' ' || line[0] == '\t') && !lines.empty()) lines.back() += line;
    else lines.push_back(std::move(line));
  }
  return lines;
}

std::optional<std::string> header(const std::vector<std::string>& lines, std::string_view name) {
  for (const auto& line : lines) {
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (!same) continue;
    auto value = line.substr(name.size() + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<mail_summary> summarize_mail(std::string_view message) {
  const auto lines = header_lines(message);
  const auto to = header(lines, "To");
  const auto subject = header(lines, "Subject");
  if (!to || !subject) return std::nullopt;
  mail_summary out;
  // "Name <a@x>, Name <b@y>": the addresses alone, in order.
  for (std::size_t open = to->find('<'); open != std::string::npos; open = to->find('<', open + 1)) {
    const auto close = to->find('>', open);
    if (close == std::string::npos) break;
    out.to += (out.to.empty() ? "" : ", ") + to->substr(open + 1, close - open - 1);
  }
  if (out.to.empty()) out.to = *to;
  out.subject = mail::decode_header_words(*subject);
  out.has_invite = message.find("filename=invite.ics") != std::string_view::npos ||
                   message.find("filename=\"invite.ics\"") != std::string_view::npos;
  return out;
}

}  // namespace tutorbot::app::chat
