// A Stripe webhook as the route sees it: the Stripe-Signature header and the body, cut at
// the first NUL of the input. The verdict never throws, a signature made with the secret is
// valid for any body, and any body maps to an event or a parse error.
#include <chrono>

#include "net/stripe_json.hpp"
#include "net/stripe_signature.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const auto cut = text.find('\0');
  const auto header = cut == std::string_view::npos ? std::string_view{} : text.substr(0, cut);
  const auto body = cut == std::string_view::npos ? text : text.substr(cut + 1);
  const std::vector<std::string> secrets{"whsec_fuzz_one", "whsec_fuzz_two"};
  const std::chrono::sys_seconds now{std::chrono::seconds{1'780'000'000}};

  net::verify_stripe_signature(header, body, secrets, now);
  const auto signed_header = net::stripe_signature_header(body, secrets[1], now);
  fuzz::check(net::verify_stripe_signature(signed_header, body, secrets, now) == net::signature_verdict::valid,
              "our own signature over any body is valid", signed_header);

  const auto parsed = net::parse_stripe_event(body);
  if (const auto* event = std::get_if<net::stripe_event>(&parsed))
    fuzz::check(!event->id.empty() && !event->type.empty(), "a parsed event has an id and a type", body);
  net::stripe_json::parse_checkout_session(body);
  net::stripe_json::parse_refund(body);
  net::stripe_json::parse_event_page(body);
  return 0;
}
