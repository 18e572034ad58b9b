// The mxscope gateway's own API (/_mxscope/v1/: keys, whoami, mint, revoke, tokens with their
// activity), the client's records of the tokens it minted, and access requests (step-up).
//
// Gateway mode: the client signs in through a gateway in front of the homeserver; the gateway keeps
// the real homeserver token and hands out an mxscope root token (`mxs1_…`) as the access token.
// Every token minted from that root works at the same gateway, limited to its scope, until it
// expires or is revoked there.
import * as mx from "mxscope";
import { MatrixError, NetworkError, call } from "./matrix.mjs";

/** Whether an access token is an mxscope token (the gateway's answer to a login). */
export const isMxscopeToken = (t) => typeof t === "string" && /^mxs\d+_/.test(t);

/** The gateway's issuer public key (`mxpk1_…`): what verifies its tokens. */
export async function gatewayKey(baseUrl) {
  const r = await call(baseUrl, "GET", "/_mxscope/v1/keys");
  const k = (r.keys ?? []).find((x) => x.issuer) ?? r.keys?.[0];
  if (!k?.public_key) throw new Error("The gateway did not name its issuer key");
  return k.public_key;
}

export class Gateway {
  /** @param {{baseUrl: string, token: string}} o  the token calls are made with (usually the root) */
  constructor({ baseUrl, token }) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
  }
  whoami(token = this.token) {
    return call(this.baseUrl, "GET", "/_mxscope/v1/whoami", { token });
  }
  /** Every token of the family under the caller: [{token_id, parent_id, depth, name, last_used, uses, revoked, scope, describe, activity?}] */
  async tokens({ activity = 0 } = {}) {
    const r = await call(this.baseUrl, "GET", `/_mxscope/v1/tokens${activity ? `?activity=${activity}` : ""}`, { token: this.token });
    return r.tokens ?? [];
  }
  mint(caveats) {
    return call(this.baseUrl, "POST", "/_mxscope/v1/mint", { token: this.token, body: caveats });
  }
  /** Revokes a token of the family: by its text (works before its first use) or by id. */
  revoke({ token, tokenId }) {
    return call(this.baseUrl, "POST", "/_mxscope/v1/revoke", { token: this.token, body: token ? { token } : { token_id: tokenId } });
  }
}

// ---- what a scope means, in one line ----------------------------------------------------------

const pad = (n) => String(n).padStart(2, "0");

/** "15:10" today, "Tue 15:10" within a week, "12 Nov 15:10" later. */
export function untilLabel(ms, now = Date.now()) {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (new Date(now).toDateString() === d.toDateString()) return hm;
  if (ms - now < 6 * 86400_000 && ms > now) return `${d.toLocaleDateString("en-GB", { weekday: "short" })} ${hm}`;
  return `${d.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${hm}`;
}

const READ = ["read_timeline", "read_state"];
const canSend = (scope) => scope.fullAccount || scope.actions.includes("send_message");
const canRead = (scope) => scope.fullAccount || READ.some((a) => scope.actions.includes(a));

/** "Read-only", "Read and send", "Send only", or "Custom access". */
export function accessKind(scope) {
  if (scope.fullAccount) return "Full access";
  const read = canRead(scope);
  const send = canSend(scope);
  const other = scope.actions.filter((a) => !READ.includes(a) && a !== "send_message");
  if (other.length) return "Custom access";
  if (read && send) return "Read and send";
  if (read) return "Read-only";
  if (send) return "Send only";
  return "No access";
}

/** The headline of a limited session: "Read-only until 15:10". */
export function headline(scope, now = Date.now()) {
  const kind = accessKind(scope);
  return scope.notAfter ? `${kind} until ${untilLabel(scope.notAfter, now)}` : `${kind}, no expiry`;
}

/** "Demo room", "Demo room and Backups", "3 rooms", or "all your rooms". */
export function roomsLabel(scope, nameOf = (id) => id) {
  if (!scope.rooms) return "all your rooms";
  if (!scope.rooms.length) return "no room";
  const names = scope.rooms.map(nameOf);
  if (names.length <= 2) return names.join(" and ");
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}

/** The SDK's sentences for a token or scope, room ids replaced with names. */
export function sentences(subject, roomNames = {}) {
  try {
    return mx.describe(subject, { roomNames });
  } catch {
    return [];
  }
}

// ---- tokens this client minted (the gateway lists a token only once it has been used) ----------

const MINTED_KEY = "minted";

/** The tokens minted here, kept in the login's ScopedStorage: [{id, token, name, kind, createdAt, parentId, scope}] */
export class MintedTokens {
  constructor(storage) {
    this.storage = storage;
  }
  list() {
    try {
      const v = JSON.parse(this.storage.getItem(MINTED_KEY) ?? "[]");
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }
  add(rec) {
    const all = this.list().filter((r) => r.id !== rec.id);
    all.push(rec);
    // Kept for revocation and labels; expired ones are dropped after a week.
    const week = Date.now() - 7 * 86400_000;
    this.storage.setItem(MINTED_KEY, JSON.stringify(all.filter((r) => !r.scope?.notAfter || r.scope.notAfter > week).slice(-200)));
  }
  get(id) {
    return this.list().find((r) => r.id === id) ?? null;
  }
}

/**
 * Mints a token from `parent` offline with the SDK (no round trip; the gateway accepts it because
 * its chain starts at the gateway's root). Returns {token, id, parentId, scope}.
 */
export function mintOffline(parent, caveats, { seal = false } = {}) {
  let token = mx.attenuate(parent, caveats);
  if (seal) token = mx.seal(token);
  const info = mx.inspect(token);
  const ids = info.revocationIds;
  return { token, id: ids[ids.length - 1], parentId: ids[ids.length - 2] ?? null, scope: info.claimedScope };
}

// ---- access requests (step-up) ------------------------------------------------------------------

export const REQUEST_PATH = "/_mxscope/v1/access-request/";
const REQUEST_PREFIX = "mxscope-access-request:";

const b64url = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/**
 * A request for more access, as small as it can be (it travels in a URL path and as text):
 * {v: 1, a: actions wanted, r: room ids wanted, d: seconds of access wanted from now, n: note, t: token id, at: ms}
 */
export function encodeRequest(req) {
  const body = { v: 1, a: req.actions ?? [], r: req.rooms ?? [], d: req.seconds ?? 0, n: (req.note ?? "").slice(0, 140), t: req.tokenId ?? "", at: req.at ?? Date.now() };
  return b64url(JSON.stringify(body));
}

export function decodeRequest(text) {
  let s = String(text ?? "").trim();
  if (s.startsWith(REQUEST_PREFIX)) s = s.slice(REQUEST_PREFIX.length);
  const i = s.indexOf(REQUEST_PATH);
  if (i >= 0) s = s.slice(i + REQUEST_PATH.length);
  s = decodeURIComponent(s.split(/[?#/]/)[0]);
  const j = JSON.parse(unb64url(s));
  if (j?.v !== 1) throw new Error("not an mxscope access request");
  const strings = (a) => (Array.isArray(a) ? a.filter((x) => typeof x === "string").slice(0, 20) : []);
  return {
    actions: strings(j.a).filter((a) => mx.actions.some((x) => x.name === a)),
    rooms: strings(j.r).filter((r) => /^![^:]+:.+$/.test(r)),
    seconds: Number.isFinite(j.d) ? Math.max(0, Math.min(j.d, 30 * 86400)) : 0,
    note: typeof j.n === "string" ? j.n.slice(0, 140) : "",
    tokenId: typeof j.t === "string" && /^[0-9a-f]{32}$/.test(j.t) ? j.t : "",
    at: Number.isFinite(j.at) ? j.at : 0,
    code: s,
  };
}

/** The copyable form of a request (to send by any other means). */
export const requestText = (code) => REQUEST_PREFIX + code;

/**
 * Records a request at the gateway, under the limited token's own activity: the main device reads
 * it from the family's token list (GET /_mxscope/v1/tokens?activity=N). The gateway has no
 * endpoint for requests: it answers 404, but it has authenticated the token and logged the call
 * (path included) first, which is all this needs. Resolves true when the gateway logged it.
 */
export async function sendRequest(baseUrl, token, code) {
  let res;
  try {
    res = await fetch(`${baseUrl.replace(/\/+$/, "")}${REQUEST_PATH}${code}`, { headers: { Authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new NetworkError(baseUrl, e);
  }
  const json = await res.json().catch(() => ({}));
  if (res.status === 401) throw new MatrixError(401, json);
  // 404 M_UNRECOGNIZED is the expected answer; anything authenticated is logged.
  return res.status === 404 || res.ok;
}

/** Access requests found in a token list's activity: [{token, request, at}] newest first. */
export function requestsIn(tokens) {
  const out = [];
  for (const t of tokens) {
    for (const a of t.activity ?? []) {
      if (!a.path?.startsWith(REQUEST_PATH)) continue;
      try {
        out.push({ token: t, request: decodeRequest(a.path), at: a.at });
      } catch {}
    }
  }
  return out.sort((x, y) => y.at - x.at);
}
