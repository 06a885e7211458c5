#!/usr/bin/python3
"""Reads an iCalendar invite with the python3-icalendar parser (written by others, not by us)
and prints what a calendar would take from it, as one JSON object: the tests compare that
with what the booking says. The start and end are also computed from the invite's own
VTIMEZONE, so a wrong zone rule shows even where the parser knows the zone by name."""
import datetime
import json
import sys

import icalendar


def utc(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_of(vtimezone):
    """The VTIMEZONE as a tzinfo. RFC 5545 (3.3.10) wants a rule's UNTIL in UTC, which
    python3-icalendar 4.0.3's to_tz() cannot take (dateutil refuses a UTC UNTIL with a
    floating DTSTART); the same instant as local time before the change is what it can."""
    for rule in vtimezone.subcomponents:
        if "RRULE" not in rule:
            continue
        offset_before = rule["TZOFFSETFROM"].td
        until = rule["RRULE"].get("UNTIL")
        if until:
            rule["RRULE"]["UNTIL"] = [u.replace(tzinfo=None) + offset_before if getattr(u, "tzinfo", None) else u
                                      for u in until]
    return vtimezone.to_tz()


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    calendar = icalendar.Calendar.from_ical(raw)
    zones = {str(z["TZID"]): zone_of(z) for z in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        raise SystemExit("expected one VEVENT, found %d" % len(events))
    event = events[0]
    out = {
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        "method": str(calendar.get("METHOD", "")),
        "version": str(calendar.get("VERSION", "")),
        "uid": str(event["UID"]),
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": str(event.get("STATUS", "")),
        "summary": str(event.get("SUMMARY", "")),
        "description": str(event.get("DESCRIPTION", "")),
        "location": str(event.get("LOCATION", "")),
        "organizer": str(event.get("ORGANIZER", "")),
        "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list)
                                       else [event["ATTENDEE"]] if "ATTENDEE" in event else [])],
    }
    for key in ("DTSTART", "DTEND"):
        prop = event[key]
        tzid = str(prop.params.get("TZID", ""))
        local = prop.dt.replace(tzinfo=None)
        out[key.lower() + "_tzid"] = tzid
        out[key.lower() + "_local"] = local.strftime("%Y-%m-%dT%H:%M:%S")
        out[key.lower() + "_utc"] = utc(prop.dt)
        if tzid in zones:
            out[key.lower() + "_utc_by_vtimezone"] = utc(zones[tzid].localize(local))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
