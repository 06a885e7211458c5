#pragma once
// A test whose outcome cannot depend on the date: its time goes into retries and timeouts,
// and the dates it passes through are covered by other tests. scripts/test-dates.sh skips it
// (BOOST_TEST_RUN_FILTERS='!@date_free'), which keeps the run under ten minutes.
#include <boost/test/unit_test.hpp>

namespace tutorbot::testing {

inline const boost::unit_test::decorator::label date_free("date_free");

}  // namespace tutorbot::testing
