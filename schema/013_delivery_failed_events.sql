-- WhatsApp refused a message of the bot (Chatwoot's message_updated with external_error): the
-- conversation stores it as an event of its own kind and acts on it (issue 14).
ALTER TABLE conversation_events DROP CONSTRAINT conversation_events_kind_check;
ALTER TABLE conversation_events ADD CONSTRAINT conversation_events_kind_check
  CHECK (kind IN ('message', 'payment', 'status', 'delivery_failed'));
