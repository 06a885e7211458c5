#pragma once
// Numbered SQL migrations from schema/, bundled into the binary at build time so that a
// deployed tutorbot always carries exactly the schema it was built for.
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace tutorbot::db {

struct migration {
  std::string name;  // "001_init": the file name without .sql
  std::string sql;
};

// schema/*.sql of this build, in order.
const std::vector<migration>& bundled_migrations();

std::string checksum(const migration& m);  // SHA-256 of the SQL text, hex

// The database and the files disagree: an applied file was edited, or the database has a
// migration this build does not know. Nothing is applied then.
class migration_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the pending migrations in order, each in its own transaction, recording name and
// checksum. Holds a PostgreSQL advisory lock throughout, so instances starting together
// apply each migration once. Returns the names applied now.
std::vector<std::string> migrate(connection& conn, const std::vector<migration>& migrations);

enum class schema_status { current, behind, diverged };
schema_status check_schema(connection& conn, const std::vector<migration>& migrations);

}  // namespace tutorbot::db
