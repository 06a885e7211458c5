-- A student's calendar follows a booking through its invite: one UID per booking, and a
-- SEQUENCE that rises on every change the student's calendar must take over (RFC 5545
-- §3.8.7.4), so a reschedule or cancellation replaces the event instead of adding one.
ALTER TABLE bookings ADD COLUMN invite_sequence int NOT NULL DEFAULT 0 CHECK (invite_sequence >= 0);
