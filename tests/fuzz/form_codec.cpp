// The form codec (Stripe requests, OAuth, query strings): any bytes parse, and what is
// parsed survives encoding and parsing again unchanged.
#include "net/form.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = net::parse_form(fuzz::as_text(data, size));
  const auto encoded = net::encode_form(fields);
  for (unsigned char c : encoded)
    fuzz::check(c > 0x20 && c < 0x7f && c != '+', "an encoded form is printable ASCII without '+' or spaces", encoded);
  fuzz::check(net::parse_form(encoded) == fields, "parse_form(encode_form(fields)) == fields", encoded);
  return 0;
}
