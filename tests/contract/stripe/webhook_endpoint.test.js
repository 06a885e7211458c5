// Stripe's official library signs test events (stripe.webhooks.generateTestHeaderString);
// tutorbot's endpoint must accept exactly those, store each event once, and refuse every
// forgery with 400 and nothing stored (design invariants 3 and 6).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const Stripe = require('stripe');

const stripe = new Stripe('sk_test_unused');
const url = process.env.TUTORBOT_URL + '/webhooks/stripe';
const secret = process.env.STRIPE_WEBHOOK_SECRET;

function storedEvents() {
  const out = execFileSync('psql', [process.env.TUTORBOT_DATABASE_URL, '-tAc',
    "SELECT count(*) FROM webhook_inbox WHERE provider = 'stripe'"]);
  return Number(String(out).trim());
}

function event(id) {
  return JSON.stringify({
    id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
    type: 'checkout.session.completed', livemode: false, pending_webhooks: 1,
    data: { object: { id: 'cs_test_contract', object: 'checkout.session', payment_status: 'paid', status: 'complete',
                      amount_total: 4500, currency: 'eur', metadata: { order_id: 'not-ours' } } },
  });
}

async function post(body, header) {
  const headers = { 'Content-Type': 'application/json' };
  if (header !== undefined) headers['Stripe-Signature'] = header;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

test('an event signed by the official library is accepted and stored once', async () => {
  const payload = event('evt_contract_valid');
  const before = storedEvents();
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
  const first = await post(payload, header);
  assert.equal(first.status, 200);
  const again = await post(payload, stripe.webhooks.generateTestHeaderString({ payload, secret }));
  assert.equal(again.status, 200);
  assert.equal(storedEvents(), before + 1);
});

const forgeries = {
  'a tampered body': () => {
    const payload = event('evt_contract_tampered');
    return [payload.replace('4500', '1'), stripe.webhooks.generateTestHeaderString({ payload, secret })];
  },
  'a wrong secret': () => {
    const payload = event('evt_contract_wrong_secret');
    return [payload, stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_ours' })];
  },
  'a stale timestamp': () => {
    const payload = event('evt_contract_stale');
    const timestamp = Math.floor(Date.now() / 1000) - 600;
    return [payload, stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })];
  },
  'a future timestamp': () => {
    const payload = event('evt_contract_future');
    const timestamp = Math.floor(Date.now() / 1000) + 600;
    return [payload, stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })];
  },
  'a missing header': () => [event('evt_contract_unsigned'), undefined],
};

for (const [name, make] of Object.entries(forgeries)) {
  test(`${name} is refused with 400 and nothing stored`, async () => {
    const before = storedEvents();
    const [payload, header] = make();
    const answer = await post(payload, header);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'bad_signature');
    assert.equal(storedEvents(), before);
  });
}
