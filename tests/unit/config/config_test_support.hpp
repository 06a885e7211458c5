#pragma once
// Helpers for the config tests: a throwaway config folder and a fake environment.

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <variant>

#include "config/loader.hpp"

namespace tutorbot::config::test {

namespace fs = std::filesystem;

inline const std::string fixtures = TUTORBOT_SOURCE_DIR "/tests/unit/config/fixtures";

// Minimal valid files, with every provider disabled; tests replace one of them.
inline const char* minimal_service = R"(database:
  url: postgresql:///tutorbot
)";

inline const char* minimal_calendar = R"(timezone: Europe/Amsterdam
defaults:
  slot_step_minutes: 15
  durations_minutes: [60]
tutors:
  - id: anouk
    name: Anouk de Vries
    hours:
      mon: ["15:00-21:00"]
)";

inline const char* minimal_payment = R"(currency: EUR
products:
  - id: lesson-60
    kind: lesson
    name_nl: Bijles
    name_en: Lesson
    duration_minutes: 60
    price: 45.00
)";

// A fresh folder under the system temp dir holding the three minimal files.
class temp_config {
 public:
  temp_config() {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("tutorbot-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("tutorbot.yaml", minimal_service);
    write("calendar_config.yaml", minimal_calendar);
    write("payment_config.yaml", minimal_payment);
  }
  ~temp_config() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  temp_config(const temp_config&) = delete;
  temp_config& operator=(const temp_config&) = delete;

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string dir() const { return dir_.string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

using env_map = std::map<std::string, std::string, std::less<>>;

inline environment fake_env(env_map vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

// Every secret the shipped sample config needs, with recognisable fake values.
inline env_map all_secrets() {
  return {{"STRIPE_SECRET_KEY", "sk_test_SECRETVALUE1"},
          {"STRIPE_WEBHOOK_SECRET", "whsec_SECRETVALUE2"},
          {"GCAL_SERVICE_ACCOUNT_JSON", fixtures + "/service_account.json"},
          {"CHATWOOT_API_TOKEN", "cw_SECRETVALUE3"},
          {"CHATWOOT_WEBHOOK_TOKEN", "cwhook_SECRETVALUE4"},
          {"CHATWOOT_SIGNING_SECRET", "cwsign_SECRETVALUE5"},
          {"TUTORBOT_API_TOKEN", "api_SECRETVALUE5"}};
}

inline std::vector<problem> problems_of(const std::variant<config, std::vector<problem>>& r) {
  if (const auto* p = std::get_if<std::vector<problem>>(&r)) return *p;
  return {};
}

inline std::string dump(const std::vector<problem>& ps) {
  std::string out;
  for (const auto& p : ps) out += "\n  " + to_string(p);
  return out;
}

// Exactly one problem, with this file, line, key, and a reason containing `reason`.
inline void expect_only_problem(const std::variant<config, std::vector<problem>>& r,
                                const std::string& file, int line, const std::string& key,
                                const std::string& reason) {
  const auto ps = problems_of(r);
  BOOST_TEST_INFO("problems:" << dump(ps));
  BOOST_REQUIRE_EQUAL(ps.size(), 1u);
  BOOST_TEST(ps[0].file == file);
  BOOST_TEST(ps[0].line == line);
  BOOST_TEST(ps[0].key == key);
  BOOST_TEST(ps[0].reason.find(reason) != std::string::npos, "reason: " << ps[0].reason);
}

inline const config& valid(const std::variant<config, std::vector<problem>>& r) {
  BOOST_TEST_INFO("problems:" << dump(problems_of(r)));
  BOOST_REQUIRE(std::holds_alternative<config>(r));
  return std::get<config>(r);
}

}  // namespace tutorbot::config::test
