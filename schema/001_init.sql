-- The migrations ledger, and btree_gist for the booking exclusion constraint
-- (tutor_id WITH =, blocked WITH &&) that later migrations add.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE schema_migrations (
  name       text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
