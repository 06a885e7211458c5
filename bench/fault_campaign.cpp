// The long fault campaign (issue 12): two tutorbot instances, students booking and paying,
// and a nemesis drawing faults at random until it has caused --faults of them; then the
// checker. Prints progress and one summary line; exit 0 only when the history is clean.
//   scripts/with_test_pg.sh build/bench/fault_campaign --faults 200 --students 3 [--seed N]
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "tests/support/campaign/fault_campaign.hpp"

int main(int argc, char** argv) {
  tutorbot::testing::campaign_options options;
  options.binary = TUTORBOT_BINARY_DIR "/tutorbot";
  options.config_dir = TUTORBOT_SOURCE_DIR "/tests/config";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--faults")) options.faults = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--students")) options.students = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed")) options.seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    else {
      std::cerr << "usage: fault_campaign [--faults N] [--students N] [--seed N]\n";
      return 2;
    }
  }
  options.log = [](const std::string& line) { std::cerr << "campaign: " << line << std::endl; };
  try {
    auto report = tutorbot::testing::run_fault_campaign(options);
    for (const auto& reason : report.set_aside) std::cerr << "set aside for staff: " << reason << "\n";
    for (const auto& p : report.problems) std::cerr << "problem: " << p << "\n";
    std::cout << report.summary() << std::endl;
    return report.clean() && report.problems.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "fault_campaign: " << e.what() << "\n";
    return 1;
  }
}
