#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/seed-*: the payload shapes of
../shared/reference/ (copied into the seeds, so the corpora stand alone), the golden
dialogue transcripts, and requests and answers shaped as the tests send them. Inputs the
fuzzers found (crashes made regression inputs, or a merged corpus) sit beside the seeds
under other names and are never rewritten here.

    python3 tests/fuzz/seed_corpora.py [REFERENCE_DIR]
"""
import hashlib, hmac, json, pathlib, sys

root = pathlib.Path(__file__).resolve().parent
reference = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parents[2] / "shared" / "reference"


def write(target, name, data):
    folder = root / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / f"seed-{name}").write_bytes(data)


def ref(path):
    return (reference / path).read_text()


# ---- Stripe: "Stripe-Signature\0body" ----------------------------------------------------
stripe_events = {p.stem: ref(f"stripe/{p.name}") for p in sorted((reference / "stripe").glob("*.json"))}
t = 1780000000
for name, body in stripe_events.items():
    signature = hmac.new(b"whsec_fuzz_one", f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    write("stripe_webhook", f"{name}-signed", f"t={t},v1={signature},v0=00\0{body}")
    write("stripe_webhook", f"{name}-unsigned", body)
event = json.loads(stripe_events["event"])
for kind in ["checkout.session.completed", "checkout.session.expired", "checkout.session.async_payment_failed",
             "charge.refunded", "refund.updated", "payment_intent.payment_failed"]:
    e = dict(event, type=kind)
    write("stripe_webhook", kind.replace(".", "_"), f"t={t},v1=deadbeef\0" + json.dumps(e))
write("stripe_webhook", "list", json.dumps({"object": "list", "data": [event, event], "has_more": True}))
write("stripe_webhook", "nul-escape", "t=1,v1=00\0" + json.dumps(dict(event, id="evt_nul\u0000x")))

# ---- Chatwoot: "X-Chatwoot-Signature\0X-Chatwoot-Timestamp\0body" ------------------------
for p in sorted((reference / "chatwoot").glob("*.json")):
    body = p.read_text()
    mac = hmac.new(b"chatwoot_fuzz_secret", f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    write("chatwoot_webhook", f"{p.stem}-signed", f"sha256={mac}\0{t}\0{body}")
    write("chatwoot_webhook", f"{p.stem}-unsigned", body)
message = json.loads(ref("chatwoot/message_created.json"))
message.update(event="message_created", content="Hoi, ik wil een proefles",
               sender={"id": 14, "name": "Sanne", "email": "sanne@example.nl", "phone_number": "+31611110001",
                       "type": "contact", "custom_attributes": {"level": "havo 4"},
                       "additional_attributes": {"locale": "nl"}})
write("chatwoot_webhook", "student-message", json.dumps(message))
write("chatwoot_webhook", "student-message-nul", json.dumps(dict(message, content="Hoi\u0000daar")))
write("chatwoot_webhook", "attachment", json.dumps(dict(message, content=None,
                                                        attachments=[{"id": 1, "file_type": "image"}])))
write("chatwoot_webhook", "button-tap", json.dumps(dict(message, content="Proefles", content_type="text",
                                                        content_attributes={"in_reply_to": 5})))

# ---- Google Calendar answers ------------------------------------------------------------
google_event = {"kind": "calendar#event", "id": "tb0123456789abcdef", "status": "confirmed",
                "summary": "Bijles 60 minuten", "description": "chatwoot:42",
                "start": {"dateTime": "2026-12-03T15:00:00+01:00", "timeZone": "Europe/Amsterdam"},
                "end": {"dateTime": "2026-12-03T16:00:00+01:00", "timeZone": "Europe/Amsterdam"},
                "attendees": [{"email": "sanne@example.nl"}],
                "reminders": {"useDefault": False, "overrides": [{"method": "email", "minutes": 1440}]},
                "extendedProperties": {"private": {"booking_id": "b-1"}},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"], "htmlLink": "https://calendar.google.com/x"}
write("google_json", "event", json.dumps(google_event))
write("google_json", "all-day", json.dumps(dict(google_event, start={"date": "2026-12-24"}, end={"date": "2026-12-27"})))
write("google_json", "freebusy", json.dumps({"kind": "calendar#freeBusy", "timeMin": "2026-12-01T00:00:00Z",
    "calendars": {"anouk@example.nl": {"busy": [{"start": "2026-12-03T10:00:00Z", "end": "2026-12-03T11:30:00Z"},
                                                 {"start": "2026-12-03T11:00:00.250+01:00", "end": "2026-12-03T12:00:00Z"}]},
                  "missing@example.nl": {"errors": [{"domain": "global", "reason": "notFound"}]}}}))
write("google_json", "error", json.dumps({"error": {"code": 403, "message": "Rate Limit Exceeded",
    "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Rate Limit Exceeded"}]}}))

# ---- Form bodies and query strings ------------------------------------------------------
write("form_codec", "checkout", "mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur&"
      "line_items%5B0%5D%5Bquantity%5D=1&metadata%5Bbooking_id%5D=b-1&success_url=https%3A%2F%2Fx.nl%2Fok%3Fa%3D1")
write("form_codec", "oauth", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJ.eyJ.sig")
write("form_codec", "odd", "a=1&&b&=c&d=%zz&e=%4&f=+plus+&%E2%82%AC=%F0%9F%98%80&=")

# ---- RFC 3339 -----------------------------------------------------------------------------
for i, text in enumerate(["2026-12-03T15:00:00Z", "2026-12-03T15:00:00+01:00", "2026-03-29T02:30:00+02:00",
                          "2026-12-31T23:59:60Z", "2028-02-29T12:00:00.123456-05:30", "2026-12-24",
                          "0000-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2026-02-30T00:00:00Z"]):
    write("rfc3339", str(i), text)

# ---- The dialogue: golden transcripts, as lines of student text and !world events ------
for path in sorted((root.parent / "golden" / "dialogue").glob("*.txt")):
    lines = []
    for line in path.read_text().splitlines():
        if line.startswith("> "):
            lines.append(line[2:])
        elif line.startswith("! "):
            lines.append("!" + line[2:].split()[0])
    write("dialogue", path.stem, "\n".join(lines))
    # The same conversation on a day around a DST change and at the year's end.
    for hours in (474, 5546, 7087):
        write("dialogue", f"{path.stem}-at-{hours}", f"@{hours}\n" + "\n".join(lines))

# ---- Raw HTTP ------------------------------------------------------------------------------
body = '{"id":"evt_1"}'
requests = {
    "get": "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "pipelined": "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /api/v1/tutors/anouk/slots?from=2026-12-03 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "post": f"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}",
    "chunked": "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
    "unknown-method": "FOO1 /x HTTP/1.1\r\nHost: x\r\n\r\n",
    "http10": "GET /healthz HTTP/1.0\r\n\r\n",
    "bad-length": "POST /webhooks/stripe HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
    "expect": "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
}
for name, raw in requests.items():
    write("http_session", name, raw)
