-- A series is booked as one request: what was asked (the first lesson, its length, the
-- rhythm and the school's policy for clashes) and what the plan left out or moved, so the
-- series can be shown as the student agreed to it. Its lessons are bookings with series_id.
ALTER TABLE series
  ADD COLUMN student_ref text NOT NULL DEFAULT '',
  ADD COLUMN first_start timestamptz,
  ADD COLUMN duration_minutes int CHECK (duration_minutes > 0),
  ADD COLUMN asked_rule text NOT NULL DEFAULT '',  -- the rule asked for; rrule is the plan's
  ADD COLUMN on_clash text CHECK (on_clash IN ('reject', 'skip', 'move', 'extend')),
  ADD COLUMN clashes jsonb NOT NULL DEFAULT '[]';
CREATE INDEX bookings_by_series ON bookings (series_id, lower(lesson)) WHERE series_id IS NOT NULL;

-- The notification carries whose booking it is: a calendar that learns of a student's own hold
-- from it must still recognise it as theirs when they ask again (a retried hold or series).
CREATE OR REPLACE FUNCTION bookings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('booking_changed', json_build_object(
    'id', NEW.id,
    'tutor_id', NEW.tutor_id,
    'student_ref', NEW.student_ref,
    'status', NEW.status,
    'lesson_start', extract(epoch FROM lower(NEW.lesson))::bigint,
    'lesson_end', extract(epoch FROM upper(NEW.lesson))::bigint,
    'blocked_start', extract(epoch FROM lower(NEW.blocked))::bigint,
    'blocked_end', extract(epoch FROM upper(NEW.blocked))::bigint,
    'hold_expires_at', extract(epoch FROM NEW.hold_expires_at)::bigint)::text);
  RETURN NEW;
END $$;
