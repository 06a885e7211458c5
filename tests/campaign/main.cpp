#define BOOST_TEST_MODULE e2e_campaign
#include <boost/test/unit_test.hpp>
