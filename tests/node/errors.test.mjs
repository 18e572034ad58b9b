// Bad input: tampered, truncated, spliced, oversized, expired, revoked, over-scoped, wrong types.
// Every failure must be an MxscopeError with the right stable code: never a number, an abort or
// another kind of exception.
import { test, describe as group } from 'node:test';
import assert from 'node:assert/strict';
import { mx, now, hour, alice, roomA, roomB, issuer, rootToken, verifyAt, throwsCode, flipByte } from './fixtures.mjs';

const key = issuer();
const root = rootToken(key);
const sub = mx.attenuate(root, { actions: ['send_message', 'read_timeline'], rooms: [roomA], notAfter: now + hour, name: 'bot' });
const parseCodes = new Set(['malformed_token', 'bad_checksum', 'unsupported_version', 'unknown_critical', 'too_large']);

// The binary layout (docs/token-format.md §3): version, header, key id, then per block
// [signer (blocks >= 1)] varint length, payload, signature; then the tail.
function readVarint(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}
function split(token) {
  const bytes = mx.toBytes(token);
  const count = (bytes[1] & 0x1f) + 1;
  let at = 6;
  const blocks = [];
  for (let i = 0; i < count; i++) {
    const start = at;
    if (i > 0) at += 32;
    const [len, payloadAt] = readVarint(bytes, at);
    at = payloadAt + len + 64;
    blocks.push(bytes.slice(start, at));
  }
  return { head: bytes.slice(0, 6), blocks, tail: bytes.slice(at) };
}
function join({ head, blocks, tail }) {
  const parts = [head, ...blocks, tail];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

group('tampered tokens', () => {
  test('the layout helper reassembles a token exactly', () => {
    assert.equal(mx.fromBytes(join(split(sub))), sub);
  });

  test('every single-byte change of the binary form is rejected', () => {
    const length = mx.toBytes(sub).length;
    const seen = new Set();
    for (let i = 0; i < length; i++) {
      let error;
      try {
        verifyAt(flipByte(sub, i), key);
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof mx.MxscopeError, `byte ${i} changed and the token still verified (or threw ${error})`);
      seen.add(error.code);
    }
    // Which code depends on the byte: the version, the key id, a field, a signature, the tail.
    for (const code of seen) assert.ok(['bad_signature', 'unknown_key', 'malformed_token', 'unsupported_version', 'unknown_critical'].includes(code), code);
    assert.ok(seen.has('bad_signature') && seen.has('unknown_key') && seen.has('unsupported_version'));
  });

  test('a changed signature or next-key seed is bad_signature', () => {
    throwsCode(() => verifyAt(flipByte(sub, -1), key), 'bad_signature', /block 1/);
    const { blocks } = split(sub);
    throwsCode(() => verifyAt(flipByte(sub, 6 + blocks[0].length - 1), key), 'bad_signature', /block 0/);
  });

  test('a mistyped character in the text form is bad_checksum', () => {
    const i = 40;
    const typo = sub.slice(0, i) + (sub[i] === 'a' ? 'b' : 'a') + sub.slice(i + 1);
    throwsCode(() => mx.inspect(typo), 'bad_checksum', /mistyped or cut short/);
    throwsCode(() => verifyAt(typo, key), 'bad_checksum');
  });

  test('a block spliced in from a sibling token is bad_signature', () => {
    const sibling = mx.attenuate(root, { actions: ['send_message'], rooms: [roomB] });
    const a = split(sub);
    const b = split(sibling);
    throwsCode(() => verifyAt(join({ ...a, blocks: [a.blocks[0], b.blocks[1]] }), key), 'bad_signature');
    throwsCode(() => verifyAt(join({ ...b, tail: a.tail }), key), 'bad_signature');
  });

  test('dropping the last block (to escape its restrictions) is bad_signature', () => {
    const { head, blocks, tail } = split(sub);
    const shorter = join({ head: Uint8Array.of(head[0], head[1] - 1, ...head.slice(2)), blocks: blocks.slice(0, 1), tail });
    throwsCode(() => verifyAt(shorter, key), 'bad_signature');
  });

  test('a root signed by another key is unknown_key, naming the key id', () => {
    const stranger = rootToken(issuer(2));
    throwsCode(() => verifyAt(stranger, key), 'unknown_key', new RegExp(issuer(2).keyId));
    throwsCode(() => mx.verify(root, { trustedKeys: [], now }), 'unknown_key');
  });
});

group('truncated and malformed tokens', () => {
  test('every truncation of the binary form fails to parse', () => {
    const bytes = mx.toBytes(sub);
    for (let n = 0; n < bytes.length; n++) throwsCode(() => mx.fromBytes(bytes.slice(0, n)), 'malformed_token');
  });

  test('every truncation of the text form fails to parse', () => {
    for (let n = 0; n < sub.length; n++) {
      let error;
      try {
        mx.inspect(sub.slice(0, n));
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof mx.MxscopeError && ['malformed_token', 'bad_checksum'].includes(error.code), `${n}: ${error}`);
    }
  });

  test('trailing bytes, a wrong prefix and bad base64 are malformed_token', () => {
    const bytes = mx.toBytes(sub);
    throwsCode(() => mx.fromBytes(Uint8Array.of(...bytes, 0)), 'malformed_token', /trailing/);
    throwsCode(() => mx.inspect('mxpk1_' + sub.slice(5)), 'malformed_token', /mxs1_/);
    throwsCode(() => mx.inspect('mxs1_$$$$'), 'malformed_token');
    throwsCode(() => mx.inspect(''), 'malformed_token');
    throwsCode(() => mx.fromBytes(new Uint8Array(0)), 'malformed_token');
  });

  test('other format versions are unsupported_version', () => {
    throwsCode(() => mx.inspect('mxs2_' + sub.slice(5)), 'unsupported_version');
    const bytes = mx.toBytes(sub);
    bytes[0] = 2;
    throwsCode(() => mx.fromBytes(bytes), 'unsupported_version', /version 2/);
  });

  test('oversized input is too_large before anything else', () => {
    throwsCode(() => mx.inspect('mxs1_' + 'A'.repeat(20000)), 'too_large');
    throwsCode(() => mx.fromBytes(new Uint8Array(9000)), 'too_large');
  });

  test('a huge argument grows the module memory once, is refused, and its buffer is given back', () => {
    const before = mx.testing.memory();
    throwsCode(() => mx.inspect('mxs1_' + 'A'.repeat(8_000_000)), 'too_large');
    assert.ok(mx.testing.memory().heapBytes > before.heapBytes, 'the 24 MB argument buffer needed more memory');
    assert.equal(verifyAt(sub, key).userId, alice, 'the boundary works with the grown memory');
    assert.ok(mx.testing.memory().inUseBytes < before.inUseBytes + 1024 * 1024, 'the big buffer was freed');
  });

  test('random input only ever produces parse errors', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256));
      if (bytes.length > 0) bytes[0] = 1;
      const text = 'mxs1_' + Array.from({ length: Math.floor(random() * 300) }, () => alphabet[Math.floor(random() * 64)]).join('');
      for (const attempt of [() => mx.fromBytes(bytes), () => mx.inspect(text), () => mx.verify(bytes, { trustedKeys: key, now })]) {
        try {
          attempt();
        } catch (e) {
          assert.ok(e instanceof mx.MxscopeError, String(e));
          assert.ok(parseCodes.has(e.code) || e.code === 'unknown_key' || e.code === 'bad_signature', e.code);
        }
      }
    }
  });
});

group('time and revocation', () => {
  test('expired and not-yet-valid tokens are refused', () => {
    throwsCode(() => verifyAt(sub, key, now + 2 * hour), 'token_expired', /expired 3600 seconds ago/);
    const later = mx.attenuate(root, { notBefore: now + hour });
    throwsCode(() => verifyAt(later, key), 'token_not_yet_valid');
    throwsCode(() => verifyAt(rootToken(key, { notAfter: now - hour }), key), 'token_expired');
  });

  test('revoking a block revokes its descendants, not its ancestors', () => {
    const child = mx.attenuate(sub, { actions: ['send_message'] });
    const [rootId, subId, childId] = mx.revocationIds(child);
    throwsCode(() => verifyAt(child, key, now, { revoked: [subId] }), 'token_revoked', /block 1/);
    throwsCode(() => verifyAt(child, key, now, { revoked: [rootId] }), 'token_revoked', /whole login/);
    assert.equal(verifyAt(sub, key, now, { revoked: [childId] }).blockCount, 2);
  });
});

group('over-scoped attenuation', () => {
  test('asking for more than the parent allows is scope_too_broad, naming what', () => {
    throwsCode(() => mx.attenuate(sub, { actions: ['send_message', 'join'] }), 'scope_too_broad', /does not allow: join/);
    throwsCode(() => mx.attenuate(sub, { rooms: [roomB] }), 'scope_too_broad', /room !bbb:example.org is outside/);
    throwsCode(() => mx.attenuate(sub, { notAfter: now + 2 * hour }), 'scope_too_broad', /expiry is later/);
    const narrow = mx.attenuate(root, { actions: ['send_message'], events: [{ action: 'send_message', type: 'm.room.message', key: 'm.text' }] });
    throwsCode(() => mx.attenuate(narrow, { events: [{ action: 'send_message', type: 'm.room.message' }] }), 'scope_too_broad', /event pattern/);
    const from = mx.attenuate(root, { notBefore: now });
    throwsCode(() => mx.attenuate(from, { notBefore: now - hour }), 'scope_too_broad');
  });

  test('event patterns that leave an allowed event action with nothing are invalid_argument', () => {
    throwsCode(() => mx.attenuate(root, { actions: ['send_message', 'read_timeline'], events: [{ action: 'send_message', type: 'm.room.message' }] }), 'invalid_argument', /name nothing for read_timeline/);
  });

  test('the account action can never be delegated', () => {
    throwsCode(() => mx.attenuate(root, { actions: ['account'] }), 'scope_too_broad', /never be delegated/);
    throwsCode(() => mx.mint({ issuerSecretKey: key.secretKey, userId: alice, actions: ['account'] }), 'scope_too_broad');
  });
});

group('invalid arguments', () => {
  const badCaveats = [
    [{ rooms: ['not-a-room'] }, /not a room id/],
    [{ actions: ['fly'] }, /unknown action "fly"/],
    [{ events: [{ action: 'join', type: 'x' }] }, /event pattern needs an event-bearing action/],
    [{ events: [{ action: 'send_event' }] }, /needs an action and a type/],
    [{ events: [{ action: 'send_event', type: 'x', extra: 1 }] }, /unknown field "extra"/],
    [{ notBefore: now + hour, notAfter: now }, /not_before is after not_after/],
    [{ name: '' }, /1 to 255 bytes/],
    [{ name: 'x'.repeat(256) }, /1 to 255 bytes/],
    [{ room: [roomA] }, /unknown field "room"/],
    [{ rooms: roomA }, /rooms must be an array/],
    [{ rooms: [42] }, /a room id must be a string/],
    [{ notAfter: new Date('nonsense') }, /invalid Date/],
    [{ notAfter: NaN }, /finite/],
    [{ notAfter: Infinity }, /finite/],
    [{ notAfter: '2026-01-01' }, /Date or a number/],
    [{ notAfter: 10n }, /BigInt/],
    [{ notAfter: -5000 }, /time out of range/],
  ];

  test('bad caveats are invalid_argument with a message saying what', () => {
    for (const [caveats, pattern] of badCaveats) throwsCode(() => mx.attenuate(root, caveats), 'invalid_argument', pattern);
  });

  test('bad mint options are invalid_argument', () => {
    throwsCode(() => mx.mint({ issuerSecretKey: key.secretKey, userId: 'alice' }), 'invalid_argument', /not a Matrix user id/);
    throwsCode(() => mx.mint({ issuerSecretKey: key.secretKey }), 'invalid_argument', /userId/);
    throwsCode(() => mx.mint({ userId: alice }), 'invalid_argument', /issuerSecretKey/);
    throwsCode(() => mx.mint({ issuerSecretKey: key.publicKey, userId: alice }), 'invalid_argument', /not a secret key/);
    throwsCode(() => mx.mint({ issuerSecretKey: key.secretKey, userId: alice, deviceID: 'X' }), 'invalid_argument', /unknown field "deviceID"/);
    throwsCode(() => mx.mint(null), 'invalid_argument');
    throwsCode(() => mx.mint('token'), 'invalid_argument');
  });

  test('wrong argument types are invalid_argument, never a TypeError', () => {
    for (const bad of [undefined, null, 42, {}, [], { token: sub }]) {
      throwsCode(() => mx.inspect(bad), 'invalid_argument');
      throwsCode(() => mx.attenuate(bad, {}), 'invalid_argument');
      throwsCode(() => mx.seal(bad), 'invalid_argument');
      throwsCode(() => mx.toBytes(bad), 'invalid_argument');
      throwsCode(() => mx.verify(bad, { trustedKeys: key, now }), 'invalid_argument');
    }
    throwsCode(() => mx.describe(42), 'invalid_argument');
    throwsCode(() => mx.describe(null), 'invalid_argument');
    throwsCode(() => mx.describe([]), 'invalid_argument', /scope must be an object/);
    throwsCode(() => mx.describe(sub, { now: 'soon' }), 'invalid_argument', /now/);
    throwsCode(() => mx.describe(sub, 'soon'), 'invalid_argument');
    throwsCode(() => mx.fromBytes([1, 2, 3]), 'invalid_argument');
    throwsCode(() => mx.attenuate(root, 'rooms'), 'invalid_argument');
    throwsCode(() => mx.verify(sub), 'invalid_argument');
    throwsCode(() => mx.verify(sub, { trustedKeys: key, now: 'now' }), 'invalid_argument');
    throwsCode(() => mx.verify(sub, { trustedKeys: [42], now }), 'invalid_argument');
    throwsCode(() => mx.verify(sub, { trustedKeys: `${key.publicKey}\n${key.publicKey}`, now }), 'invalid_argument');
    throwsCode(() => mx.mapEndpoint('GET'), 'invalid_argument');
    throwsCode(() => mx.parseCapability(null), 'invalid_argument');
    throwsCode(() => mx.capabilitiesToScope('m.always_on_screen', roomA), 'invalid_argument');
    throwsCode(() => mx.capabilitiesToScope([1], roomA), 'invalid_argument');
    throwsCode(() => mx.scopeToCapabilities({ actions: ['nope'] }), 'invalid_argument');
    throwsCode(() => mx.scopeToCapabilities({ fullAccount: 'yes' }), 'invalid_argument');
    throwsCode(() => mx.describe({ unknown: true }), 'invalid_argument', /unknown field/);
    throwsCode(() => mx.describe(sub, { now, language: 'fr' }), 'invalid_argument', /unknown field "language"/);
    throwsCode(() => mx.describe(sub, { roomNames: { [roomA]: 5 } }), 'invalid_argument');
  });

  test('requests with unknown fields or actions are refused, so a typo never widens a decision', () => {
    const v = verifyAt(sub, key);
    throwsCode(() => mx.authorize(v, { action: 'read_timeline', room: roomB }), 'invalid_argument', /unknown field "room"/);
    throwsCode(() => mx.authorize(v, { action: 'teleport' }), 'invalid_argument', /unknown action/);
    throwsCode(() => mx.authorize(v, { roomId: roomA }), 'invalid_argument', /request.action/);
    throwsCode(() => mx.authorize(v, { action: 'send_message', roomId: 5 }), 'invalid_argument');
    throwsCode(() => mx.authorize(v, null), 'invalid_argument');
    throwsCode(() => mx.authorizeScope({}, { action: 'x' }), 'invalid_argument');
  });

  test('non-ASCII text crosses the boundary intact', () => {
    const name = 'Bot 🤖 für Ünïcödé';
    const room = '!räum-😀:example.org';
    const token = mx.attenuate(root, { name, rooms: [room] });
    assert.equal(mx.inspect(token).blocks[1].caveats.name, name);
    const v = verifyAt(token, key);
    assert.equal(v.name, name);
    assert.equal(mx.authorize(v, { action: 'join', roomId: room }).allowed, true);
    assert.equal(mx.describe(token, { now, roomNames: { [room]: 'Café ☕' } }).find((s) => s.action === 'join').text, 'Join Café ☕ as you');
  });
});
