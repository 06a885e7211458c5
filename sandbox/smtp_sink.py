"""The SMTP server of the run command's sandbox and of the tests: aiosmtpd (python3-aiosmtpd),
a real server no one here wrote, keeping every message it accepts in a Maildir. Recipients
whose local part starts with "refused" get 550 (a permanent refusal), with "later" 451 (try
again later), so a test can meet both without a broken network.

    python3 -m aiosmtpd -n -l 127.0.0.1:8025 -c smtp_sink.Sink <maildir>   (PYTHONPATH: this folder)
"""
from aiosmtpd.handlers import Mailbox


class Sink(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("refused"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("later"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
