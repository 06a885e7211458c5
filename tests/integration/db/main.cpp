#define BOOST_TEST_MODULE integration_db
#include <boost/test/unit_test.hpp>
