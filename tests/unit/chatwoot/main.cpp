#define BOOST_TEST_MODULE unit_chatwoot
#include <boost/test/unit_test.hpp>
