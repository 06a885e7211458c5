// The CI-sized fault campaign (issue 12): every kind of fault once (kills twice) against two
// instances while students book and pay; the long run is build/bench/fault_campaign.
//
// TUTORBOT_CAMPAIGN_SEED=<n> draws the same faults, gaps and student choices as a run that
// printed that seed; the timing between instances is the machine's, so a race found once
// may need a few runs to show again.
#include <cstdlib>
#include <string>

#include <boost/test/unit_test.hpp>

#include "tests/support/campaign/fault_campaign.hpp"

using namespace tutorbot;

BOOST_AUTO_TEST_SUITE(fault_campaign)

BOOST_AUTO_TEST_CASE(under_every_kind_of_fault_money_messages_and_bookings_stay_exactly_once) {
  testing::campaign_options options;
  options.binary = TUTORBOT_BINARY_DIR "/tutorbot";
  options.config_dir = TUTORBOT_SOURCE_DIR "/tests/config";
  options.schedule = testing::every_fault_kind();
  options.students = 2;
  if (const char* seed = std::getenv("TUTORBOT_CAMPAIGN_SEED"); seed && *seed)
    options.seed = static_cast<unsigned>(std::stoul(seed));
  options.log = [](const std::string& line) { BOOST_TEST_MESSAGE("campaign: " << line); };
  auto report = testing::run_fault_campaign(options);
  BOOST_TEST_MESSAGE(report.summary());
  for (const auto& reason : report.set_aside) BOOST_TEST_MESSAGE("set aside for staff: " << reason);
  std::string problems;
  for (const auto& p : report.problems) problems += "\n  " + p;
  BOOST_TEST(report.clean(), report.summary() << problems);
  BOOST_TEST(report.problems.empty(), problems);
  BOOST_TEST(report.kills == 2);
  BOOST_TEST(report.pauses == 1);
  BOOST_TEST(report.pg_restarts == 1);
  BOOST_TEST(report.journeys >= 2);
  BOOST_TEST(report.messages >= 20);
}

BOOST_AUTO_TEST_SUITE_END()
