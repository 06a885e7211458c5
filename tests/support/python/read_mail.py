#!/usr/bin/python3
"""Reads one stored e-mail with Python's own email package and prints, as one JSON object,
what a mail program would show: the decoded headers and each leaf part's type, filename and
decoded text. The tests compare that with what tutorbot meant to send."""
import email
import email.policy
import json
import sys


def main(path):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            parts.append({"multipart": part.get_content_type()})
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "content_type": part.get_content_type(),
            "type_header": str(part.get("Content-Type", "")),
            "method": part.get_param("method") or "",
            "filename": part.get_filename() or "",
            "text": payload.decode(part.get_content_charset() or "utf-8", errors="replace"),
        })
    print(json.dumps({
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "reply_to": str(message.get("Reply-To", "")),
        "subject": str(message.get("Subject", "")),
        "message_id": str(message.get("Message-ID", "")),
        "date": str(message.get("Date", "")),
        "envelope_to": str(message.get("X-RcptTo", "")),
        "content_type": message.get_content_type(),
        "parts": parts,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
