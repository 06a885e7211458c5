-- 011: Idempotency-Key on the mutating /api/ routes, with Stripe's semantics: the first reply
-- to a key is kept and replayed for the same request; the key with other parameters is
-- refused. A request answered 503 (its outcome unknown: a timeout is not a no) keeps no reply,
-- so its retry runs again — safely, since every such route is idempotent in itself. Keys are
-- kept for 24 hours.
CREATE TABLE api_idempotency (
  key          text PRIMARY KEY,
  fingerprint  text NOT NULL,        -- SHA-256 of the method, target and body
  status       int,                  -- NULL while the first request with the key runs
  content_type text,
  body         text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX api_idempotency_by_age ON api_idempotency (started_at);
