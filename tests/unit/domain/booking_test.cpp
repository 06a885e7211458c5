#include <boost/test/unit_test.hpp>

#include "domain/booking.hpp"

using namespace tutorbot::domain;

BOOST_AUTO_TEST_SUITE(booking_refs)

BOOST_AUTO_TEST_CASE(a_chat_bookings_reference_names_its_conversation_and_no_other_does) {
  BOOST_TEST(chat_student_ref(95536123) == "chatwoot:95536123");
  BOOST_TEST(conversation_of_student_ref("chatwoot:95536123").value_or(0) == 95536123);
  BOOST_TEST(!conversation_of_student_ref("crm-4711"));
  BOOST_TEST(!conversation_of_student_ref("chatwoot:"));
  BOOST_TEST(!conversation_of_student_ref("chatwoot:12x"));
}

BOOST_AUTO_TEST_SUITE_END()
