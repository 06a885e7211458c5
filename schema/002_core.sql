-- The core facts: tutors, students, conversations, bookings (which cannot collide),
-- series, orders and payments, package credit, and the webhook inbox and side-effect outbox
-- that make every provider interaction durable and exactly-once.

CREATE TABLE tutors (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]*$'),
  name        text NOT NULL,
  calendar_id text NOT NULL DEFAULT '',
  email       text NOT NULL DEFAULT '',
  active      boolean NOT NULL DEFAULT true,  -- false once removed from calendar_config.yaml
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE students (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chatwoot_contact_id bigint UNIQUE,
  phone               text,
  name                text,
  email               text,
  level               text,
  subject             text,
  locale              text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
  chatwoot_conversation_id bigint PRIMARY KEY,
  chatwoot_account_id      bigint NOT NULL,
  inbox_id                 bigint,
  student_id               uuid REFERENCES students (id),
  state                    jsonb NOT NULL DEFAULT '{}'::jsonb,  -- the dialogue state, versioned JSON
  version                  bigint NOT NULL DEFAULT 0,           -- optimistic concurrency
  last_message_id          bigint,        -- the newest message seen: the catch-up starts after it
  last_incoming_at         timestamptz,   -- WhatsApp's 24-hour window is counted from here
  handed_off               boolean NOT NULL DEFAULT false,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE series (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tutor_id       text NOT NULL REFERENCES tutors (id),
  student_id     uuid REFERENCES students (id),
  interval_weeks int NOT NULL CHECK (interval_weeks IN (1, 2)),
  rrule          text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  student_id                 uuid REFERENCES students (id),
  conversation_id            bigint REFERENCES conversations (chatwoot_conversation_id),
  kind                       text NOT NULL CHECK (kind IN ('lesson', 'package', 'series')),
  product_id                 text NOT NULL,
  lines                      jsonb NOT NULL,  -- the domain quote's lines, as shown and charged
  total_cents                bigint NOT NULL CHECK (total_cents >= 0),
  vat_cents                  bigint NOT NULL CHECK (vat_cents >= 0 AND vat_cents <= total_cents),
  currency                   text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status                     text NOT NULL DEFAULT 'open'
                               CHECK (status IN ('open', 'paid', 'failed', 'expired', 'refunded',
                                                 'partially_refunded', 'cancelled')),
  stripe_checkout_session_id text UNIQUE,
  stripe_payment_intent_id   text UNIQUE,
  checkout_url               text,
  expires_at                 timestamptz,
  paid_at                    timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bookings (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tutor_id          text NOT NULL REFERENCES tutors (id),
  student_id        uuid REFERENCES students (id),
  student_ref       text NOT NULL DEFAULT '',  -- the caller's reference (API, conversation id)
  lesson            tstzrange NOT NULL,        -- when the lesson takes place
  blocked           tstzrange NOT NULL,        -- the lesson plus the tutor's buffers
  status            text NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled', 'expired')),
  hold_expires_at   timestamptz,
  product_id        text NOT NULL,
  is_trial          boolean NOT NULL DEFAULT false,
  price_cents       bigint NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
  paid_with         text CHECK (paid_with IN ('stripe', 'credit', 'trial')),
  order_id          uuid REFERENCES orders (id),
  series_id         uuid REFERENCES series (id),
  calendar_event_id text,
  cancel_reason     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  confirmed_at      timestamptz,
  cancelled_at      timestamptz,
  CHECK (NOT isempty(lesson) AND lower_inc(lesson) AND NOT upper_inc(lesson)),
  CHECK (blocked @> lesson),
  CHECK (status <> 'held' OR hold_expires_at IS NOT NULL),
  -- Design invariant 1: no two active bookings of one tutor overlap, buffers included.
  CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (tutor_id WITH =, blocked WITH &&) WHERE (status IN ('held', 'confirmed'))
);
CREATE INDEX bookings_tutor_lesson ON bookings USING gist (tutor_id, lesson);
CREATE INDEX bookings_holds_by_expiry ON bookings (hold_expires_at) WHERE status = 'held';
CREATE INDEX bookings_by_order ON bookings (order_id) WHERE order_id IS NOT NULL;
-- The free trial is once per student (a cancelled or expired one does not count).
CREATE UNIQUE INDEX bookings_one_trial_per_student ON bookings (student_id)
  WHERE is_trial AND status IN ('held', 'confirmed');

CREATE TABLE payments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id           uuid NOT NULL REFERENCES orders (id),
  kind               text NOT NULL CHECK (kind IN ('charge', 'refund')),
  provider           text NOT NULL DEFAULT 'stripe',
  provider_reference text NOT NULL,  -- payment_intent id for a charge, refund id for a refund
  amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
  status             text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, kind, provider_reference)
);

-- Package credit: one row per change; the balance is the sum. Idempotent per cause.
CREATE TABLE credit_ledger (
  id         bigserial PRIMARY KEY,
  student_id uuid NOT NULL REFERENCES students (id),
  delta      int NOT NULL CHECK (delta <> 0),
  reason     text NOT NULL CHECK (reason IN ('package_purchase', 'booking', 'booking_cancelled',
                                             'package_refund', 'adjustment')),
  order_id   uuid REFERENCES orders (id),
  booking_id uuid REFERENCES bookings (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, reason),
  UNIQUE (booking_id, reason)
);
CREATE INDEX credit_ledger_by_student ON credit_ledger (student_id);

-- A balance never goes below zero: each change takes the student's lock and checks the sum.
CREATE FUNCTION credit_ledger_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.student_id::text, 0));
  IF (SELECT sum(delta) FROM credit_ledger WHERE student_id = NEW.student_id) < 0 THEN
    RAISE EXCEPTION 'credit balance of student % would be negative', NEW.student_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER credit_ledger_balance AFTER INSERT ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION credit_ledger_check_balance();

-- Every webhook, stored before it is acknowledged; (provider, event id) makes delivery idempotent.
CREATE TABLE webhook_inbox (
  id           bigserial PRIMARY KEY,
  provider     text NOT NULL CHECK (provider IN ('stripe', 'chatwoot', 'google')),
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  attempts     int NOT NULL DEFAULT 0,
  last_error   text,
  UNIQUE (provider, event_id)
);
CREATE INDEX webhook_inbox_unprocessed ON webhook_inbox (received_at) WHERE processed_at IS NULL;

-- Every side effect, written in the same transaction as the change that causes it, then
-- executed and retried until done; the key is what the provider deduplicates on.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  payload         jsonb NOT NULL,
  due_at          timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0,
  last_error      text,
  leased_until    timestamptz,  -- an instance working on it; others skip it until then
  done_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE done_at IS NULL;

-- Other instances learn of every booking change at once: the payload carries what a tutor
-- calendar needs to update its memory without reading the row back.
CREATE FUNCTION bookings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('booking_changed', json_build_object(
    'id', NEW.id,
    'tutor_id', NEW.tutor_id,
    'status', NEW.status,
    'lesson_start', extract(epoch FROM lower(NEW.lesson))::bigint,
    'lesson_end', extract(epoch FROM upper(NEW.lesson))::bigint,
    'blocked_start', extract(epoch FROM lower(NEW.blocked))::bigint,
    'blocked_end', extract(epoch FROM upper(NEW.blocked))::bigint,
    'hold_expires_at', extract(epoch FROM NEW.hold_expires_at)::bigint)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER bookings_changed AFTER INSERT OR UPDATE OF status, lesson, blocked ON bookings
  FOR EACH ROW EXECUTE FUNCTION bookings_notify();
