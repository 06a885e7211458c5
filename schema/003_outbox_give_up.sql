-- 003: outbox work that failed for good. After its last attempt a row is set aside with
-- gave_up_at (and kept, with last_error, for staff to read) instead of being retried forever.
ALTER TABLE outbox ADD COLUMN gave_up_at timestamptz;

DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (due_at) WHERE done_at IS NULL AND gave_up_at IS NULL;
