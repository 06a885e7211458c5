#define BOOST_TEST_MODULE unit_sandbox
#include <boost/test/unit_test.hpp>
