#define BOOST_TEST_MODULE unit_app
#include <boost/test/unit_test.hpp>
