#include "mail/smtp_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include <date/date.h>

#include "mail/header_words.hpp"

namespace tutorbot::mail {

namespace {

struct easy_free {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct mime_free {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct slist_free {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using slist_ptr = std::unique_ptr<curl_slist, slist_free>;

void append(slist_ptr& list, const std::string& line) { list.reset(curl_slist_append(list.release(), line.c_str())); }

// "Name <address>"; the name quoted (RFC 5322 §3.2.4) or encoded (RFC 2047).
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// An address that could end its header line or its SMTP command early, or is not one address.
bool unsafe_address(const std::string& address) {
  return address.empty() || std::any_of(address.begin(), address.end(), [](char c) {
           return is_control(c) || c == ' ' || c == '<' || c == '>' || c == ',' || c == '"';
         });
}

std::string address_header(const mail_address& a) {
  if (a.name.empty()) return a.address;
  // A typed name may hold a line break: it must not start a header of its own.
  std::string plain = a.name;
  std::replace_if(plain.begin(), plain.end(), is_control, ' ');
  std::string name = encoded_header_word(plain);
  if (name == plain) {  // plain ASCII: quoted instead
    name = "\"";
    for (char c : plain) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  }
  return name + " <" + a.address + ">";
}

std::string rfc5322_date(std::chrono::sys_seconds t) { return date::format("%a, %d %b %Y %H:%M:%S +0000", t); }

// Text for people in quoted-printable; the invite in base64, so that its CRLF line ends
// (RFC 5545 §3.1) reach the calendar byte for byte.
void text_part(curl_mime* mime, const std::string& text, const char* type, const char* encoding = "quoted-printable") {
  curl_mimepart* part = curl_mime_addpart(mime);
  curl_mime_data(part, text.data(), text.size());
  curl_mime_type(part, type);
  curl_mime_encoder(part, encoding);
}

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

smtp_outcome send_mail(const smtp_options& options, const mail_message& message) {
  if (message.to.empty()) return {smtp_verdict::refused, "no recipient"};
  if (unsafe_address(message.from.address)) return {smtp_verdict::refused, "not a single plain address: sender"};
  for (const auto& to : message.to)
    if (unsafe_address(to.address)) return {smtp_verdict::refused, "not a single plain address: recipient"};
  ensure_curl_initialized();
  std::unique_ptr<CURL, easy_free> curl{curl_easy_init()};
  if (!curl) return {smtp_verdict::try_again, "curl_easy_init failed"};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min<long long>(10, options.timeout.count())));
  if (!options.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  // smtps:// is TLS from the first byte. On smtp:// STARTTLS is taken when offered, and
  // demanded when a password would otherwise cross the network in the clear.
  curl_easy_setopt(c, CURLOPT_USE_SSL, options.user.empty() ? CURLUSESSL_TRY : CURLUSESSL_ALL);

  const std::string sender = "<" + message.from.address + ">";
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, sender.c_str());
  slist_ptr recipients;
  std::string to_header;
  for (const auto& to : message.to) {
    append(recipients, "<" + to.address + ">");
    to_header += (to_header.empty() ? "" : ", ") + address_header(to);
  }
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());

  slist_ptr headers;
  append(headers, "Date: " + rfc5322_date(message.date));
  append(headers, "From: " + address_header(message.from));
  append(headers, "To: " + to_header);
  if (message.reply_to) append(headers, "Reply-To: " + *message.reply_to);
  append(headers, "Message-ID: " + message.message_id);
  append(headers, "Subject: " + encoded_header_word(message.subject));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, mime_free> mixed{curl_mime_init(c)};
  curl_mime* alternative = curl_mime_init(c);  // owned by its part once attached
  text_part(alternative, message.text, "text/plain; charset=utf-8");
  text_part(alternative, message.html, "text/html; charset=utf-8");
  if (message.calendar)
    text_part(alternative, message.calendar->text, message.calendar->content_type.c_str(), "base64");
  curl_mimepart* body = curl_mime_addpart(mixed.get());
  curl_mime_subparts(body, alternative);
  curl_mime_type(body, "multipart/alternative");
  slist_ptr inline_disposition;
  append(inline_disposition, "Content-Disposition: inline");
  curl_mime_headers(body, inline_disposition.release(), 1);
  if (message.calendar) {
    curl_mimepart* attachment = curl_mime_addpart(mixed.get());
    curl_mime_data(attachment, message.calendar->text.data(), message.calendar->text.size());
    curl_mime_type(attachment, "application/ics");
    curl_mime_filename(attachment, "invite.ics");
    curl_mime_encoder(attachment, "base64");
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mixed.get());

  const CURLcode result = curl_easy_perform(c);
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string detail = std::string{curl_easy_strerror(result)} + " (last reply " + std::to_string(reply) + ")";
  if (result == CURLE_OK) return {smtp_verdict::sent, detail};
  if (reply >= 500 && reply < 600) return {smtp_verdict::refused, detail};
  return {smtp_verdict::try_again, detail};
}

}  // namespace tutorbot::mail
