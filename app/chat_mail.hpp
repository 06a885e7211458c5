#pragma once
// What the chat shows of an e-mail the sandbox's SMTP server stored: to whom, its subject,
// and whether it carries the invite. Pure: the text of the stored message in, a summary out.
#include <optional>
#include <string>
#include <string_view>

namespace tutorbot::app::chat {

struct mail_summary {
  std::string to;       // the addresses alone: "sanne@example.nl", several joined by ", "
  std::string subject;  // decoded (RFC 2047)
  bool has_invite = false;
};

// nullopt when the text has no header section with a To and a Subject.
std::optional<mail_summary> summarize_mail(std::string_view message);

}  // namespace tutorbot::app::chat
