// Stripe's official Node client, unchanged but for where it connects, against the tutorbot
// Stripe sandbox: if its calls succeed and fail as documented, and its own webhook
// verification accepts the sandbox's deliveries, the sandbox answers as Stripe does.
// run.sh sets STRIPE_SANDBOX_URL, STRIPE_SANDBOX_KEY, STRIPE_SANDBOX_WEBHOOK_SECRET and
// STRIPE_SANDBOX_HOOK_PORT (where the sandbox delivers webhooks; this file listens there).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const Stripe = require('stripe');

const base = new URL(process.env.STRIPE_SANDBOX_URL);
const key = process.env.STRIPE_SANDBOX_KEY;
const webhookSecret = process.env.STRIPE_SANDBOX_WEBHOOK_SECRET;
const hookPort = Number(process.env.STRIPE_SANDBOX_HOOK_PORT);

const stripe = new Stripe(key, { host: base.hostname, port: base.port, protocol: 'http' });

// Webhook deliveries, verified with the official library as tutorbot's route would.
const deliveries = [];
let receiver;

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = stripe.webhooks.constructEvent(body, req.headers['stripe-signature'], webhookSecret);
        deliveries.push({ event, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      } catch (err) {
        deliveries.push({ error: err.message, headers: req.headers });
        res.writeHead(400).end(err.message);
      }
    });
  });
  await new Promise((resolve) => receiver.listen(hookPort, '127.0.0.1', resolve));
});

after(() => new Promise((resolve) => receiver.close(resolve)));

async function sandbox(method, path, body) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// The hosted page's buttons, pressed the way `tutorbot chat` presses them.
async function press(session, action) {
  const res = await fetch(`${session.url}/${action}`, { method: 'POST', headers: { accept: 'application/json' } });
  assert.equal(res.status, 200, `${action} answered ${res.status}`);
  return res.json();
}

async function eventually(predicate, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lessonSession(extra = {}) {
  return {
    mode: 'payment',
    line_items: [
      {
        price_data: { currency: 'eur', unit_amount: 4500, product_data: { name: 'Wiskunde 60 min' } },
        quantity: 1,
      },
      {
        price_data: { currency: 'eur', unit_amount: 1500, product_data: { name: 'Huiswerkbegeleiding' } },
        quantity: 2,
      },
    ],
    payment_method_types: ['ideal', 'card'],
    metadata: { order_id: 'order-42', student: 'Sanne' },
    client_reference_id: 'booking-7',
    customer_email: 'ouder@example.nl',
    locale: 'nl',
    success_url: 'https://example.com/paid?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://example.com/cancel',
    expires_at: Math.floor(Date.now() / 1000) + 2 * 3600,
    ...extra,
  };
}

test('creates a Checkout Session with line items and metadata, and retrieves it', async () => {
  const session = await stripe.checkout.sessions.create(lessonSession());
  assert.match(session.id, /^cs_test_/);
  assert.equal(session.object, 'checkout.session');
  assert.equal(session.status, 'open');
  assert.equal(session.payment_status, 'unpaid');
  assert.equal(session.amount_total, 4500 + 2 * 1500);
  assert.equal(session.currency, 'eur');
  assert.deepEqual(session.metadata, { order_id: 'order-42', student: 'Sanne' });
  assert.deepEqual(session.payment_method_types, ['ideal', 'card']);
  assert.equal(session.client_reference_id, 'booking-7');
  assert.equal(session.payment_intent, null);
  assert.equal(session.livemode, false);
  assert.ok(session.url.startsWith(`${base.origin}/checkout/${session.id}`));
  assert.match(session.lastResponse.requestId, /^req_/);

  const again = await stripe.checkout.sessions.retrieve(session.id);
  assert.deepEqual(again, session);

  const items = await stripe.checkout.sessions.listLineItems(session.id);
  assert.equal(items.data.length, 2);
  assert.equal(items.data[1].description, 'Huiswerkbegeleiding');
  assert.equal(items.data[1].quantity, 2);
  assert.equal(items.data[1].amount_total, 3000);
  assert.equal(items.data[1].price.unit_amount, 1500);
});

test('refuses invalid parameters with the documented error types', async () => {
  await assert.rejects(stripe.checkout.sessions.create({ ...lessonSession(), mode: undefined }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'parameter_missing');
    assert.equal(err.param, 'mode');
    return true;
  });
  await assert.rejects(
    stripe.checkout.sessions.create(lessonSession({ expires_at: Math.floor(Date.now() / 1000) + 600 })),
    (err) => err instanceof Stripe.errors.StripeInvalidRequestError && err.param === 'expires_at',
  );
  await assert.rejects(stripe.checkout.sessions.retrieve('cs_test_missing'), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'resource_missing');
    return true;
  });
  const stranger = new Stripe('sk_test_not_the_key', { host: base.hostname, port: base.port, protocol: 'http' });
  await assert.rejects(stranger.events.list(), (err) => err instanceof Stripe.errors.StripeAuthenticationError);
});

test('expires an open session, and refuses to expire it twice', async () => {
  const session = await stripe.checkout.sessions.create(lessonSession());
  const expired = await stripe.checkout.sessions.expire(session.id);
  assert.equal(expired.status, 'expired');
  assert.equal(expired.url, null);
  await assert.rejects(stripe.checkout.sessions.expire(session.id),
    (err) => err instanceof Stripe.errors.StripeInvalidRequestError);
});

let paid; // the session paid through the hosted page, with its PaymentIntent

test('a session paid through the hosted page is complete with a succeeded PaymentIntent', async () => {
  const session = await stripe.checkout.sessions.create(lessonSession());
  const declined = await press(session, 'fail');
  assert.equal(declined.status, 'open');
  const answered = await press(session, 'pay');
  assert.equal(answered.status, 'complete');

  paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
  assert.equal(paid.status, 'complete');
  assert.equal(paid.payment_status, 'paid');
  assert.equal(paid.payment_intent.object, 'payment_intent');
  assert.equal(paid.payment_intent.status, 'succeeded');
  assert.equal(paid.payment_intent.amount_received, 7500);
  assert.match(paid.payment_intent.latest_charge, /^ch_/);
});

test('refunds part and then the rest; refusing more than was paid', async () => {
  const intent = paid.payment_intent.id;
  const partial = await stripe.refunds.create({ payment_intent: intent, amount: 1500, metadata: { booking_id: '7' } });
  assert.match(partial.id, /^re_/);
  assert.equal(partial.object, 'refund');
  assert.equal(partial.status, 'succeeded');
  assert.equal(partial.amount, 1500);
  assert.deepEqual(partial.metadata, { booking_id: '7' });

  await assert.rejects(stripe.refunds.create({ payment_intent: intent, amount: 7000 }), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.code, 'amount_too_large');
    assert.equal(err.param, 'amount');
    return true;
  });

  const rest = await stripe.refunds.create({ payment_intent: intent });
  assert.equal(rest.amount, 6000);
  assert.deepEqual(await stripe.refunds.retrieve(rest.id), rest);
  const charge = await stripe.charges.retrieve(paid.payment_intent.latest_charge);
  assert.equal(charge.amount_refunded, 7500);
  assert.equal(charge.refunded, true);
});

test('lists the events newest first and pages through them', async () => {
  const page = await stripe.events.list({ limit: 3 });
  assert.equal(page.object, 'list');
  assert.equal(page.data.length, 3);
  assert.equal(page.has_more, true);
  assert.equal(page.data[0].type, 'charge.refunded');
  assert.equal(page.data[1].type, 'refund.created');

  const all = [];
  for await (const event of stripe.events.list({ limit: 4 })) all.push(event);
  const types = all.map((e) => e.type);
  for (const type of ['checkout.session.expired', 'payment_intent.payment_failed', 'checkout.session.completed',
    'payment_intent.succeeded', 'charge.succeeded', 'refund.created', 'charge.refunded']) {
    assert.ok(types.includes(type), `${type} missing from ${types}`);
  }
  const completed = await stripe.events.list({ type: 'checkout.session.completed' });
  assert.equal(completed.data[0].data.object.id, paid.id);
  const byId = await stripe.events.retrieve(completed.data[0].id);
  assert.equal(byId.type, 'checkout.session.completed');
});

test('replays a create with the same idempotencyKey and refuses other parameters with it', async () => {
  const idempotencyKey = `order-${Date.now()}`;
  const first = await stripe.checkout.sessions.create(lessonSession({ expires_at: undefined }), { idempotencyKey });
  const second = await stripe.checkout.sessions.create(lessonSession({ expires_at: undefined }), { idempotencyKey });
  assert.equal(second.id, first.id);
  assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
  assert.equal(second.lastResponse.idempotencyKey, idempotencyKey);

  await assert.rejects(
    stripe.checkout.sessions.create(lessonSession({ expires_at: undefined, client_reference_id: 'other' }),
      { idempotencyKey }),
    (err) => err instanceof Stripe.errors.StripeIdempotencyError && err.statusCode === 400,
  );
});

test('an injected 429 reaches the client as a StripeRateLimitError', async () => {
  const knob = await sandbox('POST', '/sandbox/stripe/faults', { count: 1, status: 429, endpoint: 'GET /v1/events' });
  assert.equal(knob.status, 200);
  await assert.rejects(stripe.events.list(), (err) => {
    assert.ok(err instanceof Stripe.errors.StripeRateLimitError);
    assert.equal(err.statusCode, 429);
    assert.equal(err.code, 'rate_limit');
    return true;
  });
  assert.ok((await stripe.events.list({ limit: 1 })).data.length === 1);
});

test('webhooks arrive signed so that stripe.webhooks.constructEvent accepts them', async () => {
  const types = await eventually(() => {
    const got = deliveries.filter((d) => d.event).map((d) => d.event.type);
    return got.includes('checkout.session.completed') && got.includes('charge.refunded') ? got : null;
  });
  assert.ok(types, `deliveries so far: ${JSON.stringify(deliveries.map((d) => d.error ?? d.event.type))}`);
  assert.deepEqual(deliveries.filter((d) => d.error), []);
  const completed = deliveries.find((d) => d.event.type === 'checkout.session.completed');
  assert.equal(completed.event.data.object.id, paid.id);
  assert.equal(completed.event.data.object.metadata.order_id, 'order-42');
  assert.equal(completed.headers['user-agent'], 'Stripe/1.0 (+https://stripe.com/docs/webhooks)');
  assert.equal(completed.headers['content-type'], 'application/json; charset=utf-8');
});
