#include <filesystem>
#include <fstream>
#include <regex>

#include <boost/test/unit_test.hpp>

#include "tests/support/process.hpp"

using namespace tutorbot;
namespace fs = std::filesystem;

namespace {

const std::string binary = TUTORBOT_BINARY_DIR "/tutorbot";

// A copy of the shipped configuration in a directory of its own.
fs::path copy_of_sample_config(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("tutorbot-e2e-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& f : fs::directory_iterator(TUTORBOT_SOURCE_DIR "/config")) {
    if (f.path().extension() == ".yaml") fs::copy_file(f.path(), dir / f.path().filename());
  }
  return dir;
}

// Replaces the first occurrence of `from` in a file and returns its 1-based line number.
int replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pos = text.find(from);
  BOOST_REQUIRE_MESSAGE(pos != std::string::npos, "sample no longer contains: " + from);
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
  text.replace(pos, from.size(), to);
  std::ofstream(file) << text;
  return line;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(check_config)

BOOST_AUTO_TEST_CASE(the_shipped_configuration_is_valid) {
  auto r = testing::run_command({binary, "check-config", "--config", TUTORBOT_SOURCE_DIR "/config"},
                                testing::sandbox_environment());
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("configuration is valid") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_broken_copy_exits_2_naming_file_line_and_key) {
  auto dir = copy_of_sample_config("broken");
  int typo_line = replace_in_file(dir / "tutorbot.yaml", "  log_level: info", "  log_levl: info");
  int zone_line = replace_in_file(dir / "calendar_config.yaml", "Europe/Amsterdam", "Europe/Amsterdm");
  auto r = testing::run_command({binary, "check-config", "--config", dir.string()},
                                testing::sandbox_environment());
  BOOST_TEST(r.exit_code == 2);
  auto typo = (dir / "tutorbot.yaml").string() + ":" + std::to_string(typo_line) + ": service.log_levl: ";
  auto zone = (dir / "calendar_config.yaml").string() + ":" + std::to_string(zone_line) + ": timezone: ";
  BOOST_TEST(r.output.find(typo) != std::string::npos, r.output);
  BOOST_TEST(r.output.find(zone) != std::string::npos, r.output);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_missing_secret_is_named_and_its_siblings_never_printed) {
  auto env = testing::sandbox_environment();
  env["STRIPE_SECRET_KEY"] = "";
  env["CHATWOOT_API_TOKEN"] = "very-secret-chatwoot-token";
  env["TUTORBOT_LISTEN"] = "not-an-address";
  auto r = testing::run_command({binary, "check-config", "--config", TUTORBOT_SOURCE_DIR "/config"}, env);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("STRIPE_SECRET_KEY is not set") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("TUTORBOT_LISTEN") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("very-secret-chatwoot-token") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(serve_refuses_to_start_on_the_same_problems) {
  auto dir = copy_of_sample_config("serve_broken");
  replace_in_file(dir / "tutorbot.yaml", "  log_level: info", "  log_levl: info");
  auto r = testing::run_command({binary, "serve", "--config", dir.string()}, testing::sandbox_environment());
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("service.log_levl") != std::string::npos, r.output);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_unknown_command_is_a_usage_error) {
  auto r = testing::run_command({binary, "frobnicate"}, {});
  BOOST_TEST(r.exit_code == 64);
  BOOST_TEST(r.output.find("usage: tutorbot") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
