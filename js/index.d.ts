/**
 * mxscope — scoped, attenuable, revocable Matrix tokens (the C++ SDK compiled to WebAssembly).
 *
 * ```js
 * import { ready, generateIssuerKey, mint, attenuate, Verifier, authorize } from 'mxscope';
 * await ready();                                   // once; everything after is synchronous
 * const issuer = generateIssuerKey();
 * const root = mint({ issuerSecretKey: issuer.secretKey, userId: '@alice:example.org' });
 * const bot = attenuate(root, { actions: ['send_message'], rooms: ['!room:example.org'],
 *                               notAfter: new Date(Date.now() + 3600_000), name: 'backup-bot' });
 * const verifier = new Verifier({ trustedKeys: [issuer.publicKey] });
 * const verified = verifier.verify(bot);            // throws MxscopeError if it does not verify
 * authorize(verified, { action: 'send_message', roomId: '!room:example.org' }).allowed;  // true
 * ```
 *
 * Conventions:
 * - Tokens are text (`mxs1_...`); functions that take a token also take its binary form
 *   (`Uint8Array`) or a {@link VerifiedToken}.
 * - Times going in are a `Date` or epoch milliseconds; mxscope works in whole seconds, so they are
 *   floored to the second. Times coming out are epoch milliseconds (whole seconds × 1000).
 * - Durations (`clockSkew`) are milliseconds.
 * - Every failure is thrown as {@link MxscopeError} with a stable {@link ErrorCode}.
 * - Results are plain objects and arrays; there is nothing to free.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// Initialisation and errors
// ---------------------------------------------------------------------------------------------

/** Options for {@link ready}, passed to the Emscripten module. */
export interface ReadyOptions {
  /** The bytes of `mxscope-core.wasm`, if you load them yourself (CSP, bundlers, tests). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find `mxscope-core.wasm` (browser build): `(file, scriptDirectory) => url`. */
  locateFile?: (file: string, scriptDirectory: string) => string;
}

/**
 * Loads and instantiates the WebAssembly module (about 10 ms in Node). Await it once before
 * calling anything else; later calls return the same promise (their options are ignored). Rejects
 * with `MxscopeError('init_failed')`, and may then be called again to retry.
 */
export function ready(options?: ReadyOptions): Promise<void>;

/** Whether {@link ready} has completed. */
export function isReady(): boolean;

/** The package version, equal to the C++ library's version (`ready()` checks they match). */
export const version: string;

/**
 * Stable error codes. The first group is the C++ SDK's `code_name` set; the rest come from the
 * JavaScript boundary.
 * - `malformed_token`: not a token (bad prefix, bad base64, truncated, trailing bytes, bad field).
 * - `bad_checksum`: the text checksum does not match (a typo or truncation), or a damaged key text.
 * - `unsupported_version`: a token format version this build does not read.
 * - `unknown_critical`: a caveat this build does not understand and must not ignore.
 * - `too_large`: over the size (8192 bytes) or block (32) limit.
 * - `unknown_key`: signed by an issuer key that is not trusted.
 * - `bad_signature`: a signature does not verify (tampered, reordered or spliced).
 * - `token_expired`, `token_not_yet_valid`: outside the time window (with the clock skew).
 * - `token_revoked`: one of the token's revocation ids is revoked.
 * - `token_sealed`: the token is sealed and cannot be attenuated.
 * - `scope_too_broad`: an attenuation asked for more than its parent allows.
 * - `invalid_argument`: a bad argument (room id, key text, unknown action, unknown field, wrong type).
 * - `io_error`: (native only: file access).
 * - `not_ready`: called before `await ready()`.
 * - `init_failed`: the WebAssembly module could not be loaded, or the environment has no Web Crypto API
 *   (`globalThis.crypto.getRandomValues`, the only source of randomness).
 * - `out_of_memory`: the WebAssembly heap could not grow.
 * - `internal_error`: a bug; please report it.
 */
export type ErrorCode =
  | 'malformed_token'
  | 'bad_checksum'
  | 'unsupported_version'
  | 'unknown_critical'
  | 'too_large'
  | 'unknown_key'
  | 'bad_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_revoked'
  | 'token_sealed'
  | 'scope_too_broad'
  | 'invalid_argument'
  | 'io_error'
  | 'not_ready'
  | 'init_failed'
  | 'out_of_memory'
  | 'internal_error';

/** Every error mxscope throws. Messages never contain token text or key material. */
export class MxscopeError extends Error {
  /** Stable code to branch on. */
  readonly code: ErrorCode;
  /** Always `'MxscopeError'`. */
  readonly name: 'MxscopeError';
  constructor(code: ErrorCode, message: string);
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/** What a request does. The names are stable; see {@link actions} for the whole table. */
export type ActionName =
  | 'read_timeline'
  | 'read_state'
  | 'send_message'
  | 'send_event'
  | 'send_state'
  | 'redact'
  | 'join'
  | 'leave'
  | 'invite'
  | 'kick'
  | 'ban'
  | 'typing'
  | 'receipts'
  | 'read_room_account_data'
  | 'write_room_account_data'
  | 'upload_media'
  | 'download_media'
  | 'identity'
  | 'openid'
  | 'send_to_device'
  | 'receive_to_device'
  | 'user_directory'
  | 'turn_servers'
  | 'navigate'
  | 'always_on_screen'
  | 'account';

/** How much harm a permission can do in the wrong hands. */
export type Risk = 'low' | 'medium' | 'high' | 'critical';

/** One row of the action table. */
export interface ActionInfo {
  /** Stable snake_case name. */
  readonly name: ActionName;
  /** Bit index in the token format (never changes). */
  readonly index: number;
  /** Risk when granted without narrowing. */
  readonly risk: Risk;
  /** `none`: not about a room; `required`: always names one room; `filter`: may read across rooms. */
  readonly rooms: 'none' | 'required' | 'filter';
  /** Which event detail the action can be narrowed by. */
  readonly events: 'none' | 'message' | 'event' | 'state' | 'timeline';
  /** Only a full-account root token may do it (`account`). */
  readonly rootOnly: boolean;
  /** Has no client-server endpoint; only meaningful to a widget host. */
  readonly widgetOnly: boolean;
}

/**
 * The action table, in index order (frozen). Empty until {@link ready} has completed (this is a
 * live binding: `import { actions }` sees the table once ready).
 */
export let actions: readonly ActionInfo[];

/**
 * Narrows an event-bearing action to one event type and optionally one detail: the msgtype for
 * `m.room.message`, the state key for state events. `type: '*'` means any type; no `key` means any.
 */
export interface EventPattern {
  /** The event-bearing action this pattern narrows. */
  action: ActionName;
  /** The event type, e.g. `m.room.message`, or `'*'` for any type. */
  type: string;
  /** The msgtype (`m.room.message`) or state key (state events); absent means any. */
  key?: string;
}

/** A time going in: a `Date` or epoch milliseconds (floored to the second). */
export type TimeInput = Date | number;

/**
 * The restrictions one block adds. Every field is optional: absent (or null) means "no new
 * restriction here" (the block inherits its parent's), never "everything". Unknown fields are
 * refused (`invalid_argument`), so a misspelt restriction never goes unnoticed.
 */
export interface Caveats {
  /** Only these actions. */
  actions?: ActionName[] | null;
  /** Only these room ids (`!opaque:server`), for room actions. A `Set` is accepted too. */
  rooms?: string[] | Set<string> | null;
  /** Event-bearing actions must match one of these patterns. */
  events?: EventPattern[] | null;
  /** Not valid before this time. */
  notBefore?: TimeInput | null;
  /** Not valid after this time. */
  notAfter?: TimeInput | null;
  /** An attribution label, e.g. `"backup-bot"` (1..255 bytes). */
  name?: string | null;
}

/** Caveats as {@link inspect} reports them: only the fields the block carries, times in epoch ms. */
export interface BlockCaveats {
  /** Only these actions; absent: no action restriction in this block. */
  actions?: ActionName[];
  /** Only these room ids; absent: no room restriction in this block. */
  rooms?: string[];
  /** Event patterns event-bearing actions must match; absent: no event restriction in this block. */
  events?: EventPattern[];
  /** Not valid before this time (epoch ms); absent: no lower bound in this block. */
  notBefore?: number;
  /** Not valid after this time (epoch ms); absent: no upper bound in this block. */
  notAfter?: number;
  /** The attribution label this block carries; absent: none. */
  name?: string;
}

/**
 * What a token may do: the intersection of its blocks. Also used for a *requested* scope (from
 * widget capabilities). As input, missing fields take these defaults: no actions, any room, any
 * event, no times, not full account, not sealed.
 */
export interface Scope {
  /** A root token with no action restriction: may also do root-only things (`account`). */
  fullAccount: boolean;
  /** Allowed actions, in table order. */
  actions: ActionName[];
  /** Allowed rooms, or null for any room the account is in. `[]` allows no room. */
  rooms: string[] | null;
  /** Allowed event patterns, or null for any event. */
  events: EventPattern[] | null;
  /** Epoch ms, or null. */
  notBefore: number | null;
  /** Epoch ms, or null (never expires). */
  notAfter: number | null;
  /** The innermost name, or null. */
  name: string | null;
  /** Whether it can no longer be attenuated. */
  sealed: boolean;
}

/** A scope as input: any subset of {@link Scope}'s fields (times may be `Date`s). */
export type ScopeInput = Partial<Omit<Scope, 'notBefore' | 'notAfter' | 'rooms'>> & {
  /** Allowed room ids (a `Set` is accepted too); null or absent: any room. `[]` allows no room. */
  rooms?: string[] | Set<string> | null;
  /** Not valid before this time; null or absent: no lower bound. */
  notBefore?: TimeInput | null;
  /** Not valid after this time; null or absent: never expires. */
  notAfter?: TimeInput | null;
};

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/** An issuer (Ed25519) key: the secret text, the public text and the key id. */
export interface IssuerKey {
  /** `mxsk1_...`: treat it as a password (JavaScript strings cannot be wiped). */
  secretKey: string;
  /** `mxpk1_...`: what verifiers trust. */
  publicKey: string;
  /** 8 lowercase hex characters (first 4 bytes of BLAKE2b-128 of the public key). */
  keyId: string;
}

/** A new random issuer key. */
export function generateIssuerKey(): IssuerKey;
/** The issuer key with this secret key text. Throws `invalid_argument` or `bad_checksum`. */
export function issuerKeyFromText(secretKey: string): IssuerKey;
/** The issuer key with this 32-byte seed (deterministic tests, import from other stores). */
export function issuerKeyFromSeed(seed: Uint8Array): IssuerKey;
/** The public key text of a secret key text. */
export function publicKeyOf(secretKey: string): string;
/** The key id of a public key text; throws `invalid_argument` if it is not one. */
export function keyIdOf(publicKey: string): string;

/** Trusted keys: public key texts, or objects with a `publicKey` (such as an {@link IssuerKey}). */
export type TrustedKeys = string | {
  /** A public key text (`mxpk1_...`). */
  publicKey: string
} | Iterable<string | {
  /** A public key text (`mxpk1_...`). */
  publicKey: string
}>;

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/** A token: its text (`mxs1_...`), its binary form, or a {@link VerifiedToken}. */
export type TokenInput = string | Uint8Array | VerifiedToken;

/** What {@link mint} needs: the issuer's secret key, the login, and optional root caveats. */
export interface MintOptions extends Caveats {
  /** The issuer's secret key text (`mxsk1_...`). */
  issuerSecretKey: string;
  /** The Matrix user id, e.g. `@alice:example.org`. */
  userId: string;
  /** The device (login) the root token belongs to. */
  deviceId?: string | null;
}

/**
 * Mints a root token for a login, signed by the issuer key. With no `actions` it is a
 * full-account token. Throws `invalid_argument` for a bad user id, room id or value.
 */
export function mint(options: MintOptions): string;

/**
 * Offline attenuation: a new token with one more block carrying `caveats`. Throws `token_sealed`
 * for a sealed token and `scope_too_broad` (naming what) if `caveats` ask for an action, room,
 * event type or time outside the token's scope. The account action can never be delegated.
 */
export function attenuate(token: TokenInput, caveats?: Caveats): string;

/** A sealed copy: it verifies as before but can no longer be attenuated. */
export function seal(token: TokenInput): string;

/** One block as {@link inspect} reports it. */
export interface BlockInfo {
  /** Position in the chain: 0 is the root block. */
  index: number;
  /** The restrictions this block adds (only the fields it carries). */
  caveats: BlockCaveats;
  /** Non-critical caveat tags this build ignored. */
  unknownTags: number[];
  /** 32 lowercase hex characters. */
  revocationId: string;
}

/** What a token says about itself. NOT verified: anyone could have written it. */
export interface TokenInfo {
  /** The Matrix user id the root block names, e.g. `@alice:example.org`. */
  userId: string;
  /** The device (login) the root block names, or null if it names none. */
  deviceId: string | null;
  /** The issuer key id (8 hex characters). */
  keyId: string;
  /** Whether the token is sealed (can no longer be attenuated). */
  sealed: boolean;
  /** Number of blocks, root included (1..32). */
  blockCount: number;
  /** Revocation ids, root first. */
  revocationIds: string[];
  /** Size of the binary form. */
  byteLength: number;
  /** Every block, root first. */
  blocks: BlockInfo[];
  /** The scope the blocks claim (for display before verifying, and for attenuation). */
  claimedScope: Scope;
}

/**
 * Parses a token and reports what it says, WITHOUT verifying it. Throws `malformed_token`,
 * `bad_checksum`, `unsupported_version`, `unknown_critical` or `too_large`.
 */
export function inspect(token: TokenInput): TokenInfo;

/**
 * A token's revocation ids, root first. Revoking an id rejects the token that owns it and every
 * token made from it: the last id revokes exactly this token, the first the whole login.
 */
export function revocationIds(token: TokenInput): string[];

/** The binary form (no prefix, no checksum). */
export function toBytes(token: TokenInput): Uint8Array;
/** The text form of a binary token. Same errors as {@link inspect}. */
export function fromBytes(bytes: Uint8Array): string;

// ---------------------------------------------------------------------------------------------
// Verification and authorisation
// ---------------------------------------------------------------------------------------------

/**
 * A token whose signatures, issuer key, revocation and time window have been checked. Only
 * {@link verify} and {@link Verifier.verify} make one; {@link authorize} accepts nothing else, so
 * an object that merely looks verified (or a parsed {@link TokenInfo}) is refused.
 */
export class VerifiedToken {
  private constructor();
  /** Nominal typing: a structurally similar object is not a VerifiedToken. */
  #private;
  /** The token text. */
  readonly token: string;
  /** The `now` it was verified at (epoch ms, whole seconds). */
  readonly verifiedAt: number;
  /** The Matrix user id the root block names, e.g. `@alice:example.org`. */
  readonly userId: string;
  /** The device (login) the root block names, or null if it names none. */
  readonly deviceId: string | null;
  /** The id of the issuer key that signed the root (8 hex characters). */
  readonly keyId: string;
  /** Whether the token is sealed (can no longer be attenuated). */
  readonly sealed: boolean;
  /** Number of blocks, root included (1..32). */
  readonly blockCount: number;
  /** Revocation ids (32 hex characters each), root first. */
  readonly revocationIds: readonly string[];
  /** The effective scope: the intersection of every block (frozen). */
  readonly scope: Readonly<Scope>;
  /** The innermost name, or null. */
  readonly name: string | null;
  /** Same as `authorize(this, request)`. */
  authorize(request: ActionRequest): Decision;
  /** Same as `describe(this, options)`: the verified scope in sentences. */
  describe(options?: DescribeOptions): Sentence[];
  /** A plain snapshot (token, verifiedAt and the fields above). */
  toJSON(): object;
}

/** Options for {@link verify}. */
export interface VerifyOptions {
  /** The issuer public keys to accept. */
  trustedKeys: TrustedKeys;
  /** The verifier's clock (default: now). */
  now?: TimeInput;
  /** Revoked ids: a {@link RevocationSet} or an iterable of ids. */
  revoked?: RevocationSet | Iterable<string> | null;
  /** Tolerance on not-before and not-after, in milliseconds (default 30 000). */
  clockSkew?: number;
}

/**
 * Verifies a token: signatures against the trusted keys, then revocation, then time. Throws
 * `unknown_key`, `bad_signature`, `token_revoked`, `token_expired`, `token_not_yet_valid`, or a
 * parse error. For many verifications of the same tokens use a {@link Verifier}.
 */
export function verify(token: TokenInput, options: VerifyOptions): VerifiedToken;

/** Options for a {@link Verifier}. */
export interface VerifierOptions {
  /** The issuer public keys to accept (fixed for the verifier's life). */
  trustedKeys: TrustedKeys;
  /**
   * The revocation set to consult: a {@link RevocationSet} (shared and live: ids added to it later
   * revoke immediately) or an iterable of ids (copied into a new set, see {@link Verifier.revoked}).
   */
  revoked?: RevocationSet | Iterable<string> | null;
  /** Tolerance on not-before and not-after, in milliseconds (default 30 000). */
  clockSkew?: number;
  /** How many verified chains to remember before starting again (default 4096). */
  cacheSize?: number;
}

/**
 * Verifies tokens against fixed trusted keys and a live revocation set. Remembers chains whose
 * signatures verified, so verifying the same token again costs a lookup; revocation and time are
 * still checked on every call. Freed with the object (nothing to close).
 */
export class Verifier {
  constructor(options: VerifierOptions);
  /** The revocation set consulted on every verification (add ids to revoke). */
  readonly revoked: RevocationSet;
  /** Verifies a token at `now` (default: the current time). Same errors as {@link verify}. */
  verify(token: TokenInput, now?: TimeInput): VerifiedToken;
  /** How many verified chains the cache holds. */
  readonly cacheSize: number;
  /** Forgets every cached chain. */
  clearCache(): void;
}

/** One thing a holder wants to do. Unknown fields are refused (`invalid_argument`). */
export interface ActionRequest {
  /** What the request does. */
  action: ActionName;
  /** The room, for room actions. */
  roomId?: string | null;
  /** The event type, for sending or reading events and state. */
  eventType?: string | null;
  /** The msgtype (`m.room.message`) or state key (state events). */
  key?: string | null;
}

/** Stable reasons for a decision; `allowed` is the only one that permits. */
export type Reason =
  | 'allowed'
  | 'root_only'
  | 'action_not_allowed'
  | 'room_not_allowed'
  | 'room_required'
  | 'event_not_allowed'
  | 'event_type_required';

/** The answer to one request. */
export interface Decision {
  /** Whether the request is permitted (exactly when `reason` is `'allowed'`). */
  allowed: boolean;
  /** Why, as a stable code to branch on. */
  reason: Reason;
  /** A sentence a developer can act on, e.g. "block 2 allows only rooms !abc:example.org". */
  message: string;
}

/**
 * Decides one request against a verified token's effective scope. Does not re-check time or
 * revocation: verify again (cheap with a {@link Verifier}) when time has passed. Throws
 * `invalid_argument` for anything but a {@link VerifiedToken} and for an unknown action.
 */
export function authorize(verified: VerifiedToken, request: ActionRequest): Decision;

/**
 * The same decision against a bare scope: for a widget host checking a requested scope, or tests
 * comparing prompts with enforcement. Never a substitute for verifying a token.
 */
export function authorizeScope(scope: ScopeInput | VerifiedToken, request: ActionRequest): Decision;

// ---------------------------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------------------------

/**
 * A set of revoked ids (32 hex characters; either case going in, lowercase coming out). The text
 * form is a header line `# mxscope revocations v1`, then one id per line; blank lines and lines
 * starting with `#` are ignored. Freed with the object.
 */
export class RevocationSet implements Iterable<string> {
  /** A set holding `ids` (each must be 32 hex characters). */
  constructor(ids?: Iterable<string> | null);
  /** Parses the text form. Throws `invalid_argument` naming the bad line. */
  static fromText(text: string): RevocationSet;
  /** Adds an id; false if it was already there. */
  add(id: string): boolean;
  /** Whether `id` is revoked. */
  has(id: string): boolean;
  /** Removes an id; whether it was there. */
  delete(id: string): boolean;
  /** Removes every id. */
  clear(): void;
  /** Number of ids. */
  readonly size: number;
  /** The ids, in byte order. */
  ids(): string[];
  /** Iterates the ids, in byte order. */
  [Symbol.iterator](): Iterator<string>;
  /** The text form. */
  toText(): string;
  /** Replaces the contents with those of a text form (verifiers sharing the set see it). */
  load(text: string): this;
}

// ---------------------------------------------------------------------------------------------
// Describe
// ---------------------------------------------------------------------------------------------

/** Options for {@link describe}. */
export interface DescribeOptions {
  /** The clock for "expires in ..." (default: now). */
  now?: TimeInput;
  /** Room id -> display name. */
  roomNames?: Record<string, string> | Map<string, string>;
}

/** One line a person reads. */
export interface Sentence {
  /** What it is about, so a UI can group, order or style it. */
  kind: 'permission' | 'rooms' | 'time' | 'name' | 'delegation' | 'account';
  /** How much harm what the line describes can do. */
  risk: Risk;
  /** The sentence (English today); identical to the native library's. */
  text: string;
  /** The action a permission line is about. */
  action?: ActionName;
  /** The event pattern it is about, if narrowed. */
  pattern?: EventPattern;
}

/**
 * The plain-language sentences for what something allows, in a stable order: account,
 * permissions (table order), time, name, delegation. Permission lines say exactly what
 * {@link authorize} would allow. For token text or bytes this describes the *claimed* scope (for
 * showing a token before it is verified); for a {@link VerifiedToken}, the verified scope.
 */
export function describe(subject: string | Uint8Array | VerifiedToken | ScopeInput, options?: DescribeOptions): Sentence[];

// ---------------------------------------------------------------------------------------------
// Matrix mappings
// ---------------------------------------------------------------------------------------------

/** The result of mapping a client-server API request. */
export interface EndpointMatch {
  /**
   * `request`: a known endpoint, authorise `request`; `open`: needs no token at all (/versions,
   * /login, ...); `unknown`: not in the table, deny to subtokens.
   */
  kind: 'request' | 'open' | 'unknown';
  /** Present for `request`. Root-only endpoints map to the `account` action. */
  request?: ActionRequest;
  /** For sending `m.room.message`: fill `request.key` with the content's msgtype before authorising. */
  needsMsgtype: boolean;
}

/**
 * Maps (method, path) of the Matrix client-server API (r0/v3/v1/unstable, percent-encoded path,
 * query string ignored) to a request. The method is compared as given (use upper case).
 */
export function mapEndpoint(method: string, path: string): EndpointMatch;

/** How mxscope understands one widget capability string. */
export interface CapabilityInfo {
  /**
   * `grant`: maps to an action (and maybe a pattern); `room`: `timeline:<room>`; `any_room`:
   * `timeline:*`; `host_only`: harmless host features that need no token scope; `unknown`.
   */
  kind: 'grant' | 'room' | 'any_room' | 'host_only' | 'unknown';
  /** For `grant`. */
  action?: ActionName;
  /** For `grant` of an event-bearing action. */
  pattern?: EventPattern;
  /** For `room`. */
  roomId?: string;
}

/** Parses a capability string (unstable `org.matrix.msc2762.` ... and stable `m.` forms). */
export function parseCapability(capability: string): CapabilityInfo;

/** The scope a set of capabilities asks for. */
export interface RequestedScope {
  /** The scope the grantable capabilities ask for. */
  scope: Scope;
  /** Capabilities that cannot be granted (they contribute nothing). */
  notGrantable: string[];
  /** Host-only capabilities (screenshots, ...): no token scope needed. */
  hostOnly: string[];
  /** Whether `timeline:*` was asked for (then `scope.rooms` is null). */
  anyRoom: boolean;
}

/** The scope a widget's capabilities ask for in `roomId` (plus any `timeline:` rooms). */
export function capabilitiesToScope(capabilities: Iterable<string>, roomId: string): RequestedScope;

/**
 * The requested capabilities that `scope` fully allows in `roomId`: what a host may approve and
 * report in notify_capabilities. Never returns a capability the scope does not allow.
 */
export function allowedCapabilities(requested: Iterable<string>, scope: ScopeInput | VerifiedToken, roomId: string): string[];

/** The canonical (unstable-prefix) capability strings that express a scope. */
export function scopeToCapabilities(scope: ScopeInput | VerifiedToken): string[];

// ---------------------------------------------------------------------------------------------
// Testing
// ---------------------------------------------------------------------------------------------

/** The WebAssembly module's memory, for leak tests. */
export interface MemoryStats {
  /** Size of the WebAssembly memory (grows, never shrinks). */
  heapBytes: number;
  /** Bytes malloc currently holds for live allocations. */
  inUseBytes: number;
  /** The top of the malloc heap (sbrk(0)). */
  heapTop: number;
}

/** Hooks for tests and shared test vectors. Never use them in production. */
export const testing: {
  /**
   * Runs `fn` synchronously with every random byte mxscope draws (keys, next-block seeds) coming
   * from a deterministic stream derived from `seed`, as `mxscope::testing::DeterministicRandom`
   * does natively. Not nestable; `fn` must not return a promise.
   */
  withDeterministicRandom<T>(seed: string, fn: () => T): T;
  /** The module's memory use. */
  memory(): MemoryStats;
};
