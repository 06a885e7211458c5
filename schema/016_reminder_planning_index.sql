-- The reminders actor asks every minute for the confirmed lessons that start in the next
-- day or two (db::unplanned_reminders): without this, every booking ever made is read.
CREATE INDEX bookings_confirmed_by_start ON bookings (lower(lesson)) WHERE status = 'confirmed';
