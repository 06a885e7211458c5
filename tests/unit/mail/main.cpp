#define BOOST_TEST_MODULE unit_mail
#include <boost/test/unit_test.hpp>
