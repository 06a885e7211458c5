#include <thread>

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "db/migrations.hpp"
#include "tests/support/pg.hpp"

using namespace tutorbot;

namespace {

std::vector<db::migration> with_extra(std::vector<db::migration> extra) {
  auto all = db::bundled_migrations();
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

long count(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations)

BOOST_AUTO_TEST_CASE(bundled_migrations_apply_once_and_are_then_current) {
  auto url = testing::fresh_database("migr_once");
  db::connection conn(url);
  auto first = db::migrate(conn, db::bundled_migrations());
  BOOST_TEST(first.size() == db::bundled_migrations().size());
  auto second = db::migrate(conn, db::bundled_migrations());
  BOOST_TEST(second.empty());
  BOOST_TEST(static_cast<int>(db::check_schema(conn, db::bundled_migrations())) ==
             static_cast<int>(db::schema_status::current));
  BOOST_TEST(count(url, "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'") == 1);
}

BOOST_AUTO_TEST_CASE(a_new_migration_makes_the_schema_behind_until_applied) {
  auto url = testing::fresh_database("migr_behind");
  db::connection conn(url);
  db::migrate(conn, db::bundled_migrations());
  auto newer = with_extra({{"901_add_table", "CREATE TABLE t901 (id int)"}});
  BOOST_TEST(static_cast<int>(db::check_schema(conn, newer)) == static_cast<int>(db::schema_status::behind));
  BOOST_TEST(db::migrate(conn, newer) == std::vector<std::string>{"901_add_table"});
  BOOST_TEST(static_cast<int>(db::check_schema(conn, newer)) == static_cast<int>(db::schema_status::current));
}

BOOST_AUTO_TEST_CASE(an_edited_applied_migration_is_refused_and_nothing_runs) {
  auto url = testing::fresh_database("migr_edit");
  db::connection conn(url);
  db::migrate(conn, with_extra({{"901_add_table", "CREATE TABLE t901 (id int)"}}));
  auto edited = with_extra({{"901_add_table", "CREATE TABLE t901 (id bigint)"},
                            {"902_later", "CREATE TABLE t902 (id int)"}});
  BOOST_CHECK_EXCEPTION(db::migrate(conn, edited), db::migration_error, [](const auto& e) {
    return std::string(e.what()).find("901_add_table was changed") != std::string::npos;
  });
  BOOST_TEST(count(url, "SELECT count(*) FROM pg_tables WHERE tablename = 't902'") == 0);
  BOOST_TEST(static_cast<int>(db::check_schema(conn, edited)) == static_cast<int>(db::schema_status::diverged));
}

BOOST_AUTO_TEST_CASE(a_migration_unknown_to_this_build_is_refused) {
  auto url = testing::fresh_database("migr_unknown");
  db::connection conn(url);
  db::migrate(conn, with_extra({{"901_add_table", "CREATE TABLE t901 (id int)"}}));
  BOOST_CHECK_THROW(db::migrate(conn, db::bundled_migrations()), db::migration_error);
  BOOST_TEST(static_cast<int>(db::check_schema(conn, db::bundled_migrations())) ==
             static_cast<int>(db::schema_status::diverged));
}

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_no_trace) {
  auto url = testing::fresh_database("migr_fail");
  db::connection conn(url);
  auto broken = with_extra({{"901_half", "CREATE TABLE t901 (id int); SELECT no_such_function();"}});
  BOOST_CHECK_THROW(db::migrate(conn, broken), db::migration_error);
  BOOST_TEST(count(url, "SELECT count(*) FROM pg_tables WHERE tablename = 't901'") == 0);
  BOOST_TEST(count(url, "SELECT count(*) FROM schema_migrations WHERE name = '901_half'") == 0);
}

BOOST_AUTO_TEST_CASE(two_runners_at_once_apply_each_migration_exactly_once) {
  auto url = testing::fresh_database("migr_race");
  // A slow migration keeps the first runner inside the lock while the second arrives.
  auto list = with_extra({{"901_slow", "SELECT pg_sleep(0.5); CREATE TABLE t901 (id int)"},
                          {"902_counter", "CREATE TABLE t902 (id int); INSERT INTO t902 VALUES (1)"}});
  std::vector<std::string> applied_a, applied_b;
  std::thread a([&] {
    db::connection conn(url);
    applied_a = db::migrate(conn, list);
  });
  std::thread b([&] {
    db::connection conn(url);
    applied_b = db::migrate(conn, list);
  });
  a.join();
  b.join();
  BOOST_TEST(applied_a.size() + applied_b.size() == list.size());
  BOOST_TEST(count(url, "SELECT count(*) FROM t902") == 1);
  BOOST_TEST(count(url, "SELECT count(*) FROM schema_migrations") == static_cast<long>(list.size()));
}

BOOST_AUTO_TEST_SUITE_END()
