#include "mail/icalendar.hpp"

#include <libical/ical.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <ctime>

namespace tutorbot::mail {

namespace {

struct component_free {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using component_ptr = std::unique_ptr<icalcomponent, component_free>;

icaltimetype utc_time(std::chrono::sys_seconds t) {
  return icaltime_from_timet_with_zone(static_cast<std::time_t>(t.time_since_epoch().count()), 0,
                                       icaltimezone_get_utc_timezone());
}

// libical's own zone table carries the whole history of the zone under a TZID with its
// vendor prefix; the invite needs only the rules from the lesson on, under the IANA name
// that DTSTART refers to.
struct zone_for_invite {
  icaltimezone* zone = nullptr;
  component_ptr vtimezone;
};

zone_for_invite load_zone(const std::string& name, std::chrono::sys_seconds from) {
  // libical fills its zone table lazily and shares it between threads.
  static std::mutex table;
  std::lock_guard lock{table};
  icaltimezone* zone = icaltimezone_get_builtin_timezone(name.c_str());
  if (!zone) throw std::invalid_argument("libical does not know the time zone " + name);
  component_ptr vtimezone{icalcomponent_new_clone(icaltimezone_get_component(zone))};
  icaltimezone_truncate_vtimezone(vtimezone.get(), utc_time(from), icaltime_null_time(), 1);
  icalproperty* tzid = icalcomponent_get_first_property(vtimezone.get(), ICAL_TZID_PROPERTY);
  icalproperty_set_tzid(tzid, name.c_str());
  return {zone, std::move(vtimezone)};
}

// DTSTART;TZID=Europe/Amsterdam:20270325T160000 — the local wall time, named by its zone.
icalproperty* local_time_property(icalproperty* property, icaltimezone* zone, const std::string& zone_name,
                                  std::chrono::sys_seconds t) {
  icaltimetype local = icaltime_from_timet_with_zone(static_cast<std::time_t>(t.time_since_epoch().count()), 0, zone);
  local.zone = nullptr;  // written as given; the TZID parameter names the zone
  icalproperty_set_value(property, icalvalue_new_datetime(local));
  icalproperty_add_parameter(property, icalparameter_new_tzid(zone_name.c_str()));
  return property;
}

icalproperty* party_property(icalproperty* property, const domain::invite_party& party) {
  if (!party.name.empty()) icalproperty_add_parameter(property, icalparameter_new_cn(party.name.c_str()));
  return property;
}

icalproperty_method method_of(domain::invite_method m) {
  switch (m) {
    case domain::invite_method::request: return ICAL_METHOD_REQUEST;
    case domain::invite_method::cancel: return ICAL_METHOD_CANCEL;
    case domain::invite_method::publish: break;
  }
  return ICAL_METHOD_PUBLISH;
}

}  // namespace

std::string to_icalendar(const domain::invite& invite) {
  auto zone = load_zone(invite.time_zone, invite.start);
  component_ptr calendar{icalcomponent_new(ICAL_VCALENDAR_COMPONENT)};
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//tutorbot//bookings//EN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_method(method_of(invite.method)));
  icalcomponent_add_component(calendar.get(), zone.vtimezone.release());

  icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(event, icalproperty_new_uid(invite.uid.c_str()));
  icalcomponent_add_property(event, icalproperty_new_sequence(invite.sequence));
  icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_time(invite.stamp)));
  icalcomponent_add_property(
      event, local_time_property(icalproperty_new(ICAL_DTSTART_PROPERTY), zone.zone, invite.time_zone, invite.start));
  icalcomponent_add_property(
      event, local_time_property(icalproperty_new(ICAL_DTEND_PROPERTY), zone.zone, invite.time_zone, invite.end));
  icalcomponent_add_property(event, icalproperty_new_summary(invite.summary.c_str()));
  if (!invite.description.empty())
    icalcomponent_add_property(event, icalproperty_new_description(invite.description.c_str()));
  if (!invite.location.empty()) icalcomponent_add_property(event, icalproperty_new_location(invite.location.c_str()));
  icalcomponent_add_property(event,
                             icalproperty_new_status(invite.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
  if (invite.organizer)
    icalcomponent_add_property(
        event, party_property(icalproperty_new_organizer(("mailto:" + invite.organizer->email).c_str()), *invite.organizer));
  for (const auto& attendee : invite.attendees) {
    icalproperty* p = party_property(icalproperty_new_attendee(("mailto:" + attendee.email).c_str()), attendee);
    icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
    icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
    icalproperty_add_parameter(p, icalparameter_new_rsvp(invite.method == domain::invite_method::request
                                                             ? ICAL_RSVP_TRUE
                                                             : ICAL_RSVP_FALSE));
    icalcomponent_add_property(event, p);
  }
  icalcomponent_add_component(calendar.get(), event);

  char* text = icalcomponent_as_ical_string_r(calendar.get());
  std::string out{text};
  icalmemory_free_buffer(text);
  return out;
}

std::string icalendar_content_type(const domain::invite& invite) {
  return "text/calendar; charset=utf-8; method=" + std::string{domain::to_string(invite.method)};
}

}  // namespace tutorbot::mail
