#include <boost/test/unit_test.hpp>

#include "domain/receipt_mail.hpp"
#include "domain/texts.hpp"
#include "tests/unit/domain/amsterdam.hpp"

using namespace tutorbot::domain;
using tutorbot::domain::test::amsterdam;
using tutorbot::domain::test::local;

namespace {

receipt package_of_four() {
  receipt r;
  r.reference = "5f0c2a7e-1b7d-4c55-9a43-0d7b4f1e2a90";
  r.lines = {{"Pakket 4 lessen", 1, cents{17000}}, {"Boek <Wiskunde B>", 2, cents{2420}}};
  r.total = cents{19420};
  r.vat = cents{420};
  r.paid_at = local(2027, 3, 29, 0, 30);  // just after midnight in Amsterdam, still Sunday in UTC
  r.payer_name = "Sanne";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(receipt_mail)

BOOST_AUTO_TEST_CASE(a_receipt_lists_what_was_paid_the_total_and_the_vat_in_it) {
  const auto mail = receipt_mail_for(package_of_four(), "Bijlesschool & Co", amsterdam());
  BOOST_TEST(mail.subject == "Betaalbewijs Bijlesschool & Co: " + format_money(language::nl, cents{19420}));
  BOOST_TEST(mail.text.find("Hoi Sanne,\n\nWe hebben je betaling van " + format_money(language::nl, cents{19420}) +
                            " ontvangen op maandag 29 maart 2027.") == 0u,
             mail.text);
  BOOST_TEST(mail.text.find("1 × Pakket 4 lessen: " + format_money(language::nl, cents{17000}) + "\n2 × Boek <Wiskunde B>: " +
                            format_money(language::nl, cents{2420})) != std::string::npos,
             mail.text);
  BOOST_TEST(mail.text.find("Waarvan btw: " + format_money(language::nl, cents{420})) != std::string::npos, mail.text);
  BOOST_TEST(mail.text.find("5f0c2a7e-1b7d-4c55-9a43-0d7b4f1e2a90") != std::string::npos, mail.text);
  BOOST_TEST(mail.html.find("Boek &lt;Wiskunde B&gt;") != std::string::npos, mail.html);
}

BOOST_AUTO_TEST_CASE(an_exempt_payment_names_no_vat_and_english_is_english) {
  auto r = package_of_four();
  r.vat = cents{0};
  r.lang = language::en;
  r.payer_name.clear();
  const auto mail = receipt_mail_for(r, "Bijlesschool", amsterdam());
  BOOST_TEST(mail.subject == "Receipt from Bijlesschool: " + format_money(language::en, cents{19420}));
  BOOST_TEST(mail.text.find("Hi,\n\nWe received your payment of") == 0u, mail.text);
  BOOST_TEST(mail.text.find("Monday 29 March 2027") != std::string::npos, mail.text);
  BOOST_TEST(mail.text.find("VAT") == std::string::npos, mail.text);
}

BOOST_AUTO_TEST_SUITE_END()
