// Shared fixtures for the node:test suites: the package as users import it (self-reference through
// package.json "exports", so this is dist/node/), fixed keys and a fixed clock.
import assert from 'node:assert/strict';
import * as mx from 'mxscope';

export { mx };

/** The fixed clock the native tests use too: 2026-05-01 13:02:30 UTC, in epoch ms. */
export const now = 1777640550 * 1000;
export const hour = 3600 * 1000;

export const alice = '@alice:example.org';
export const roomA = '!aaa:example.org';
export const roomB = '!bbb:example.org';
export const roomC = '!ccc:example.org';

await mx.ready();

/** An issuer key from a seed of 32 copies of `fill` (as the native tests' mxtest::issuer). */
export function issuer(fill = 1) {
  return mx.issuerKeyFromSeed(new Uint8Array(32).fill(fill));
}

/** A root token for @alice on device PHONE with `caveats` on the root block. */
export function rootToken(key = issuer(), caveats = {}) {
  return mx.mint({ issuerSecretKey: key.secretKey, userId: alice, deviceId: 'PHONE', ...caveats });
}

/** Verifies at the fixed clock against just `key`. */
export function verifyAt(token, key = issuer(), at = now, extra = {}) {
  return mx.verify(token, { trustedKeys: [key.publicKey], now: at, ...extra });
}

/** Asserts that `fn` throws an MxscopeError with `code` (and returns it). */
export function throwsCode(fn, code, messagePattern) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected ${code}, but nothing was thrown`);
  assert.ok(error instanceof mx.MxscopeError, `expected an MxscopeError(${code}), got ${error?.constructor?.name}: ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  if (messagePattern) assert.match(error.message, messagePattern);
  return error;
}

/** The binary form with one byte changed. */
export function flipByte(token, index) {
  const bytes = mx.toBytes(token);
  bytes[index < 0 ? bytes.length + index : index] ^= 0x01;
  return bytes;
}
