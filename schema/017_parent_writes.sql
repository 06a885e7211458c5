-- Who the intake spoke with. When a parent writes, students.email is the parent's address
-- (the one the writer was asked for) and own_email the student's, when they have one: the
-- invite then has both as attendees and the booking's mails go to both.
ALTER TABLE students
  ADD COLUMN writer text NOT NULL DEFAULT 'student' CHECK (writer IN ('student', 'parent')),
  ADD COLUMN own_email text NOT NULL DEFAULT '';
