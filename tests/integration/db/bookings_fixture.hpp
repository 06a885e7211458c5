#pragma once
// A fresh database with two tutors (anouk, daan) and a way to make holds: what the booking
// and outbox tests start from.
#include <pqxx/pqxx>

#include "db/bookings.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "domain/instant.hpp"
#include "tests/support/pg.hpp"

namespace tutorbot::testing {

using std::chrono::minutes;
using std::chrono::sys_seconds;

inline sys_seconds at(const char* utc) { return domain::parse_rfc3339(utc).value(); }

// The schema, and two tutors (anouk, daan) to book with.
inline void migrate_with_two_tutors(db::connection& conn) {
  db::migrate(conn, db::bundled_migrations());
  domain::tutor_rules anouk;
  anouk.id = "anouk";
  anouk.name = "Anouk";
  domain::tutor_rules daan;
  daan.id = "daan";
  daan.name = "Daan";
  db::upsert_tutors(conn, {anouk, daan});
}

struct bookings_db {
  bookings_db() : url(fresh_database("bookings")), conn(url) { migrate_with_two_tutors(conn); }

  // A hold with buffers of 10 min before and 5 after, as the sample configuration has.
  db::new_hold hold(const char* tutor, const char* start_utc, int duration = 60, const char* expires = "2030-01-01T00:00:00Z") {
    auto start = at(start_utc);
    auto end = start + minutes{duration};
    return db::new_hold{domain::tutor_id{tutor}, "ref", start, end, start - minutes{10}, end + minutes{5},
                        at(expires), "lesson-60", domain::cents{4500}};
  }

  long scalar(const std::string& sql) {
    pqxx::connection c(url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
  }

  std::string url;
  db::connection conn;
};

}  // namespace tutorbot::testing
