#pragma once
// LISTEN for the booking_changed notifications that schema/018's trigger sends, so that a
// booking made by another instance reaches this instance's tutor calendars at once.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "domain/booking.hpp"

namespace tutorbot::db {

class booking_listener {
 public:
  explicit booking_listener(std::string url);
  ~booking_listener();
  booking_listener(const booking_listener&) = delete;
  booking_listener& operator=(const booking_listener&) = delete;

  // Waits up to `wait` for notifications and returns the bookings they describe (timing,
  // status and student_ref only). Throws unavailable when the connection is gone; the next call
  // reconnects and LISTENs again — the caller then reloads, since notifications sent
  // meanwhile are lost.
  std::vector<domain::booking> poll(std::chrono::milliseconds wait);
  // True once after every (re)connection.
  bool reconnected();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads one notification payload; nullopt when it is not one of ours.
std::optional<domain::booking> parse_booking_notification(const std::string& payload);

}  // namespace tutorbot::db
