#define BOOST_TEST_MODULE e2e_service
#include <boost/test/unit_test.hpp>
