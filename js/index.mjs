// mxscope — scoped, attenuable, revocable Matrix tokens: the C++ SDK compiled to WebAssembly.
// The API is documented in index.d.ts. Initialise once with `await ready()`; everything else is
// synchronous. Errors are MxscopeError with a stable `code`.
//
// This file talks to the module through wasm/bindings.cpp's extern "C" functions: strings go in
// as UTF-8 (pointer, length) pairs in a buffer the module lends (mx_in), every call returns 0 with
// its result in the output buffer (mx_out) or 1 with "<code>\x01<message>" there.
import createMxscopeCore from './mxscope-core.mjs';

/** The package version; equal to the C++ library's (checked by ready()). */
export const version = '0.1.0';

/** Every error mxscope throws. `code` is stable; `message` is for people. */
export class MxscopeError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'MxscopeError';
    this.code = code;
  }
}

/** The action table (filled by ready()). */
export let actions = Object.freeze([]);

let core = null;
let starting = null;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const invalid = (message) => new MxscopeError('invalid_argument', message);

/**
 * Loads and instantiates the WebAssembly module. Call once and await it before anything else;
 * later calls return the same promise. `options.wasmBinary` / `options.locateFile` are passed to
 * the Emscripten module (for bundlers or a custom location of mxscope-core.wasm).
 */
export function ready(options = {}) {
  if (!starting) {
    starting = (async () => {
      // Every key and token nonce comes from the Web Crypto API (wasm/sodium-randombytes.c); without
      // it there is no randomness, so refuse to start rather than fail at the first mint.
      if (typeof globalThis.crypto?.getRandomValues !== 'function') {
        throw new MxscopeError('init_failed', 'mxscope needs the Web Crypto API (globalThis.crypto.getRandomValues) for randomness; Node >= 20 and every current browser have it');
      }
      let m;
      try {
        m = await createMxscopeCore({ ...options });
      } catch (e) {
        throw new MxscopeError('init_failed', `mxscope could not load its WebAssembly module: ${e?.message ?? e}`);
      }
      if (!(m.HEAPU8 instanceof Uint8Array)) throw new MxscopeError('init_failed', 'the WebAssembly module exposes no memory view');
      if (m._mx_init() !== 0) throw new MxscopeError('init_failed', 'mxscope could not initialise libsodium');
      const coreVersion = decoder.decode(m.HEAPU8.subarray(m._mx_out(), m._mx_out() + m._mx_out_len()));
      if (coreVersion !== version) {
        throw new MxscopeError('init_failed', `mxscope-core.wasm is version ${coreVersion}, but index.mjs is ${version}: a mixed install`);
      }
      core = m;
      actions = deepFreeze(JSON.parse(call('action_table')));
    })();
    starting.catch(() => {
      starting = null;  // allow a retry (e.g. after a failed fetch)
    });
  }
  return starting;
}

/** Whether ready() has completed. */
export function isReady() {
  return core !== null;
}

// ---- the boundary ----

function need() {
  if (core === null) throw new MxscopeError('not_ready', 'mxscope is not initialised: `await ready()` first');
  return core;
}

// Calls mx_<name>: strings and Uint8Arrays become (pointer, length) in the module's argument
// buffer, numbers pass as they are, null as 0.
function invoke(name, args) {
  const c = need();
  let size = 0;
  for (const a of args) {
    if (typeof a === 'string') size += a.length * 3;  // UTF-8 never needs more than 3 bytes per UTF-16 unit
    else if (a instanceof Uint8Array) size += a.length;
  }
  let base = 0;
  let heap = null;
  if (size > 0) {
    base = c._mx_in(size);
    if (base === 0) throw new MxscopeError('out_of_memory', 'the WebAssembly heap is exhausted');
    heap = c.HEAPU8;  // read after mx_in, which may have grown the memory
  }
  const flat = [];
  let at = base;
  for (const a of args) {
    if (typeof a === 'string' || a instanceof Uint8Array) {
      if (a.length === 0) {
        flat.push(0, 0);
      } else if (typeof a === 'string') {
        const { written } = encoder.encodeInto(a, heap.subarray(at, base + size));
        flat.push(at, written);
        at += written;
      } else {
        heap.set(a, at);
        flat.push(at, a.length);
        at += a.length;
      }
    } else {
      flat.push(a ?? 0);
    }
  }
  try {
    return c[`_mx_${name}`](...flat);
  } catch (e) {
    throw new MxscopeError('internal_error', `the WebAssembly module failed: ${e?.message ?? e}`);
  }
}

function output() {
  const c = core;
  const at = c._mx_out();
  return c.HEAPU8.subarray(at, at + c._mx_out_len());
}

function failure() {
  const text = decoder.decode(output());
  const cut = text.indexOf('\x01');
  return new MxscopeError(text.slice(0, cut), text.slice(cut + 1));
}

/** Calls mx_<name> and returns its text result, or throws its MxscopeError. */
function call(name, ...args) {
  if (invoke(name, args) !== 0) throw failure();
  return decoder.decode(output());
}

/** Calls mx_<name> and returns a copy of its byte result. */
function callBytes(name, ...args) {
  if (invoke(name, args) !== 0) throw failure();
  return output().slice();
}

// ---- argument helpers ----

function deepFreeze(value) {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Epoch milliseconds from a Date or a number. */
function epochMs(value, what) {
  if (value instanceof Date) {
    const t = value.getTime();
    if (!Number.isFinite(t)) throw invalid(`${what} is an invalid Date`);
    return t;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalid(`${what} must be a Date or a number of epoch milliseconds`);
}

/** A duration in milliseconds (a finite number >= 0). */
function durationMs(value, what) {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw invalid(`${what} must be a number of milliseconds >= 0`);
}

/** JSON for the module: Dates become epoch ms, Sets arrays, Maps objects; NaN/Infinity are refused. */
function toJson(value, what) {
  if (value === undefined || value === null) return '{}';
  if (typeof value !== 'object') throw invalid(`${what} must be an object`);
  try {
    return JSON.stringify(value, function (key, v) {
      const raw = this[key];
      if (raw instanceof Date) return epochMs(raw, key || what);
      if (typeof v === 'number' && !Number.isFinite(v)) throw invalid(`${key || what} must be a finite number`);
      if (v instanceof Set) return [...v];
      if (v instanceof Map) return Object.fromEntries(v);
      if (typeof v === 'bigint') throw invalid(`${key || what} must be a number, not a BigInt`);
      return v;
    });
  } catch (e) {
    if (e instanceof MxscopeError) throw e;
    throw invalid(`${what} cannot be converted to JSON: ${e?.message ?? e}`);
  }
}

function stringArg(value, what) {
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  return value;
}

/** Token text from text, bytes or a VerifiedToken. */
function tokenText(token) {
  if (typeof token === 'string') return token;
  if (token instanceof Uint8Array) return fromBytes(token);
  const state = verifiedState.get(token);
  if (state) return state.text;
  throw invalid('a token must be token text (mxs1_...), its bytes (Uint8Array) or a VerifiedToken');
}

/** Trusted public keys as the module wants them: key texts, one per line. */
function keysText(trustedKeys) {
  if (trustedKeys === undefined || trustedKeys === null) throw invalid('trustedKeys is required (public keys, mxpk1_...)');
  const list = typeof trustedKeys === 'string' || !(Symbol.iterator in Object(trustedKeys)) ? [trustedKeys] : [...trustedKeys];
  return list
    .map((k) => {
      const text = typeof k === 'string' ? k : k?.publicKey;
      if (typeof text !== 'string' || text.includes('\n')) throw invalid('each trusted key must be a public key text (mxpk1_...) or an object with publicKey');
      return text;
    })
    .join('\n');
}

const requestFields = new Set(['action', 'roomId', 'eventType', 'key']);
const optional = (v, what) => (v === undefined || v === null ? null : stringArg(v, what));

/** [action, room, eventType, key, flags] for the module; unknown fields are refused. */
function requestArgs(request) {
  if (request === null || typeof request !== 'object') throw invalid('a request must be an object {action, roomId?, eventType?, key?}');
  for (const k of Object.keys(request)) {
    if (!requestFields.has(k)) throw invalid(`a request has an unknown field "${k}" (expected action, roomId, eventType, key)`);
  }
  const action = stringArg(request.action, 'request.action');
  const room = optional(request.roomId, 'request.roomId');
  const type = optional(request.eventType, 'request.eventType');
  const key = optional(request.key, 'request.key');
  const flags = (room !== null ? 1 : 0) | (type !== null ? 2 : 0) | (key !== null ? 4 : 0);
  return [action, room ?? '', type ?? '', key ?? '', flags];
}

function describeOptions(options) {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalid('describe options must be an object');
  const { now = Date.now(), roomNames, ...rest } = options ?? {};
  return toJson({ ...rest, now: epochMs(now, 'now'), roomNames }, 'describe options');
}

/** A scope (or a VerifiedToken's scope) as JSON. */
function scopeJson(scope) {
  const state = verifiedState.get(scope);
  return state ? JSON.stringify(infoOf(state).scope) : toJson(scope, 'scope');
}

const registry = new FinalizationRegistry(({ free, handle }) => {
  if (core !== null) core[free](handle);
});

// ---- keys ----

/** A new random issuer key. */
export function generateIssuerKey() {
  return JSON.parse(call('generate_key'));
}

/** The issuer key with this secret key text (mxsk1_...). */
export function issuerKeyFromText(secretKey) {
  return JSON.parse(call('key_from_text', stringArg(secretKey, 'secretKey')));
}

/** The issuer key with this 32-byte seed. */
export function issuerKeyFromSeed(seed) {
  if (!(seed instanceof Uint8Array)) throw invalid('seed must be a Uint8Array of 32 bytes');
  return JSON.parse(call('key_from_seed', seed));
}

/** The public key text (mxpk1_...) of a secret key text. */
export function publicKeyOf(secretKey) {
  return issuerKeyFromText(secretKey).publicKey;
}

/** The key id (8 hex characters) of a public key text; throws if it is not a public key. */
export function keyIdOf(publicKey) {
  return JSON.parse(call('public_key_info', stringArg(publicKey, 'publicKey'))).keyId;
}

// ---- tokens ----

/** Mints a root token for a login. */
export function mint(options) {
  if (options === null || typeof options !== 'object') throw invalid('mint needs an options object');
  const { issuerSecretKey, ...claims } = options;
  return call('mint', stringArg(issuerSecretKey, 'issuerSecretKey'), toJson(claims, 'mint options'));
}

/** A new token with one more block restricting `token` by `caveats`. */
export function attenuate(token, caveats = {}) {
  return call('attenuate', tokenText(token), toJson(caveats, 'caveats'));
}

/** A sealed copy of `token`: it verifies as before but cannot be attenuated. */
export function seal(token) {
  return call('seal', tokenText(token));
}

/** What a token says, WITHOUT verifying it. */
export function inspect(token) {
  return JSON.parse(call('inspect', tokenText(token)));
}

/** A token's revocation ids, root first. */
export function revocationIds(token) {
  return JSON.parse(call('revocation_ids', tokenText(token)));
}

/** The binary form of a token. */
export function toBytes(token) {
  return callBytes('to_bytes', tokenText(token));
}

/** Token text from the binary form. */
export function fromBytes(bytes) {
  if (!(bytes instanceof Uint8Array)) throw invalid('fromBytes needs a Uint8Array');
  return call('from_bytes', bytes);
}

// ---- verified tokens ----

// A VerifiedToken's private state: {id, text, keys, at, skew, info}. Only this module can make
// one, so an object that merely looks verified has no entry and authorize() refuses it.
const verifiedState = new WeakMap();
const constructing = Symbol('mxscope.VerifiedToken');

function stateOf(verified) {
  const state = verifiedState.get(verified);
  if (state === undefined) throw invalid('not a VerifiedToken: only verify() and Verifier.verify() make one');
  return state;
}

function infoOf(state) {
  if (state.info === null) {
    state.info = deepFreeze(JSON.parse(call('verified_info', state.id, state.text, state.keys, state.at, state.skew)));
  }
  return state.info;
}

/** A token whose signatures, key, revocation and time window have been checked. */
export class VerifiedToken {
  constructor(key, state) {
    if (key !== constructing) {
      throw new MxscopeError('invalid_argument', 'a VerifiedToken comes only from verify() or Verifier.verify()');
    }
    verifiedState.set(this, state);
  }
  /** The token text. */
  get token() {
    return stateOf(this).text;
  }
  /** The `now` it was verified at (epoch ms, whole seconds). */
  get verifiedAt() {
    return stateOf(this).at;
  }
  get userId() {
    return infoOf(stateOf(this)).userId;
  }
  get deviceId() {
    return infoOf(stateOf(this)).deviceId;
  }
  get keyId() {
    return infoOf(stateOf(this)).keyId;
  }
  get sealed() {
    return infoOf(stateOf(this)).sealed;
  }
  get blockCount() {
    return infoOf(stateOf(this)).blockCount;
  }
  get revocationIds() {
    return infoOf(stateOf(this)).revocationIds;
  }
  /** The effective (verified) scope. */
  get scope() {
    return infoOf(stateOf(this)).scope;
  }
  /** The innermost name, or null. */
  get name() {
    return infoOf(stateOf(this)).scope.name;
  }
  /** Same as authorize(this, request). */
  authorize(request) {
    return authorize(this, request);
  }
  /** Same as describe(this, options): the verified scope in sentences. */
  describe(options) {
    return describe(this, options);
  }
  toJSON() {
    const info = infoOf(stateOf(this));
    return { token: this.token, verifiedAt: this.verifiedAt, ...info };
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `VerifiedToken ${JSON.stringify({ userId: this.userId, blockCount: this.blockCount, scope: this.scope })}`;
  }
}

function verifiedToken(id, text, keys, nowMs, skew) {
  const state = { id: Number(id), text, keys, at: Math.floor(nowMs / 1000) * 1000, skew, info: null };
  return new VerifiedToken(constructing, state);
}

/** Verifies a token: signatures, trusted key, revocation, time. */
export function verify(token, options) {
  if (options === null || typeof options !== 'object') throw invalid('verify needs options with trustedKeys');
  const text = tokenText(token);
  const keys = keysText(options.trustedKeys);
  const nowMs = epochMs(options.now ?? Date.now(), 'now');
  const skew = durationMs(options.clockSkew ?? 30000, 'clockSkew');
  let temporary = null;
  let revoked = 0;
  if (options.revoked instanceof RevocationSet) {
    revoked = revocationHandle(options.revoked);
  } else if (options.revoked !== undefined && options.revoked !== null) {
    temporary = new RevocationSet(options.revoked);
    revoked = revocationHandle(temporary);
  }
  try {
    return verifiedToken(call('verify', text, keys, nowMs, skew, revoked), text, keys, nowMs, skew);
  } finally {
    if (temporary !== null) disposeRevocationSet(temporary);
  }
}

/** Decides one request against a VerifiedToken. */
export function authorize(verified, request) {
  const state = verifiedState.get(verified);
  if (state === undefined) {
    throw invalid('authorize() needs a VerifiedToken from verify() or Verifier.verify(); a token that was only parsed (or any other object) cannot be authorised');
  }
  return JSON.parse(call('authorize_verified', state.id, state.text, state.keys, state.at, state.skew, ...requestArgs(request)));
}

/**
 * The same decision against a bare scope (a widget host checking a requested scope, tests
 * comparing prompts with enforcement). Never use it to authorise a token: verify() first.
 */
export function authorizeScope(scope, request) {
  return JSON.parse(call('authorize_scope', scopeJson(scope), ...requestArgs(request)));
}

// ---- revocation sets ----

const revocationHandles = new WeakMap();
function revocationHandle(set) {
  return revocationHandles.get(set);
}
// Frees a set now rather than at garbage collection (for the temporary one verify() makes).
function disposeRevocationSet(set) {
  registry.unregister(set);
  core._mx_revset_free(revocationHandles.get(set));
  revocationHandles.delete(set);
}

/** A set of revoked ids (32 hex characters each), backed by the module. */
export class RevocationSet {
  constructor(ids) {
    const c = need();
    const handle = c._mx_revset_new();
    if (handle === 0) throw new MxscopeError('out_of_memory', 'the WebAssembly heap is exhausted');
    revocationHandles.set(this, handle);
    registry.register(this, { free: '_mx_revset_free', handle }, this);
    if (ids !== undefined && ids !== null) {
      if (typeof ids === 'string' || !(Symbol.iterator in Object(ids))) throw invalid('RevocationSet takes an iterable of revocation ids');
      for (const id of ids) this.add(id);
    }
  }
  /** Parses the text form (`# mxscope revocations v1`, then one id per line). */
  static fromText(text) {
    const set = new RevocationSet();
    set.load(text);
    return set;
  }
  /** Adds an id; false if it was already there. */
  add(id) {
    return call('revset_add', revocationHandle(this), stringArg(id, 'a revocation id')) === '1';
  }
  /** Whether `id` is in the set. */
  has(id) {
    return call('revset_has', revocationHandle(this), stringArg(id, 'a revocation id')) === '1';
  }
  /** Removes an id; whether it was there. */
  delete(id) {
    return call('revset_remove', revocationHandle(this), stringArg(id, 'a revocation id')) === '1';
  }
  /** Removes every id. */
  clear() {
    need()._mx_revset_clear(revocationHandle(this));
  }
  get size() {
    return need()._mx_revset_size(revocationHandle(this));
  }
  /** The ids, in byte order (lowercase hex). */
  ids() {
    const text = call('revset_ids', revocationHandle(this));
    return text === '' ? [] : text.split('\n');
  }
  [Symbol.iterator]() {
    return this.ids()[Symbol.iterator]();
  }
  /** The text form. */
  toText() {
    return call('revset_to_text', revocationHandle(this));
  }
  /** Replaces the contents with the ids of a text form (verifiers using this set see the change). */
  load(text) {
    call('revset_load_text', revocationHandle(this), stringArg(text, 'revocation list text'));
    return this;
  }
}

// ---- verifier ----

const verifierHandles = new WeakMap();

/** Verifies tokens against fixed trusted keys and a live revocation set, caching signature checks. */
export class Verifier {
  constructor(options) {
    if (options === null || typeof options !== 'object') throw invalid('Verifier needs options with trustedKeys');
    const c = need();
    const keys = keysText(options.trustedKeys);
    const skew = durationMs(options.clockSkew ?? 30000, 'clockSkew');
    const cacheSize = options.cacheSize ?? 4096;
    if (!Number.isInteger(cacheSize)) throw invalid('cacheSize must be an integer');
    const revoked = options.revoked instanceof RevocationSet ? options.revoked : new RevocationSet(options.revoked ?? undefined);
    const handle = c._mx_verifier_new();
    if (handle === 0) throw new MxscopeError('out_of_memory', 'the WebAssembly heap is exhausted');
    try {
      call('verifier_init', handle, keys, skew, cacheSize, revocationHandle(revoked));
    } catch (e) {
      c._mx_verifier_free(handle);
      throw e;
    }
    verifierHandles.set(this, { handle, keys, skew, revoked });
    registry.register(this, { free: '_mx_verifier_free', handle });
  }
  /** The revocation set this verifier consults (live: add ids to revoke). */
  get revoked() {
    return verifierHandles.get(this).revoked;
  }
  /** Verifies a token at `now` (default: the current time). */
  verify(token, now = Date.now()) {
    const { handle, keys, skew } = verifierHandles.get(this);
    const text = tokenText(token);
    const nowMs = epochMs(now, 'now');
    return verifiedToken(call('verifier_verify', handle, text, nowMs), text, keys, nowMs, skew);
  }
  /** How many verified chains the cache holds. */
  get cacheSize() {
    return need()._mx_verifier_cache_size(verifierHandles.get(this).handle);
  }
  /** Forgets every cached chain. */
  clearCache() {
    need()._mx_verifier_clear_cache(verifierHandles.get(this).handle);
  }
}

// ---- describe ----

/** Plain-language sentences for a token (its claimed scope), a VerifiedToken or a scope. */
export function describe(subject, options) {
  const opts = describeOptions(options);
  if (typeof subject === 'string' || subject instanceof Uint8Array) {
    return JSON.parse(call('describe_token', tokenText(subject), opts));
  }
  if (subject === null || typeof subject !== 'object') throw invalid('describe needs a token, a VerifiedToken or a scope');
  return JSON.parse(call('describe_scope', scopeJson(subject), opts));
}

// ---- Matrix mappings ----

/** Maps a client-server API request (method, path) to an authorisation request. */
export function mapEndpoint(method, path) {
  return JSON.parse(call('map_endpoint', stringArg(method, 'method'), stringArg(path, 'path')));
}

/** How mxscope understands one widget capability string. */
export function parseCapability(capability) {
  return JSON.parse(call('parse_capability', stringArg(capability, 'capability')));
}

function capabilityList(list, what) {
  if (typeof list === 'string' || !(Symbol.iterator in Object(list))) throw invalid(`${what} must be an array of strings`);
  const out = [...list];
  for (const c of out) stringArg(c, `each of ${what}`);
  return JSON.stringify(out);
}

/** The scope a set of widget capabilities asks for in `roomId`. */
export function capabilitiesToScope(capabilities, roomId) {
  return JSON.parse(call('capabilities_to_scope', capabilityList(capabilities, 'capabilities'), stringArg(roomId, 'roomId')));
}

/** The requested capabilities that `scope` (or a VerifiedToken's scope) fully allows in `roomId`. */
export function allowedCapabilities(requested, scope, roomId) {
  return JSON.parse(call('allowed_capabilities', capabilityList(requested, 'requested'), scopeJson(scope), stringArg(roomId, 'roomId')));
}

/** The canonical capability strings for a scope (or a VerifiedToken's scope). */
export function scopeToCapabilities(scope) {
  return JSON.parse(call('scope_to_capabilities', scopeJson(scope)));
}

// ---- testing ----

/** Hooks for tests and test vectors. Never use them in production. */
export const testing = Object.freeze({
  /** Runs `fn` (synchronously) with every random byte drawn from a stream derived from `seed`. */
  withDeterministicRandom(seed, fn) {
    if (typeof fn !== 'function') throw invalid('withDeterministicRandom needs a function');
    call('testing_begin', stringArg(seed, 'seed'));
    try {
      const result = fn();
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        throw invalid('withDeterministicRandom runs synchronous functions only');
      }
      return result;
    } finally {
      need()._mx_testing_end();
    }
  },
  /** The module's memory: heap size, bytes malloc holds, and the heap top. */
  memory() {
    const c = need();
    return { heapBytes: c.HEAPU8.length, inUseBytes: c._mx_heap_in_use(), heapTop: c._mx_heap_top() };
  },
});
