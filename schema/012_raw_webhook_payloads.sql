-- 012: the inbox keeps a provider's event as the exact bytes that were signed, as text: jsonb
-- refuses a JSON string holding \u0000, so such an event (valid JSON, validly signed) could
-- never be stored and its provider was answered 503 for days. It is parsed when processed.
ALTER TABLE webhook_inbox ALTER COLUMN payload TYPE text USING payload::text;
