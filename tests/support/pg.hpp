#pragma once
// Databases for integration tests: each test gets its own, made from the throwaway server
// that scripts/test.sh starts (TUTORBOT_TEST_DATABASE_URL).
#include <string>

namespace tutorbot::testing {

// The admin URL; fails the test with a clear message when the variable is not set.
std::string admin_database_url();

// Creates an empty database with a unique name and returns its URL.
std::string fresh_database(const std::string& purpose);

// Runs the command held by an environment variable (TUTORBOT_TEST_PG_RESTART, …).
void run_env_command(const char* variable);

}  // namespace tutorbot::testing
