-- 005: who holds a lease. Outbox and inbox rows are leased by a worker's own connection;
-- when that backend is gone (the process crashed or was killed) the lease is void at once
-- instead of when leased_until passes. backend_start tells a reused pid apart.
ALTER TABLE outbox ADD COLUMN leased_by_pid int, ADD COLUMN leased_by_start timestamptz;
ALTER TABLE webhook_inbox ADD COLUMN leased_by_pid int, ADD COLUMN leased_by_start timestamptz;

-- True while the backend that took a lease is still connected.
CREATE FUNCTION lease_holder_alive(holder_pid int, holder_start timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT holder_pid IS NOT NULL AND EXISTS (
    SELECT 1 FROM pg_stat_activity WHERE pid = holder_pid AND backend_start = holder_start)
$$;
