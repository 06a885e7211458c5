-- 008: an inbox event whose processing keeps failing (or that can never be read) is parked:
-- kept with its last error for staff, no longer leased, so the events behind it flow past.
ALTER TABLE webhook_inbox ADD COLUMN parked_at timestamptz;
DROP INDEX webhook_inbox_due;
CREATE INDEX webhook_inbox_due ON webhook_inbox (provider, next_attempt_at) WHERE processed_at IS NULL AND parked_at IS NULL;
