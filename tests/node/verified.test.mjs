// Parsed and verified are different types in JavaScript too: authorize() accepts only a
// VerifiedToken made by verify() or Verifier.verify(), never an object that merely looks like one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mx, now, hour, roomA, roomB, issuer, rootToken, verifyAt, throwsCode } from './fixtures.mjs';

const key = issuer();
const sub = mx.attenuate(rootToken(key), { actions: ['send_message'], rooms: [roomA] });
const request = { action: 'send_message', roomId: roomA };
const notVerified = /needs a VerifiedToken/;

test('a parsed token, its text or its bytes cannot be authorised', () => {
  throwsCode(() => mx.authorize(mx.inspect(sub), request), 'invalid_argument', notVerified);
  throwsCode(() => mx.authorize(sub, request), 'invalid_argument', notVerified);
  throwsCode(() => mx.authorize(mx.toBytes(sub), request), 'invalid_argument', notVerified);
});

test('an object that merely looks verified cannot be authorised', () => {
  const real = verifyAt(sub, key);
  const lookalikes = [
    { ...real.toJSON() },
    JSON.parse(JSON.stringify(real)),
    structuredClone(real.toJSON()),
    Object.create(mx.VerifiedToken.prototype),
    Object.setPrototypeOf({ ...real.toJSON() }, mx.VerifiedToken.prototype),
    new Proxy(real, {}),
    { token: sub, scope: { fullAccount: true, actions: mx.actions.map((a) => a.name), rooms: null, events: null } },
    undefined,
    null,
  ];
  for (const fake of lookalikes) throwsCode(() => mx.authorize(fake, request), 'invalid_argument', notVerified);
  assert.equal(mx.authorize(real, request).allowed, true);
});

test('VerifiedToken cannot be constructed, and its getters refuse forged objects', () => {
  throwsCode(() => new mx.VerifiedToken(), 'invalid_argument', /only from verify/);
  throwsCode(() => new mx.VerifiedToken(Symbol('mxscope.VerifiedToken'), {}), 'invalid_argument');
  const forged = Object.create(mx.VerifiedToken.prototype);
  throwsCode(() => forged.scope, 'invalid_argument', /not a VerifiedToken/);
  throwsCode(() => forged.token, 'invalid_argument');
  throwsCode(() => forged.authorize(request), 'invalid_argument');
});

test('a VerifiedToken stays valid however many verifications follow', () => {
  // Verified tokens live in a small ring inside the module; once a slot is reused the token is
  // re-derived from its text, keys, time and skew. Decisions and messages must not change.
  const first = verifyAt(sub, key);
  const other = mx.attenuate(rootToken(key), { actions: ['join'], rooms: [roomB] });
  const verifier = new mx.Verifier({ trustedKeys: key });
  for (let i = 0; i < 600; i++) verifier.verify(other, now);
  assert.equal(mx.authorize(first, request).allowed, true);
  assert.deepEqual(mx.authorize(first, { action: 'send_message', roomId: roomB }), {
    allowed: false, reason: 'room_not_allowed', message: 'block 1 allows only rooms !aaa:example.org',
  });
  assert.deepEqual(first.scope.rooms, [roomA]);
  assert.equal(first.verifiedAt, now);
});

test('a re-derived token keeps its own verification time and skew', () => {
  const expiring = mx.attenuate(rootToken(key), { notAfter: now + hour, rooms: [roomA] });
  const v = mx.verify(expiring, { trustedKeys: key, now: now + hour + 50_000, clockSkew: 60_000 });
  const verifier = new mx.Verifier({ trustedKeys: key });
  for (let i = 0; i < 300; i++) verifier.verify(sub, now);
  assert.equal(mx.authorize(v, { action: 'join', roomId: roomA }).allowed, true);
});

test('authorize does not re-check revocation or time: verify again for that', () => {
  const verifier = new mx.Verifier({ trustedKeys: key });
  const v = verifier.verify(sub, now);
  verifier.revoked.add(mx.revocationIds(sub)[1]);
  assert.equal(mx.authorize(v, request).allowed, true, 'the decision is about the scope verified earlier');
  throwsCode(() => verifier.verify(sub, now), 'token_revoked');
});
