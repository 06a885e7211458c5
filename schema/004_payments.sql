-- 004: what the payment supervisor needs beyond 002.
-- Inbox events that cannot be applied yet (a refund for a payment not yet recorded) wait
-- and are tried again: processing order never depends on delivery order.
ALTER TABLE webhook_inbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
DROP INDEX webhook_inbox_unprocessed;
CREATE INDEX webhook_inbox_due ON webhook_inbox (provider, next_attempt_at) WHERE processed_at IS NULL;

-- API callers name their students by their own reference (a CRM id, a conversation).
ALTER TABLE students ADD COLUMN external_ref text UNIQUE;

ALTER TABLE orders
  ADD COLUMN refunded_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN customer_email text,
  ADD COLUMN locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  ADD CONSTRAINT orders_refund_within_total CHECK (refunded_cents >= 0 AND refunded_cents <= total_cents);
CREATE INDEX orders_open_by_expiry ON orders (expires_at) WHERE status = 'open';
