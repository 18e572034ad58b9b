// Type-checked (not run) by types.test.mjs: the declarations in js/index.d.ts describe the API a
// TypeScript user sees through the package's "types" export.
import {
  ready, isReady, version, actions, MxscopeError, generateIssuerKey, issuerKeyFromText, issuerKeyFromSeed,
  publicKeyOf, keyIdOf, mint, attenuate, seal, inspect, revocationIds, toBytes, fromBytes, verify, Verifier,
  VerifiedToken, authorize, authorizeScope, RevocationSet, describe, mapEndpoint, parseCapability,
  capabilitiesToScope, allowedCapabilities, scopeToCapabilities, testing,
} from 'mxscope';
import type { ActionInfo, Decision, ErrorCode, Scope, Sentence, TokenInfo, ActionRequest } from 'mxscope';

await ready({ locateFile: (file) => `/assets/${file}` });
const ok: boolean = isReady();
const v: string = version;
const table: readonly ActionInfo[] = actions;
const key = generateIssuerKey();
const same: string = issuerKeyFromText(key.secretKey).publicKey + issuerKeyFromSeed(new Uint8Array(32)).keyId;
const pk: string = publicKeyOf(key.secretKey) + keyIdOf(key.publicKey);
const root: string = mint({ issuerSecretKey: key.secretKey, userId: '@a:b', deviceId: 'D', notAfter: new Date() });
const sub = attenuate(root, { actions: ['send_message'], rooms: new Set(['!r:b']), events: [{ action: 'send_message', type: 'm.room.message', key: 'm.text' }], notAfter: Date.now() });
const sealed: string = seal(sub);
const info: TokenInfo = inspect(toBytes(sealed));
const ids: string[] = revocationIds(fromBytes(toBytes(sub)));
const revoked = new RevocationSet(ids.slice(0, 1));
revoked.add(ids[0]!);
const n: number = revoked.size;
for (const id of revoked) id.toUpperCase();
const verified: VerifiedToken = verify(sub, { trustedKeys: [key.publicKey, key], now: new Date(), revoked, clockSkew: 5000 });
const verifier = new Verifier({ trustedKeys: key, revoked: ['00'.repeat(16)], cacheSize: 16 });
const again: VerifiedToken = verifier.verify(verified, Date.now());
verifier.revoked.delete(ids[0]!);
const request: ActionRequest = { action: 'send_message', roomId: '!r:b', key: 'm.text' };
const d: Decision = authorize(again, request);
const d2: Decision = again.authorize({ action: 'join', roomId: '!r:b' });
const d3: Decision = authorizeScope(info.claimedScope, { action: 'typing', roomId: '!r:b' });
const scope: Readonly<Scope> = verified.scope;
const s: Sentence[] = describe(verified, { now: new Date(), roomNames: { '!r:b': 'Room' } }).concat(describe(sub), describe({ actions: ['join'] }));
const m = mapEndpoint('GET', '/_matrix/client/v3/sync');
if (m.kind === 'request' && m.request) authorize(verified, m.request);
const c = parseCapability('m.always_on_screen');
const r = capabilitiesToScope(['m.always_on_screen'], '!r:b');
const allowed: string[] = allowedCapabilities(['m.always_on_screen'], r.scope, '!r:b').concat(scopeToCapabilities(verified));
const det: string = testing.withDeterministicRandom('seed', () => mint({ issuerSecretKey: key.secretKey, userId: '@a:b' }));
const mem: number = testing.memory().heapBytes;
try {
  verify('x', { trustedKeys: [] });
} catch (e) {
  if (e instanceof MxscopeError) {
    const code: ErrorCode = e.code;
  }
}

// @ts-expect-error a plain object that merely looks verified is not a VerifiedToken
authorize({ token: sub, scope, userId: '@a:b' }, request);
// @ts-expect-error the parse result of inspect() is not a VerifiedToken either
authorize(info, request);
// @ts-expect-error unknown action names are caught at compile time
authorize(verified, { action: 'delete_everything' });
// @ts-expect-error VerifiedToken cannot be constructed
new VerifiedToken();
void [ok, v, table, same, pk, sealed, n, d, d2, d3, s, c, allowed, det, mem];
