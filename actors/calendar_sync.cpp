#include "actors/calendar_sync.hpp"

#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "actors/blocking_call.hpp"
#include "db/booking_students.hpp"
#include "db/bookings.hpp"
#include "net/base32hex.hpp"
#include "net/google_calendar.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace {

std::optional<std::string> booking_id_of(const std::string& payload) {
  boost::system::error_code ec;
  auto value = boost::json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto* id = value.as_object().if_contains("booking_id");
  if (!id || !id->is_string()) return std::nullopt;
  return std::string(id->as_string());
}

// Google's refusals that no retry will change (a bad calendar id, no access) are given up
// at once; everything else is worth another attempt later.
outbox_outcome failed(const std::string& what, const net::google_error& e) {
  std::string why = what + ": " + std::string(net::to_string(e.kind)) + " " + std::to_string(e.http_status) + " " +
                    e.reason + " " + e.message;
  using kind = net::google_error_kind;
  if (e.kind == kind::invalid || e.kind == kind::conflict || (e.kind == kind::not_found && what != "delete"))
    return outbox_outcome::give_up(why);
  return outbox_outcome::retry(why);
}

class calendar_sync {
 public:
  calendar_sync(net::google_calendar_client& google, calendar_sync_settings settings)
      : google_(google), settings_(std::move(settings)) {}

  outbox_outcome operator()(const db::outbox_item& item, db::connection& conn) {
    auto id = booking_id_of(item.payload);
    if (!id) return outbox_outcome::give_up("payload has no booking_id");
    auto found = db::find_booking_with_student(conn, domain::booking_id{*id});
    if (!found) return outbox_outcome::give_up("booking " + *id + " does not exist");
    const auto& booking = found->booking;
    auto event_id = net::event_id_for_booking(*id);
    if (!event_id) return outbox_outcome::give_up("booking id " + *id + " is not a uuid");
    const std::string calendar = calendar_of(booking.tutor);

    if (booking.status != domain::booking_status::confirmed) {
      // Held bookings never had an event; cancelled and expired ones must not have one.
      if (booking.status == domain::booking_status::held) return outbox_outcome::done();
      return remove(calendar, *event_id);
    }

    auto inserted = wait_for_result<net::event_result>(settings_.call_timeout, [&](auto done) {
      google_.insert_event(calendar, spec_for(*found, *event_id), updates(), std::move(done));
    });
    if (!inserted) return outbox_outcome::retry("insert: no answer in time");
    if (auto* e = std::get_if<net::google_error>(&*inserted)) return failed("insert", *e);
    auto event = std::get<net::calendar_event>(*inserted);

    // After a lost answer or a reschedule the existing event may show the old times.
    if (event.start != booking.lesson_start || event.end != booking.lesson_end) {
      auto patched = wait_for_result<net::event_result>(settings_.call_timeout, [&](auto done) {
        google_.patch_event(calendar, event.id, {booking.lesson_start, booking.lesson_end, std::nullopt}, updates(),
                            std::move(done));
      });
      if (!patched) return outbox_outcome::retry("patch: no answer in time");
      if (auto* e = std::get_if<net::google_error>(&*patched)) return failed("patch", *e);
      obs::log_info("calendar_event_moved", {{"booking_id", *id}, {"event_id", event.id}});
    }
    if (booking.calendar_event_id != event.id) db::set_calendar_event(conn, booking.id, event.id);

    auto now = db::find_booking(conn, booking.id);
    if (now && now->status != domain::booking_status::confirmed) return remove(calendar, event.id);
    obs::log_info("calendar_event_synced", {{"booking_id", *id}, {"event_id", event.id}, {"calendar", calendar}});
    return outbox_outcome::done();
  }

 private:
  outbox_outcome remove(const std::string& calendar, const std::string& event_id) {
    auto deleted = wait_for_result<net::delete_result>(settings_.call_timeout, [&](auto done) {
      google_.delete_event(calendar, event_id, updates(), std::move(done));
    });
    if (!deleted) return outbox_outcome::retry("delete: no answer in time");
    if (auto* e = std::get_if<net::google_error>(&*deleted)) return failed("delete", *e);
    obs::log_info("calendar_event_removed", {{"event_id", event_id}, {"calendar", calendar}});
    return outbox_outcome::done();
  }

  std::string calendar_of(const domain::tutor_id& tutor) const {
    if (settings_.calendar)
      if (const auto* rules = settings_.calendar->find_tutor(tutor.value); rules && !rules->calendar_id.empty())
        return rules->calendar_id;
    return settings_.default_calendar_id;
  }

  net::send_updates updates() const { return settings_.send_invites ? net::send_updates::all : net::send_updates::none; }

  std::string conversation_link(const domain::booking& b) const {
    const auto conversation = domain::conversation_of_student_ref(b.student_ref);
    if (settings_.conversation_link_base.empty() || !conversation) return {};
    return settings_.conversation_link_base + std::to_string(*conversation);
  }

  net::calendar_event_spec spec_for(const db::booking_with_student& found, const std::string& event_id) const {
    const auto& b = found.booking;
    net::calendar_event_spec spec;
    spec.id = event_id;
    domain::invite_sources sources;
    if (settings_.catalog) sources.lesson_product = settings_.catalog->find_product(b.product_id);
    if (settings_.calendar) sources.tutor = settings_.calendar->find_tutor(b.tutor.value);
    auto text = domain::tutor_event_for(b, found.student, sources, conversation_link(b));
    spec.summary = std::move(text.summary);
    spec.description = std::move(text.description);
    spec.start = b.lesson_start;
    spec.end = b.lesson_end;
    if (settings_.calendar && !settings_.calendar->timezone.empty()) spec.time_zone = settings_.calendar->timezone;
    spec.reminder_minutes = {24 * 60, 60};
    // Google invites them only with sendUpdates=all (send_invites); the client leaves them out otherwise.
    if (settings_.send_invites)
      for (const auto& attendee : domain::attendees_of(found.student)) spec.attendees.push_back(attendee.email);
    spec.private_properties = {{"booking_id", b.id.value}, {"tutor_id", b.tutor.value}};
    return spec;
  }

  net::google_calendar_client& google_;
  calendar_sync_settings settings_;
};

}  // namespace

outbox_handler make_calendar_sync(net::google_calendar_client& google, calendar_sync_settings settings) {
  auto sync = std::make_shared<calendar_sync>(google, std::move(settings));
  return [sync](const db::outbox_item& item, db::connection& conn) { return (*sync)(item, conn); };
}

}  // namespace tutorbot::actors
