#define BOOST_TEST_MODULE integration_api
#include <boost/test/unit_test.hpp>
