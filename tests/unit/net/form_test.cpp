#include <boost/test/unit_test.hpp>

#include "net/form.hpp"

using namespace tutorbot::net;

BOOST_AUTO_TEST_SUITE(form)

BOOST_AUTO_TEST_CASE(stripe_nested_keys_are_encoded_like_any_text) {
  form_fields fields = {{"line_items[0][price_data][unit_amount]", "4500"},
                        {"metadata[note]", "Wiskunde & natuurkunde, 16:00"}};
  BOOST_TEST(encode_form(fields) ==
             "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=4500&"
             "metadata%5Bnote%5D=Wiskunde%20%26%20natuurkunde%2C%2016%3A00");
}

BOOST_AUTO_TEST_CASE(parse_inverts_encode_including_utf8_and_plus) {
  form_fields fields = {{"a[b]", "café ✓"}, {"empty", ""}, {"x", "1+1=2"}};
  BOOST_CHECK(parse_form(encode_form(fields)) == fields);
  auto plus = parse_form("name=Anouk+de+Vries&flag");
  BOOST_TEST(*find_field(plus, "name") == "Anouk de Vries");
  BOOST_TEST(*find_field(plus, "flag") == "");
  BOOST_TEST(find_field(plus, "missing") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
