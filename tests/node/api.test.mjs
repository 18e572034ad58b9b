// The whole JS API on its good paths: keys, tokens, bytes, verification, authorisation,
// revocation, describe, the Matrix mappings, the action table and the testing hook.
import { test, describe as group } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mx, now, hour, alice, roomA, roomB, roomC, issuer, rootToken, verifyAt, throwsCode } from './fixtures.mjs';

const repo = new URL('../../', import.meta.url);

group('package and initialisation', () => {
  test('ready() is idempotent and isReady() reports it', async () => {
    await mx.ready();
    await mx.ready();
    assert.equal(mx.isReady(), true);
  });

  test('the package, the JS wrapper and the C++ project have one version', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', repo), 'utf8'));
    const cmake = readFileSync(new URL('CMakeLists.txt', repo), 'utf8').match(/project\(mxscope VERSION ([0-9.]+)/)[1];
    assert.equal(mx.version, pkg.version);
    assert.equal(mx.version, cmake);
  });

  test('the action table has every action in index order, frozen', () => {
    assert.equal(mx.actions.length, 26);
    mx.actions.forEach((row, i) => assert.equal(row.index, i));
    assert.deepEqual(mx.actions[2], {
      name: 'send_message', index: 2, risk: 'high', rooms: 'required', events: 'message', rootOnly: false, widgetOnly: false,
    });
    const account = mx.actions.find((a) => a.name === 'account');
    assert.equal(account.rootOnly, true);
    assert.equal(mx.actions.filter((a) => a.widgetOnly).map((a) => a.name).join(), 'navigate,always_on_screen');
    assert.ok(Object.isFrozen(mx.actions) && Object.isFrozen(mx.actions[0]));
  });
});

group('keys', () => {
  test('a generated key has a secret text, a public text and a key id', () => {
    const k = mx.generateIssuerKey();
    assert.match(k.secretKey, /^mxsk1_[A-Za-z0-9_-]{48}$/);
    assert.match(k.publicKey, /^mxpk1_[A-Za-z0-9_-]{43}$/);
    assert.match(k.keyId, /^[0-9a-f]{8}$/);
    assert.notEqual(mx.generateIssuerKey().publicKey, k.publicKey);
  });

  test('secret key text round-trips and gives the public key and key id', () => {
    const k = mx.generateIssuerKey();
    assert.deepEqual(mx.issuerKeyFromText(k.secretKey), k);
    assert.equal(mx.publicKeyOf(k.secretKey), k.publicKey);
    assert.equal(mx.keyIdOf(k.publicKey), k.keyId);
  });

  test('a seed gives the same key every time', () => {
    assert.deepEqual(issuer(7), issuer(7));
    assert.notEqual(issuer(7).publicKey, issuer(8).publicKey);
  });

  test('bad key input is refused with a stable code', () => {
    throwsCode(() => mx.issuerKeyFromText('mxsk1_nope'), 'invalid_argument');
    throwsCode(() => mx.issuerKeyFromText(issuer().publicKey), 'invalid_argument');
    const text = issuer().secretKey;
    const damaged = text.slice(0, 10) + (text[10] === 'A' ? 'B' : 'A') + text.slice(11);
    throwsCode(() => mx.issuerKeyFromText(damaged), 'bad_checksum');
    throwsCode(() => mx.issuerKeyFromSeed(new Uint8Array(31)), 'invalid_argument');
    throwsCode(() => mx.issuerKeyFromSeed('seed'), 'invalid_argument');
    throwsCode(() => mx.keyIdOf('mxpk1_short'), 'invalid_argument');
    throwsCode(() => mx.publicKeyOf(42), 'invalid_argument');
  });
});

group('mint, attenuate, seal, inspect', () => {
  test('a root token names the login and is a full-account token', () => {
    const info = mx.inspect(rootToken());
    assert.equal(info.userId, alice);
    assert.equal(info.deviceId, 'PHONE');
    assert.equal(info.keyId, issuer().keyId);
    assert.equal(info.blockCount, 1);
    assert.equal(info.sealed, false);
    assert.equal(info.claimedScope.fullAccount, true);
    assert.equal(info.claimedScope.rooms, null);
    assert.equal(info.claimedScope.notAfter, null);
    assert.ok(info.claimedScope.actions.includes('account'));
    assert.deepEqual(info.blocks[0].caveats, {});
    assert.equal(info.revocationIds.length, 1);
    assert.equal(info.byteLength, mx.toBytes(rootToken()).length);
  });

  test('root caveats take Dates or epoch ms and are floored to the second', () => {
    const token = rootToken(issuer(), {
      actions: ['read_timeline', 'send_message'],
      rooms: new Set([roomB, roomA]),
      notBefore: new Date(now - hour + 999),
      notAfter: now + hour + 500,
      name: 'laptop',
    });
    const { caveats } = mx.inspect(token).blocks[0];
    assert.deepEqual(caveats, {
      actions: ['read_timeline', 'send_message'],
      rooms: [roomA, roomB],
      notBefore: now - hour,
      notAfter: now + hour,
      name: 'laptop',
    });
    assert.equal(mx.inspect(token).claimedScope.fullAccount, false);
  });

  test('a device id is optional', () => {
    const token = mx.mint({ issuerSecretKey: issuer().secretKey, userId: alice });
    assert.equal(mx.inspect(token).deviceId, null);
  });

  test('attenuation adds a block and narrows the claimed scope', () => {
    const root = rootToken();
    const events = [{ action: 'read_timeline', type: 'm.room.message' }, { action: 'send_message', type: 'm.room.message', key: 'm.text' }];
    const sub = mx.attenuate(root, { actions: ['send_message', 'read_timeline'], rooms: [roomA], events, notAfter: now + hour, name: 'bot' });
    const info = mx.inspect(sub);
    assert.equal(info.blockCount, 2);
    assert.deepEqual(info.blocks[1].caveats.events, events);
    assert.deepEqual(info.claimedScope, {
      fullAccount: false,
      actions: ['read_timeline', 'send_message'],
      rooms: [roomA],
      events,
      notBefore: null,
      notAfter: now + hour,
      name: 'bot',
      sealed: false,
    });
    assert.deepEqual(info.revocationIds.slice(0, 1), mx.revocationIds(root));
    const deeper = mx.attenuate(sub, { rooms: [roomA] });
    assert.equal(mx.inspect(deeper).blockCount, 3);
    assert.deepEqual(mx.revocationIds(deeper).slice(0, 2), info.revocationIds);
  });

  test('attenuate takes text, bytes or a VerifiedToken', () => {
    const root = rootToken();
    for (const input of [root, mx.toBytes(root), verifyAt(root)]) {
      assert.equal(mx.inspect(mx.attenuate(input, { rooms: [roomA] })).blockCount, 2);
    }
  });

  test('an empty attenuation is allowed and restricts nothing new', () => {
    const sub = mx.attenuate(rootToken());
    assert.deepEqual(mx.inspect(sub).blocks[1].caveats, {});
  });

  test('a sealed token verifies but cannot be attenuated', () => {
    const sealed = mx.seal(mx.attenuate(rootToken(), { rooms: [roomA] }));
    assert.equal(mx.inspect(sealed).sealed, true);
    assert.equal(mx.inspect(sealed).claimedScope.sealed, true);
    assert.equal(verifyAt(sealed).sealed, true);
    assert.equal(mx.seal(sealed), sealed);
    throwsCode(() => mx.attenuate(sealed, { rooms: [roomA] }), 'token_sealed');
  });

  test('binary form round-trips', () => {
    const token = mx.attenuate(rootToken(), { rooms: [roomA] });
    const bytes = mx.toBytes(token);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes[0], 1, 'format version byte');
    assert.equal(mx.fromBytes(bytes), token);
    assert.deepEqual(mx.inspect(bytes), mx.inspect(token));
    assert.ok(token.startsWith('mxs1_'));
  });
});

group('verify and authorize', () => {
  const key = issuer();
  const sub = mx.attenuate(rootToken(key), {
    actions: ['send_message', 'read_timeline', 'send_state'],
    rooms: [roomA, roomB],
    events: [
      { action: 'send_message', type: 'm.room.message', key: 'm.text' },
      { action: 'send_state', type: 'm.room.topic', key: '' },
      { action: 'read_timeline', type: '*' },
    ],
    notAfter: now + hour,
    name: 'bot',
  });

  test('a verified token reports its login and effective scope', () => {
    const v = verifyAt(sub, key, new Date(now + 1234));
    assert.ok(v instanceof mx.VerifiedToken);
    assert.equal(v.token, sub);
    assert.equal(v.verifiedAt, now + 1000);
    assert.equal(v.userId, alice);
    assert.equal(v.deviceId, 'PHONE');
    assert.equal(v.keyId, key.keyId);
    assert.equal(v.blockCount, 2);
    assert.equal(v.sealed, false);
    assert.equal(v.name, 'bot');
    assert.deepEqual(v.revocationIds, mx.revocationIds(sub));
    assert.deepEqual(v.scope.rooms, [roomA, roomB]);
    assert.ok(Object.isFrozen(v.scope));
    assert.deepEqual(JSON.parse(JSON.stringify(v)).scope, v.scope);
  });

  test('trusted keys may be texts, IssuerKey objects or an iterable of them', () => {
    for (const trustedKeys of [key.publicKey, key, [key], new Set([issuer(9).publicKey, key.publicKey])]) {
      assert.equal(mx.verify(sub, { trustedKeys, now }).userId, alice);
    }
  });

  test('requests inside the scope are allowed', () => {
    const v = verifyAt(sub, key);
    const yes = (request) => assert.deepEqual(mx.authorize(v, request), { allowed: true, reason: 'allowed', message: 'allowed' });
    yes({ action: 'send_message', roomId: roomA, eventType: 'm.room.message', key: 'm.text' });
    yes({ action: 'send_message', roomId: roomB, key: 'm.text' });
    yes({ action: 'send_state', roomId: roomA, eventType: 'm.room.topic', key: '' });
    yes({ action: 'read_timeline', roomId: roomB, eventType: 'm.room.member' });
    assert.equal(v.authorize({ action: 'send_message', roomId: roomA, key: 'm.text', eventType: undefined }).allowed, true);
    assert.equal(mx.authorize(v, { action: 'read_timeline' }).allowed, true, 'a read across rooms, filtered by the caller');
  });

  test('denials carry a stable reason and a message naming the block', () => {
    const v = verifyAt(sub, key);
    const no = (request, reason, pattern) => {
      const d = mx.authorize(v, request);
      assert.equal(d.allowed, false);
      assert.equal(d.reason, reason, d.message);
      assert.match(d.message, pattern);
    };
    no({ action: 'send_message', roomId: roomC, key: 'm.text' }, 'room_not_allowed', /^block 1 allows only rooms !aaa:example.org, !bbb:example.org$/);
    no({ action: 'join', roomId: roomA }, 'action_not_allowed', /^block 1 does not allow join$/);
    no({ action: 'send_message', key: 'm.text' }, 'room_required', /needs a room id/);
    no({ action: 'send_message', roomId: roomA, key: 'm.image' }, 'event_not_allowed', /m\.room\.message#m\.image/);
    no({ action: 'send_state', roomId: roomA }, 'event_type_required', /needs an event type/);
    no({ action: 'account' }, 'root_only', /reserved for the full-account root token/);
  });

  test('a full-account root may do root-only things', () => {
    assert.equal(mx.authorize(verifyAt(rootToken(key), key), { action: 'account' }).allowed, true);
  });

  test('authorizeScope decides against a bare scope the same way', () => {
    const { scope } = mx.capabilitiesToScope(['org.matrix.msc2762.send.event:m.reaction'], roomA);
    assert.equal(mx.authorizeScope(scope, { action: 'send_event', roomId: roomA, eventType: 'm.reaction' }).allowed, true);
    const d = mx.authorizeScope(scope, { action: 'send_event', roomId: roomB, eventType: 'm.reaction' });
    assert.deepEqual([d.allowed, d.reason], [false, 'room_not_allowed']);
    assert.match(d.message, /^the token allows only rooms/);
    assert.equal(mx.authorizeScope(verifyAt(sub, key), { action: 'join', roomId: roomA }).reason, 'action_not_allowed');
  });

  test('verify honours the clock skew (milliseconds, default 30 s)', () => {
    const expiring = mx.attenuate(rootToken(key), { notAfter: now });
    assert.equal(verifyAt(expiring, key, now + 30_000).userId, alice);
    throwsCode(() => verifyAt(expiring, key, now + 31_000), 'token_expired', /expired 31 seconds ago/);
    assert.equal(verifyAt(expiring, key, now + 100_000, { clockSkew: 100_000 }).userId, alice);
    throwsCode(() => verifyAt(expiring, key, now + 1000, { clockSkew: 0 }), 'token_expired');
    const later = mx.attenuate(rootToken(key), { notBefore: now + hour });
    throwsCode(() => verifyAt(later, key), 'token_not_yet_valid', /not valid for another 3600 seconds/);
    assert.equal(verifyAt(later, key, now + hour - 20_000).userId, alice);
  });
});

group('Verifier', () => {
  const key = issuer();
  const root = rootToken(key);
  const sub = mx.attenuate(root, { rooms: [roomA], notAfter: now + hour });

  test('verifies with a chain cache and reports its size', () => {
    const verifier = new mx.Verifier({ trustedKeys: [key.publicKey] });
    assert.equal(verifier.cacheSize, 0);
    const a = verifier.verify(sub, now);
    const b = verifier.verify(sub, new Date(now + 1000));
    assert.equal(verifier.cacheSize, 1);
    assert.deepEqual(a.scope, b.scope);
    assert.equal(b.verifiedAt, now + 1000);
    verifier.clearCache();
    assert.equal(verifier.cacheSize, 0);
  });

  test('its revocation set is live: revoking and un-revoking apply to the next verify', () => {
    const verifier = new mx.Verifier({ trustedKeys: key });
    assert.equal(verifier.revoked.size, 0);
    verifier.verify(sub, now);
    const [rootId, subId] = mx.revocationIds(sub);
    verifier.revoked.add(subId);
    throwsCode(() => verifier.verify(sub, now), 'token_revoked', /block 1 was revoked/);
    assert.equal(verifier.verify(root, now).blockCount, 1, 'the parent is not revoked by its child id');
    verifier.revoked.delete(subId);
    assert.equal(verifier.verify(sub, now).blockCount, 2);
    verifier.revoked.add(rootId);
    throwsCode(() => verifier.verify(sub, now), 'token_revoked', /whole login/);
  });

  test('a shared RevocationSet revokes in every verifier using it', () => {
    const revoked = new mx.RevocationSet();
    const one = new mx.Verifier({ trustedKeys: key, revoked });
    const two = new mx.Verifier({ trustedKeys: key, revoked, clockSkew: 0, cacheSize: 2 });
    assert.equal(one.revoked, revoked);
    one.verify(sub, now);
    two.verify(sub, now);
    revoked.load(`# mxscope revocations v1\n${mx.revocationIds(sub)[1]}\n`);
    throwsCode(() => one.verify(sub, now), 'token_revoked');
    throwsCode(() => two.verify(sub, now), 'token_revoked');
  });

  test('an iterable of ids is copied into the verifier\'s own set', () => {
    const ids = [mx.revocationIds(sub)[1]];
    const verifier = new mx.Verifier({ trustedKeys: key, revoked: ids });
    throwsCode(() => verifier.verify(sub, now), 'token_revoked');
    assert.deepEqual(verifier.revoked.ids(), ids);
  });

  test('the cache never skips time checks', () => {
    const verifier = new mx.Verifier({ trustedKeys: key });
    verifier.verify(sub, now);
    throwsCode(() => verifier.verify(sub, now + 2 * hour), 'token_expired');
  });

  test('bad options are refused', () => {
    throwsCode(() => new mx.Verifier(), 'invalid_argument');
    throwsCode(() => new mx.Verifier({}), 'invalid_argument', /trustedKeys/);
    throwsCode(() => new mx.Verifier({ trustedKeys: 'mxpk1_x' }), 'invalid_argument');
    throwsCode(() => new mx.Verifier({ trustedKeys: key, cacheSize: 0 }), 'invalid_argument');
    throwsCode(() => new mx.Verifier({ trustedKeys: key, clockSkew: -1 }), 'invalid_argument');
    throwsCode(() => new mx.Verifier({ trustedKeys: key, revoked: ['nothex'] }), 'invalid_argument');
  });
});

group('RevocationSet', () => {
  const a = '0123456789abcdef0123456789abcdef';
  const b = 'ffffffffffffffffffffffffffffffff';

  test('behaves like a Set of lowercase hex ids', () => {
    const set = new mx.RevocationSet([b]);
    assert.equal(set.add(a.toUpperCase()), true);
    assert.equal(set.add(a), false);
    assert.equal(set.has(a), true);
    assert.equal(set.size, 2);
    assert.deepEqual(set.ids(), [a, b]);
    assert.deepEqual([...set], [a, b]);
    assert.equal(set.delete(b), true);
    assert.equal(set.delete(b), false);
    set.clear();
    assert.equal(set.size, 0);
  });

  test('text form round-trips; comments and blank lines are ignored', () => {
    const set = new mx.RevocationSet([b, a]);
    assert.equal(set.toText(), `# mxscope revocations v1\n${a}\n${b}\n`);
    assert.deepEqual(mx.RevocationSet.fromText(set.toText()).ids(), [a, b]);
    assert.deepEqual(mx.RevocationSet.fromText(`# hello\n\n  ${b}  \r\n# ${a}\n`).ids(), [b]);
    assert.equal(new mx.RevocationSet().toText(), '# mxscope revocations v1\n');
  });

  test('bad ids and bad lines are refused', () => {
    const set = new mx.RevocationSet();
    throwsCode(() => set.add('abc'), 'invalid_argument', /32 hex/);
    throwsCode(() => set.has(12), 'invalid_argument');
    throwsCode(() => mx.RevocationSet.fromText(`# v1\n${a}\nnope\n`), 'invalid_argument', /line 3/);
    throwsCode(() => new mx.RevocationSet('0123'), 'invalid_argument', /iterable/);
  });

  test('verify takes a set or an iterable of ids', () => {
    const key = issuer();
    const sub = mx.attenuate(rootToken(key), { rooms: [roomA] });
    const ids = mx.revocationIds(sub);
    throwsCode(() => verifyAt(sub, key, now, { revoked: new mx.RevocationSet([ids[0]]) }), 'token_revoked');
    throwsCode(() => verifyAt(sub, key, now, { revoked: [ids[1]] }), 'token_revoked');
    assert.equal(verifyAt(sub, key, now, { revoked: [a] }).blockCount, 2);
  });
});

group('describe', () => {
  const key = issuer();
  const token = mx.attenuate(rootToken(key), {
    actions: ['send_message', 'read_timeline'],
    rooms: [roomA],
    events: [{ action: 'send_message', type: 'm.room.message', key: 'm.text' }, { action: 'read_timeline', type: '*' }],
    notAfter: now + hour,
    name: 'bot',
  });

  test('a token reads as sentences with kinds and risks', () => {
    assert.deepEqual(mx.describe(token, { now, roomNames: { [roomA]: 'Team room' } }), [
      { kind: 'permission', risk: 'high', text: 'Read messages and other events in Team room', action: 'read_timeline', pattern: { action: 'read_timeline', type: '*' } },
      { kind: 'permission', risk: 'medium', text: 'Send text messages in Team room as you', action: 'send_message', pattern: { action: 'send_message', type: 'm.room.message', key: 'm.text' } },
      { kind: 'time', risk: 'low', text: 'Expires in 1 hour (at 14:02 UTC)' },
      { kind: 'name', risk: 'low', text: 'Messages it sends are labelled "bot"' },
      { kind: 'delegation', risk: 'medium', text: 'Can create further tokens with the same or less access' },
    ]);
  });

  test('token text, bytes, a VerifiedToken and its scope describe alike', () => {
    const opts = { now: new Date(now), roomNames: new Map([[roomA, 'Team room']]) };
    const expected = mx.describe(token, opts);
    assert.deepEqual(mx.describe(mx.toBytes(token), opts), expected);
    assert.deepEqual(mx.describe(verifyAt(token, key), opts), expected);
    assert.deepEqual(verifyAt(token, key).describe(opts), expected);
    assert.deepEqual(mx.describe(mx.inspect(token).claimedScope, opts), expected);
  });

  test('far times print the date; a root token is a full-account token that never expires', () => {
    const far = mx.attenuate(rootToken(key), { notAfter: now + 40 * 24 * hour });
    assert.equal(mx.describe(far, { now }).find((s) => s.kind === 'time').text, 'Expires in 40 days (at 2026-06-10 13:02 UTC)');
    const root = mx.describe(rootToken(key), { now });
    assert.deepEqual(root[0], { kind: 'account', risk: 'critical', text: 'Full access to your account, including your password, devices and encryption keys', action: 'account' });
    assert.ok(root.some((s) => s.text === 'Never expires' && s.risk === 'high'));
  });

  test('a bare scope object with defaults can be described', () => {
    assert.deepEqual(mx.describe({ actions: ['typing'], rooms: [roomA], sealed: true }, { now }).map((s) => s.text), [
      'Show that you are typing in !aaa:example.org',
      'Never expires',
      'Cannot create further tokens',
    ]);
  });
});

group('Matrix mappings', () => {
  test('client-server endpoints map to requests', () => {
    assert.deepEqual(mx.mapEndpoint('PUT', '/_matrix/client/v3/rooms/!a%3Aexample.org/send/m.room.message/txn1'), {
      kind: 'request', needsMsgtype: true, request: { action: 'send_message', roomId: '!a:example.org', eventType: 'm.room.message' },
    });
    assert.deepEqual(mx.mapEndpoint('GET', '/_matrix/client/v3/sync?since=s1'), { kind: 'request', needsMsgtype: false, request: { action: 'read_timeline' } });
    assert.deepEqual(mx.mapEndpoint('PUT', '/_matrix/client/v3/rooms/!a:b/state/m.room.topic'), {
      kind: 'request', needsMsgtype: false, request: { action: 'send_state', roomId: '!a:b', eventType: 'm.room.topic', key: '' },
    });
    assert.equal(mx.mapEndpoint('POST', '/_matrix/client/v3/account/password').request.action, 'account');
    assert.equal(mx.mapEndpoint('GET', '/_matrix/client/versions').kind, 'open');
    assert.deepEqual(mx.mapEndpoint('GET', '/_matrix/client/v3/some/new/thing'), { kind: 'unknown', needsMsgtype: false });
  });

  test('a mapped request can be authorised directly', () => {
    const key = issuer();
    const v = verifyAt(mx.attenuate(rootToken(key), { actions: ['read_timeline'], rooms: [roomA] }), key);
    const m = mx.mapEndpoint('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomA)}/messages`);
    assert.equal(mx.authorize(v, m.request).allowed, true);
  });

  test('widget capabilities parse, become a scope, and come back', () => {
    assert.deepEqual(mx.parseCapability('org.matrix.msc2762.send.event:m.room.message#m.text'), {
      kind: 'grant', action: 'send_message', pattern: { action: 'send_message', type: 'm.room.message', key: 'm.text' },
    });
    assert.deepEqual(mx.parseCapability(`org.matrix.msc2762.timeline:${roomB}`), { kind: 'room', roomId: roomB });
    assert.deepEqual(mx.parseCapability('org.matrix.msc2762.timeline:*'), { kind: 'any_room' });
    assert.deepEqual(mx.parseCapability('m.capability.screenshot'), { kind: 'host_only' });
    assert.deepEqual(mx.parseCapability('m.always_on_screen'), { kind: 'grant', action: 'always_on_screen' });
    assert.deepEqual(mx.parseCapability('com.example.whatever'), { kind: 'unknown' });

    const requested = [
      'org.matrix.msc2762.send.event:m.room.message#m.text',
      'org.matrix.msc2762.receive.state_event:m.room.name',
      `org.matrix.msc2762.timeline:${roomB}`,
      'm.capability.screenshot',
      'com.example.whatever',
    ];
    const r = mx.capabilitiesToScope(requested, roomA);
    assert.deepEqual(r.scope.actions, ['read_state', 'send_message']);
    assert.deepEqual(r.scope.rooms, [roomA, roomB]);
    assert.deepEqual(r.notGrantable, ['com.example.whatever']);
    assert.deepEqual(r.hostOnly, ['m.capability.screenshot']);
    assert.equal(r.anyRoom, false);
    assert.deepEqual(mx.allowedCapabilities(requested, r.scope, roomA), requested.slice(0, 4));
    const caps = mx.scopeToCapabilities(r.scope);
    assert.deepEqual(new Set(caps), new Set([...requested.slice(0, 2), `org.matrix.msc2762.timeline:${roomA}`, `org.matrix.msc2762.timeline:${roomB}`]));
  });

  test('allowedCapabilities never grants more than a verified token allows', () => {
    const key = issuer();
    const v = verifyAt(mx.attenuate(rootToken(key), { actions: ['send_message'], rooms: [roomA] }), key);
    assert.deepEqual(
      mx.allowedCapabilities(['org.matrix.msc2762.send.event:m.room.message', 'org.matrix.msc2762.send.event:m.reaction', 'org.matrix.msc2762.timeline:*'], v, roomA),
      ['org.matrix.msc2762.send.event:m.room.message'],
    );
  });
});

group('testing hook', () => {
  test('the same seed gives the same keys and tokens; another seed does not', () => {
    const run = (seed) =>
      mx.testing.withDeterministicRandom(seed, () => {
        const k = mx.generateIssuerKey();
        const root = mx.mint({ issuerSecretKey: k.secretKey, userId: alice });
        return [k.secretKey, root, mx.attenuate(root, { rooms: [roomA] })];
      });
    assert.deepEqual(run('vector-1'), run('vector-1'));
    assert.notDeepEqual(run('vector-1'), run('vector-2'));
    assert.notEqual(mx.generateIssuerKey().secretKey, mx.generateIssuerKey().secretKey, 'random again afterwards');
  });

  test('it cannot be nested and takes only synchronous functions', () => {
    throwsCode(() => mx.testing.withDeterministicRandom('a', () => mx.testing.withDeterministicRandom('b', () => 1)), 'invalid_argument', /nested/);
    throwsCode(() => mx.testing.withDeterministicRandom('a', async () => 1), 'invalid_argument', /synchronous/);
    assert.equal(mx.testing.withDeterministicRandom('a', () => 5), 5, 'usable again after a failure');
  });

  test('memory() reports the module heap', () => {
    const m = mx.testing.memory();
    assert.ok(m.heapBytes >= 16 * 1024 * 1024);
    assert.ok(m.inUseBytes > 0 && m.heapTop > 0);
  });
});
