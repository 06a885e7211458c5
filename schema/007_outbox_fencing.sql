-- 007: an outbox lease is proven, not presumed. Each lease bumps the row's generation; the
-- worker renews, finishes and retries the row only under the generation it took, so a worker
-- whose lease ran out can no longer record anything for it. A lease now ends only when its
-- time runs out (its holder renews it while working): tying it to the leasing connection
-- voided it whenever that connection was reset — a PostgreSQL restart — while the worker
-- was still executing it, and another worker ran the same side effect a second time.
ALTER TABLE outbox ADD COLUMN lease_generation bigint NOT NULL DEFAULT 0;
UPDATE outbox SET leased_by_pid = NULL, leased_by_start = NULL;
ALTER TABLE outbox DROP COLUMN leased_by_pid, DROP COLUMN leased_by_start;
