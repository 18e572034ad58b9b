// The shared test vectors (tests/vectors/v1.json, schema in tests/vectors/README.md), derived
// again through the public JS API and compared byte for byte: issuer keys, token text and binary,
// revocation ids, tampered forms, verification results (effective scope or error code and stage),
// follow-up attenuations, and describe() sentences.
import { test, describe as group } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mx } from './fixtures.mjs';

const vectors = JSON.parse(readFileSync(new URL('../vectors/v1.json', import.meta.url), 'utf8'));

// ---- the file's conventions -> the JS API's ----

const ms = (seconds) => (seconds === undefined || seconds === null ? seconds : seconds * 1000);
const seconds = (millis) => (millis === null ? null : millis / 1000);
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const unhex = (text) => Uint8Array.from(Buffer.from(text, 'hex'));

/** Vector Caveats (snake_case, unix seconds) as JS API caveats. */
function caveats(c) {
  const out = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === 'not_before') out.notBefore = ms(v);
    else if (k === 'not_after') out.notAfter = ms(v);
    else out[k] = v;  // actions, rooms, events, name: same shape
  }
  return out;
}

/** A JS API scope in the file's Scope shape. */
function vectorScope(s) {
  return {
    full_account: s.fullAccount,
    actions: s.actions,
    rooms: s.rooms,
    events: s.events,
    not_before: seconds(s.notBefore),
    not_after: seconds(s.notAfter),
    name: s.name,
    sealed: s.sealed,
  };
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** The text form of arbitrary bytes with a correct checksum (so edits reach the parser). */
function textOf(binary) {
  const raw = Buffer.alloc(binary.length + 4);
  raw.set(binary);
  raw.writeUInt32BE(crc32(binary), binary.length);
  return 'mxs1_' + raw.toString('base64url');
}

function tamper(text, op) {
  const [[kind, value]] = Object.entries(op);
  if (kind === 'text_replace_char') return { text: text.slice(0, value.index) + value.char + text.slice(value.index + 1) };
  let bytes = mx.toBytes(text);
  const at = (n) => (n < 0 ? bytes.length + n : n);
  if (kind === 'flip_bit') bytes[at(value.offset)] ^= 1 << value.bit;
  else if (kind === 'set_byte') bytes[at(value.offset)] = value.value;
  else if (kind === 'truncate_by') bytes = bytes.slice(0, bytes.length - value);
  else if (kind === 'append_hex') bytes = Uint8Array.of(...bytes, ...unhex(value));
  else throw new Error(`unknown tamper op ${kind}`);
  return { text: textOf(bytes), hex: hex(bytes) };
}

const codeOf = (fn) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof mx.MxscopeError, String(e));
    return e.code;
  }
  return null;
};

// ---- the derivation ----

const issuers = Object.fromEntries(Object.entries(vectors.issuers).map(([name, i]) => [name, mx.issuerKeyFromSeed(unhex(i.seed_hex))]));

function derive(input) {
  const issuer = issuers[input.issuer];
  const output = {};
  let token;
  mx.testing.withDeterministicRandom(input.random_seed, () => {
    token = mx.mint({
      issuerSecretKey: issuer.secretKey,
      userId: input.root.user_id,
      deviceId: input.root.device_id,
      ...caveats(input.root.caveats),
    });
    for (const c of input.attenuate ?? []) token = mx.attenuate(token, caveats(c));
    if (input.seal) token = mx.seal(token);
    if (input.then_attenuate) {
      try {
        output.then_attenuate = { ok: true, text: mx.attenuate(token, caveats(input.then_attenuate)) };
      } catch (e) {
        assert.ok(e instanceof mx.MxscopeError, String(e));
        output.then_attenuate = { ok: false, error: e.code };
      }
    }
  });
  const info = mx.inspect(token);
  output.token = { text: token, hex: hex(mx.toBytes(token)), block_count: info.blockCount, sealed: info.sealed, revocation_ids: info.revocationIds };

  let presented = token;
  if (input.tamper) {
    output.tampered = tamper(token, input.tamper);
    presented = output.tampered.text;
  }
  if (input.verify) {
    const v = input.verify;
    const parseError = codeOf(() => mx.inspect(presented));
    if (parseError) {
      output.verify = { ok: false, error: parseError, stage: 'parse' };
    } else {
      let verified;
      const error = codeOf(() => {
        verified = mx.verify(presented, {
          trustedKeys: v.trusted.map((name) => issuers[name].publicKey),
          now: ms(v.now),
          clockSkew: ms(v.clock_skew),
          revoked: (v.revoke_blocks ?? []).map((i) => info.revocationIds[i]),
        });
      });
      output.verify = error ? { ok: false, error, stage: 'verify' } : { ok: true, scope: vectorScope(verified.scope) };
    }
  }
  if (input.describe) {
    output.describe = mx.describe(token, { now: ms(input.describe.now), roomNames: input.describe.room_names ?? {} });
  }
  return output;
}

// ---- the checks ----

test('the vectors file is format version 1 with cases', () => {
  assert.equal(vectors.format_version, 1);
  assert.ok(vectors.cases.length >= 20);
});

test('issuer keys derive from their seeds byte for byte', () => {
  for (const [name, expected] of Object.entries(vectors.issuers)) {
    assert.deepEqual(
      { public_key: issuers[name].publicKey, key_id_hex: issuers[name].keyId, secret_text: issuers[name].secretKey },
      { public_key: expected.public_key, key_id_hex: expected.key_id_hex, secret_text: expected.secret_text },
      name,
    );
  }
});

group('every vector case reproduces in WebAssembly', () => {
  for (const c of vectors.cases) {
    test(`${c.name}: ${c.description}`, () => {
      const got = derive(c.input);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(c.output).sort(), 'the same outputs are present');
      assert.equal(got.token.text, c.output.token.text, 'token text');
      assert.equal(got.token.hex, c.output.token.hex, 'token bytes');
      assert.deepEqual(got, c.output);
    });
  }
});
