// The JS tour: a bot token that may only post text in one room for an hour, described, verified,
// authorised and revoked. Run from the repo after scripts/build-wasm.sh:  node examples/node/quickstart.mjs
import { ready, generateIssuerKey, mint, attenuate, seal, describe, Verifier, authorize, inspect, MxscopeError } from 'mxscope';

await ready();
const room = '!backups:example.org';
const issuer = generateIssuerKey();
const root = mint({ issuerSecretKey: issuer.secretKey, userId: '@alice:example.org', deviceId: 'LAPTOP' });

const bot = seal(attenuate(root, {
  actions: ['send_message'],
  rooms: [room],
  events: [{ action: 'send_message', type: 'm.room.message', key: 'm.text' }],
  notAfter: Date.now() + 3600_000,
  name: 'backup-bot',
}));

for (const line of describe(bot, { roomNames: { [room]: 'Backup alerts' } })) console.log(`[${line.risk}] ${line.text}`);

const verifier = new Verifier({ trustedKeys: [issuer.publicKey] });
const ok = authorize(verifier.verify(bot), { action: 'send_message', roomId: room, eventType: 'm.room.message', key: 'm.text' });
const other = authorize(verifier.verify(bot), { action: 'send_message', roomId: '!general:example.org', eventType: 'm.room.message', key: 'm.text' });
console.log('post in Backup alerts:', ok.allowed, '| elsewhere:', other.reason, '-', other.message);

verifier.revoked.add(inspect(root).revocationIds[0]);   // revoke the login: every descendant dies
try {
  verifier.verify(bot);
} catch (e) {
  if (!(e instanceof MxscopeError)) throw e;
  console.log('after revoking the login:', e.code);
}
