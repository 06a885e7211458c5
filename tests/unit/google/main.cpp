#define BOOST_TEST_MODULE unit_google
#include <boost/test/unit_test.hpp>
