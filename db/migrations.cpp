#include "db/migrations.hpp"

#include <algorithm>
#include <map>

#include <openssl/evp.h>

#include "db/pq.hpp"

namespace tutorbot::db {

namespace {

// Any constant works as long as every instance uses the same one.
constexpr long long migration_lock_key = 7386112019;

std::map<std::string, std::string> applied_checksums(pqxx::transaction_base& tx) {
  std::map<std::string, std::string> applied;
  auto exists = tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists[0].as<bool>()) return applied;
  for (const auto& row : tx.exec("SELECT name, checksum FROM schema_migrations")) {
    applied[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  return applied;
}

// Throws migration_error when the database and the files disagree.
void verify(const std::map<std::string, std::string>& applied,
            const std::vector<migration>& migrations) {
  for (const auto& [name, sum] : applied) {
    auto known = std::find_if(migrations.begin(), migrations.end(),
                              [&](const migration& m) { return m.name == name; });
    if (known == migrations.end()) {
      throw migration_error("the database has migration " + name +
                            " which this build does not know; run a newer tutorbot");
    }
    if (checksum(*known) != sum) {
      throw migration_error("migration " + name +
                            " was changed after it was applied; applied migrations are never "
                            "edited: add a new one instead");
    }
  }
}

class advisory_lock {
 public:
  explicit advisory_lock(pqxx::connection& c) : c_(c) {
    pqxx::nontransaction(c_).exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
  }
  ~advisory_lock() {
    try {
      pqxx::nontransaction(c_).exec("SELECT pg_advisory_unlock(" +
                                    std::to_string(migration_lock_key) + ")");
    } catch (const std::exception&) {
      // The session lock ends with the connection anyway.
    }
  }

 private:
  pqxx::connection& c_;
};

}  // namespace

std::string checksum(const migration& m) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(m.sql.data(), m.sql.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

std::vector<std::string> migrate(connection& conn, const std::vector<migration>& migrations) {
  try {
    auto& c = raw(conn);
    advisory_lock lock(c);
    std::map<std::string, std::string> applied;
    {
      pqxx::read_transaction tx(c);
      applied = applied_checksums(tx);
    }
    verify(applied, migrations);
    std::vector<std::string> done;
    for (const auto& m : migrations) {
      if (applied.count(m.name)) continue;
      pqxx::work tx(c);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", m.name,
                     checksum(m));
      tx.commit();
      done.push_back(m.name);
    }
    return done;
  } catch (const pqxx::broken_connection&) {
    conn.mark_broken();
    throw unavailable("the database connection was lost during migration");
  } catch (const pqxx::sql_error& e) {
    throw migration_error(std::string("migration failed: ") + e.what());
  }
}

schema_status check_schema(connection& conn, const std::vector<migration>& migrations) {
  auto applied = transact(conn, [](pqxx::work& tx) { return applied_checksums(tx); });
  try {
    verify(applied, migrations);
  } catch (const migration_error&) {
    return schema_status::diverged;
  }
  return applied.size() == migrations.size() ? schema_status::current : schema_status::behind;
}

}  // namespace tutorbot::db
