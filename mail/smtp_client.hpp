#pragma once
// Sends one e-mail through the school's SMTP server (libcurl: implicit TLS for smtps://,
// STARTTLS for smtp://, required whenever a password would go over the line), blocking:
// only outbox workers call it. The outcome says whether another attempt can help.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tutorbot::mail {

struct smtp_options {
  std::string url;       // smtps://smtp.example.nl:465 or smtp://smtp.example.nl:587
  std::string user;      // empty: no AUTH
  std::string password;
  std::chrono::seconds timeout{30};
};

struct mail_address {
  std::string name;  // may be empty
  std::string address;
};

// A calendar invite travels twice (RFC 6047 §2.4): as the text/calendar alternative that mail
// programs show with accept buttons, and as invite.ics for those that only show attachments.
struct calendar_part {
  std::string content_type;  // "text/calendar; charset=utf-8; method=REQUEST"
  std::string text;
};

struct mail_message {
  mail_address from;
  std::optional<std::string> reply_to;
  std::vector<mail_address> to;  // at least one
  std::string subject;
  std::string message_id;  // "<…@…>": the same for every attempt, so receivers can drop a repeat
  std::chrono::sys_seconds date;
  std::string text;        // text/plain
  std::string html;        // text/html
  std::optional<calendar_part> calendar;
};

enum class smtp_verdict { sent, try_again, refused };

struct smtp_outcome {
  smtp_verdict verdict = smtp_verdict::try_again;
  std::string detail;  // curl's error and the server's last reply code; no secrets
};

// refused: the server answered 5xx (a bad address, a refused sender, bad credentials), or an
// address is not one plain address (a line break, a space, several in one): the same message
// will be refused again. try_again: 4xx, no connection, TLS or time-out. Line breaks in a
// display name become spaces.
smtp_outcome send_mail(const smtp_options& options, const mail_message& message);

}  // namespace tutorbot::mail
