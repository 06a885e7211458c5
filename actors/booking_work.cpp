#include "actors/booking_work.hpp"

#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace tutorbot::actors {

std::optional<booking_work> booking_work_of(const std::string& payload) {
  boost::system::error_code ec;
  auto value = boost::json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto* id = value.as_object().if_contains("booking_id");
  const auto* sequence = value.as_object().if_contains("sequence");
  if (!id || !id->is_string() || !sequence || !sequence->is_int64()) return std::nullopt;
  const auto n = sequence->as_int64();
  if (n < 0 || n > std::numeric_limits<int>::max()) return std::nullopt;
  return booking_work{std::string(id->as_string()), static_cast<int>(n)};
}

std::variant<booking_work_found, outbox_outcome> find_work_booking(const db::outbox_item& item, db::connection& conn) {
  auto work = booking_work_of(item.payload);
  if (!work) return outbox_outcome::give_up("payload has no booking_id and sequence");
  auto found = db::find_booking_with_student(conn, domain::booking_id{work->booking_id});
  if (!found) return outbox_outcome::give_up("booking " + work->booking_id + " does not exist");
  return booking_work_found{std::move(*work), std::move(*found)};
}

}  // namespace tutorbot::actors
