// A Chatwoot webhook as the route sees it: X-Chatwoot-Signature, X-Chatwoot-Timestamp and
// the body, cut at the input's first two NULs. The signature check never throws and
// accepts our own signature over any body; any body maps to an event or a parse error; a
// student's message is stored so that decoding gives back its text without NULs (jsonb).
#include <algorithm>
#include <chrono>

#include "actors/conversation_codec.hpp"
#include "net/chatwoot_json.hpp"
#include "net/chatwoot_signature.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  std::string_view signature, timestamp;
  if (const auto first = text.find('\0'); first != std::string_view::npos) {
    if (const auto second = text.find('\0', first + 1); second != std::string_view::npos) {
      signature = text.substr(0, first);
      timestamp = text.substr(first + 1, second - first - 1);
      text = text.substr(second + 1);
    }
  }
  const auto body = text;
  const std::string secret = "chatwoot_fuzz_secret";
  const std::chrono::sys_seconds now{std::chrono::seconds{1'780'000'000}};

  net::verify_chatwoot_signature(signature, timestamp, body, secret, now);
  const auto ours = net::chatwoot_signature_header(body, secret, now);
  fuzz::check(net::verify_chatwoot_signature(ours, std::to_string(now.time_since_epoch().count()), body, secret, now) ==
                  net::chatwoot_signature_verdict::valid,
              "our own signature over any body is valid", ours);

  auto parsed = net::parse_chatwoot_webhook(body);
  const auto* event = std::get_if<net::chatwoot_event>(&parsed);
  if (!event || !net::is_from_student(*event) || !event->message) return 0;

  const auto& message = *event->message;
  const db::conversation_event stored{1, 1, std::string(db::conversation_event_kind::message),
                                      actors::student_message_payload(message, 7), 0};
  fuzz::check(stored.payload.find("\\u0000") == std::string::npos, "a stored message holds no NUL", stored.payload);
  const auto decoded = actors::decode(stored);
  fuzz::check(decoded.incoming && decoded.account_id == 7 &&
                  (message.id == 0 ? !decoded.message_id : decoded.message_id == message.id),
              "a student's message decodes as incoming, with its id and account", stored.payload);
  if (!message.content.empty() && message.content.find_first_not_of('\0') != std::string::npos) {
    auto without_nul = message.content;
    std::erase(without_nul, '\0');
    const auto* said = decoded.event ? std::get_if<domain::text_received>(&*decoded.event) : nullptr;
    fuzz::check(said && said->text == without_nul, "a student's text decodes as it was written, without NULs",
                stored.payload);
  }
  return 0;
}
