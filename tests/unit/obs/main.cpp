#define BOOST_TEST_MODULE unit_obs
#include <boost/test/unit_test.hpp>
