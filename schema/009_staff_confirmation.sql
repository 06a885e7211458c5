-- 009: a held booking confirmed without any payment is a staff override, and says so: paid
-- with 'staff', by whom and why (the operator's API call must name both).
ALTER TABLE bookings DROP CONSTRAINT bookings_paid_with_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_paid_with_check CHECK (paid_with IN ('stripe', 'credit', 'trial', 'staff'));
ALTER TABLE bookings ADD COLUMN confirmed_by text, ADD COLUMN confirm_reason text;
ALTER TABLE bookings ADD CONSTRAINT bookings_staff_confirmation_explained
  CHECK (paid_with IS DISTINCT FROM 'staff' OR (confirmed_by <> '' AND confirm_reason <> ''));
