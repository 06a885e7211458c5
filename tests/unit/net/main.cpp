#define BOOST_TEST_MODULE unit_net
#include <boost/test/unit_test.hpp>
