#pragma once
#include <vector>

#include "db/connection.hpp"
#include "domain/calendar_rules.hpp"

namespace tutorbot::db {

// Makes the tutors table match calendar_config.yaml: inserts and updates the configured
// tutors and marks the others inactive (their bookings stay, for history and reports).
void upsert_tutors(connection& conn, const std::vector<domain::tutor_rules>& tutors);

}  // namespace tutorbot::db
