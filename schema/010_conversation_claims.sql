-- 010: exactly one instance works on a conversation at a time. A claim (holder, lease on
-- the database's clock, generation) is taken before a step and released after it; a claim
-- whose lease ran out may be taken over, which raises the generation. The step's effects and
-- its save check that generation, so an instance paused past its lease can no longer act.
ALTER TABLE conversations ADD COLUMN lease_holder text, ADD COLUMN leased_until timestamptz,
  ADD COLUMN lease_generation bigint NOT NULL DEFAULT 0;

-- An event that failed is tried again after a backoff; one that keeps failing is parked for
-- staff (kept with its error, never processed) instead of being marked processed unanswered.
ALTER TABLE conversation_events ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN parked_at timestamptz;
DROP INDEX conversation_events_pending;
CREATE INDEX conversation_events_pending ON conversation_events (conversation_id, id)
  WHERE processed_at IS NULL AND parked_at IS NULL;
