#define BOOST_TEST_MODULE unit_chat
#include <boost/test/unit_test.hpp>
