#define BOOST_TEST_MODULE unit_domain
#include <boost/test/unit_test.hpp>
