// Google's official Node clients, unchanged, against the tutorbot Google Calendar sandbox:
// if they authenticate and their calls succeed and fail as documented, the sandbox answers
// as Google does. run.sh sets GOOGLE_SANDBOX_URL and GOOGLE_SANDBOX_KEY_FILE.
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { GoogleAuth } = require('google-auth-library');
const { calendar } = require('@googleapis/calendar');

const base = process.env.GOOGLE_SANDBOX_URL;
const keyFile = process.env.GOOGLE_SANDBOX_KEY_FILE;
const key = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
const calendarId = 'anouk@bijlesschool-example.nl';

// google-auth-library always posts its JWT to https://oauth2.googleapis.com/token (and signs
// aud with that URL) whatever the key file's token_uri says; the sandbox accepts that aud,
// as Google does, so only the connection is pointed at the key file's token_uri.
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

let client;
let cal;

async function admin(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function expectGoogleError(promise, status, reason) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.status ?? err.response?.status, status);
    const error = err.response.data.error;
    assert.equal(error.code, status);
    assert.equal(error.errors[0].reason, reason);
    return true;
  });
}

function uniqueId(prefix) {
  // base32hex: a-v and 0-9
  return prefix + Date.now().toString(32) + Math.floor(Math.random() * 1e9).toString(32);
}

// An official JWT client for a key, its token requests sent to the key file's token_uri.
async function newClient(keyFileOrCredentials) {
  const options = typeof keyFileOrCredentials === 'string'
    ? { keyFile: keyFileOrCredentials }
    : { credentials: keyFileOrCredentials };
  const googleAuth = new GoogleAuth({ ...options, scopes: ['https://www.googleapis.com/auth/calendar'] });
  const jwt = await googleAuth.getClient();
  jwt.transporter.interceptors.request.add({
    resolved: async (request) => {
      if (String(request.url) === GOOGLE_TOKEN_URL) request.url = new URL(key.token_uri);
      return request;
    },
  });
  return jwt;
}

before(async () => {
  client = await newClient(keyFile);
  cal = calendar({ version: 'v3', auth: client, rootUrl: base + '/' });
});

test('the service account gets an access token from the sandbox token endpoint', async () => {
  const { token } = await client.getAccessToken();
  assert.match(token, /^ya29\./);
  assert.equal(client.credentials.token_type, 'Bearer');
  assert.ok(client.credentials.expiry_date > Date.now() + 3500 * 1000);
});

test('freeBusy returns an event added by hand, in the requested time zone', async () => {
  const added = await admin('POST', `/sandbox/google/calendars/${encodeURIComponent(calendarId)}/events`, {
    summary: 'Tandarts',
    start: { dateTime: '2027-03-09T14:00:00+01:00' },
    end: { dateTime: '2027-03-09T15:00:00+01:00' },
  });
  assert.equal(added.status, 200);
  const res = await cal.freebusy.query({
    requestBody: {
      timeMin: '2027-03-09T00:00:00Z',
      timeMax: '2027-03-10T00:00:00Z',
      timeZone: 'Europe/Amsterdam',
      items: [{ id: calendarId }],
    },
  });
  assert.equal(res.status, 200);
  assert.equal(res.data.kind, 'calendar#freeBusy');
  assert.deepEqual(res.data.calendars[calendarId].busy, [
    { start: '2027-03-09T14:00:00+01:00', end: '2027-03-09T15:00:00+01:00' },
  ]);
});

test('events insert with a client id, get, patch and delete', async () => {
  const id = uniqueId('booking');
  const requestBody = {
    id,
    summary: 'Bijles wiskunde',
    description: 'Intake: havo 4, wiskunde B',
    start: { dateTime: '2027-03-10T16:00:00', timeZone: 'Europe/Amsterdam' },
    end: { dateTime: '2027-03-10T17:00:00', timeZone: 'Europe/Amsterdam' },
    extendedProperties: { private: { booking_id: '42' } },
    reminders: { useDefault: false, overrides: [{ method: 'email', minutes: 1440 }] },
  };
  const inserted = await cal.events.insert({ calendarId, sendUpdates: 'none', requestBody });
  assert.equal(inserted.status, 200);
  assert.equal(inserted.data.kind, 'calendar#event');
  assert.equal(inserted.data.id, id);
  assert.equal(inserted.data.status, 'confirmed');
  assert.equal(inserted.data.extendedProperties.private.booking_id, '42');

  // A retried insert after a lost response: 409 duplicate, then confirmed with get.
  await expectGoogleError(cal.events.insert({ calendarId, requestBody }), 409, 'duplicate');
  const got = await cal.events.get({ calendarId, eventId: id });
  assert.equal(got.data.summary, 'Bijles wiskunde');
  assert.equal(got.data.etag, inserted.data.etag);

  const patched = await cal.events.patch({
    calendarId,
    eventId: id,
    requestBody: {
      start: { dateTime: '2027-03-11T16:00:00', timeZone: 'Europe/Amsterdam' },
      end: { dateTime: '2027-03-11T17:00:00', timeZone: 'Europe/Amsterdam' },
    },
  });
  assert.equal(patched.data.start.dateTime, '2027-03-11T16:00:00');
  assert.equal(patched.data.summary, 'Bijles wiskunde');
  assert.notEqual(patched.data.etag, inserted.data.etag);

  const deleted = await cal.events.delete({ calendarId, eventId: id });
  assert.equal(deleted.status, 204);
  await expectGoogleError(cal.events.delete({ calendarId, eventId: id }), 410, 'deleted');
  await expectGoogleError(cal.events.get({ calendarId, eventId: 'unknownevent0' }), 404, 'notFound');
});

test('events list answers calendar#events', async () => {
  const res = await cal.events.list({ calendarId, timeMin: '2027-03-01T00:00:00Z', timeMax: '2027-04-01T00:00:00Z' });
  assert.equal(res.data.kind, 'calendar#events');
  assert.ok(Array.isArray(res.data.items));
});

test('a weekly series is busy at the same local time across the DST change', async () => {
  const id = uniqueId('series');
  await cal.events.insert({
    calendarId,
    requestBody: {
      id,
      summary: 'Wekelijkse bijles',
      start: { dateTime: '2027-03-23T16:00:00', timeZone: 'Europe/Amsterdam' },
      end: { dateTime: '2027-03-23T17:00:00', timeZone: 'Europe/Amsterdam' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'],
    },
  });
  const res = await cal.freebusy.query({
    requestBody: { timeMin: '2027-03-20T00:00:00Z', timeMax: '2027-04-03T00:00:00Z', items: [{ id: calendarId }] },
  });
  assert.deepEqual(res.data.calendars[calendarId].busy, [
    { start: '2027-03-23T15:00:00Z', end: '2027-03-23T16:00:00Z' },
    { start: '2027-03-30T14:00:00Z', end: '2027-03-30T15:00:00Z' },
  ]);
});

test('a revoked token gets 401 authError and a new token works', async () => {
  const before = (await admin('GET', '/sandbox/google/stats')).body.token_requests;
  assert.equal((await admin('POST', '/sandbox/google/expire-tokens')).status, 200);
  // google-auth-library's token cache (gtoken) hands back the same token until its own
  // expiry, so this client cannot recover from a revocation; the 401 must still parse.
  await expectGoogleError(cal.events.list({ calendarId }), 401, 'authError');
  const fresh = await newClient(keyFile);
  const res = await calendar({ version: 'v3', auth: fresh, rootUrl: base + '/' }).events.list({ calendarId });
  assert.equal(res.status, 200);
  const after = (await admin('GET', '/sandbox/google/stats')).body.token_requests;
  assert.equal(after, before + 1);
  cal = calendar({ version: 'v3', auth: fresh, rootUrl: base + '/' });
});

test('an injected rate limit surfaces with Google\'s error body', async () => {
  await admin('POST', '/sandbox/google/faults', { count: 1, status: 429, reason: 'rateLimitExceeded' });
  await expectGoogleError(
    cal.events.list({ calendarId }, { retry: false }),
    429,
    'rateLimitExceeded',
  );
  const res = await cal.events.list({ calendarId });
  assert.equal(res.status, 200);
});

test('a JWT signed by another key is refused with invalid_grant', async () => {
  const other = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
  const { generateKeyPairSync } = require('node:crypto');
  other.private_key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    .export({ type: 'pkcs8', format: 'pem' });
  const strangerClient = await newClient(other);
  await assert.rejects(strangerClient.getAccessToken(), (err) => {
    assert.equal(err.response.status, 400);
    assert.deepEqual(err.response.data, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    return true;
  });
});
