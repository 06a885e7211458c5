#define BOOST_TEST_MODULE unit_stripe
#include <boost/test/unit_test.hpp>
