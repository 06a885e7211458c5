#include "tests/support/pg.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

#include <pqxx/pqxx>

namespace tutorbot::testing {

std::string admin_database_url() {
  const char* url = std::getenv("TUTORBOT_TEST_DATABASE_URL");
  if (!url || !*url) {
    throw std::runtime_error(
        "TUTORBOT_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh");
  }
  return url;
}

std::string fresh_database(const std::string& purpose) {
  static std::atomic<int> counter{0};
  auto admin = admin_database_url();
  std::string name = "t_" + purpose + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  pqxx::connection c(admin);
  pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + name);
  pqxx::nontransaction(c).exec("CREATE DATABASE " + name);
  auto slash = admin.rfind('/');
  return admin.substr(0, slash + 1) + name;
}

void run_env_command(const char* variable) {
  const char* command = std::getenv(variable);
  if (!command || !*command) {
    throw std::runtime_error(std::string(variable) + " is not set: run the tests through scripts/test.sh");
  }
  if (std::system(command) != 0) throw std::runtime_error(std::string("failed: ") + command);
}

}  // namespace tutorbot::testing
