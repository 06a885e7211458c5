-- Reminders (issue 16): one row per lesson, channel and invite sequence, planned by the
-- reminders actor and released once when due. A move or a cancellation raises the booking's
-- invite_sequence, which makes the rows planned before it stale: they are dropped, never sent.
ALTER TABLE bookings ADD COLUMN last_change_at timestamptz;  -- when the student last learned the lesson's time

CREATE TABLE lesson_reminders (
  booking_id      uuid NOT NULL REFERENCES bookings (id),
  channel         text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  invite_sequence int NOT NULL,
  due_at          timestamptz,     -- NULL: the lesson was booked too close to its start for one
  sent_at         timestamptz,     -- its outbox work was queued
  dropped_at      timestamptz,     -- the lesson moved, was cancelled, or needs none
  PRIMARY KEY (booking_id, channel, invite_sequence),
  CHECK (sent_at IS NULL OR dropped_at IS NULL)
);
CREATE INDEX lesson_reminders_due ON lesson_reminders (due_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
