-- 006: what drives each conversation. Every event for a conversation — a student's message
-- from Chatwoot, a payment outcome, a status change by staff — is stored here once (by its
-- dedupe key) and processed in order by that conversation's actor, which saves the dialogue
-- state, the outbox work it causes and the event's processed mark in one transaction.
CREATE TABLE conversation_events (
  id              bigserial PRIMARY KEY,
  conversation_id bigint NOT NULL,
  account_id      bigint NOT NULL,
  dedupe_key      text NOT NULL UNIQUE,   -- message:<id>, payment:<order>:<what>, status:<delivery>
  kind            text NOT NULL CHECK (kind IN ('message', 'payment', 'status')),
  payload         jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  attempts        int NOT NULL DEFAULT 0,
  last_error      text
);
CREATE INDEX conversation_events_pending ON conversation_events (conversation_id, id) WHERE processed_at IS NULL;

-- Work for one conversation runs in the order it was written (messages must not overtake
-- each other): a row is leased only when no earlier row with its ordering key is unfinished.
ALTER TABLE outbox ADD COLUMN ordering_key text;
CREATE INDEX outbox_by_ordering_key ON outbox (ordering_key, id) WHERE done_at IS NULL AND gave_up_at IS NULL;

ALTER TABLE conversations ADD COLUMN contact_id bigint;
