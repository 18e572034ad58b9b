// What the client keeps in the browser between reloads, per login:
//   the Matrix session (homeserver, user, device, access token),
//   the login's mxscope issuer key and root token (browser-only mode: this client is its own
//   issuer; widget tokens are minted from the root), or in gateway mode the gateway's root token
//   and public key, or in a token session the limited token,
//   the revocation ids it has revoked, and the remembered widget grants (namespaced per user).
// Logging out deletes all of it.

const LOGIN_KEY = "mxscope.web.login";
const LAST_ROOM_KEY = "mxscope.web.last-room";

export function loadLogin(storage = localStorage) {
  try {
    const v = JSON.parse(storage.getItem(LOGIN_KEY) ?? "null");
    // browser-only logins hold their issuer's secret key; gateway and token logins the gateway's public key.
    if (v && v.baseUrl && v.accessToken && v.userId && v.rootToken && (v.issuerSecretKey || ((v.mode === "gateway" || v.mode === "token") && v.issuerPublicKey))) return v;
  } catch {}
  return null;
}

export function saveLogin(login, storage = localStorage) {
  storage.setItem(LOGIN_KEY, JSON.stringify(login));
}

/** Forgets the login and everything stored under its user's namespace. */
export function clearLogin(userId, storage = localStorage) {
  storage.removeItem(LOGIN_KEY);
  storage.removeItem(LAST_ROOM_KEY);
  if (userId) new ScopedStorage(storage, userId).clear();
}

export const lastRoom = {
  get: (storage = localStorage) => storage.getItem(LAST_ROOM_KEY),
  set: (id, storage = localStorage) => storage.setItem(LAST_ROOM_KEY, id),
};

/**
 * A Storage that sees only keys under "mxscope.web.user:<userId>:" (GrantStore's storage), so one
 * person's remembered grants never apply to another login on the same browser.
 */
export class ScopedStorage {
  constructor(storage, userId) {
    this.storage = storage;
    this.prefix = `mxscope.web.user:${userId}:`;
  }
  #keys() {
    const out = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k?.startsWith(this.prefix)) out.push(k.slice(this.prefix.length));
    }
    return out;
  }
  getItem(k) {
    return this.storage.getItem(this.prefix + k);
  }
  setItem(k, v) {
    this.storage.setItem(this.prefix + k, v);
  }
  removeItem(k) {
    this.storage.removeItem(this.prefix + k);
  }
  key(i) {
    return this.#keys()[i] ?? null;
  }
  get length() {
    return this.#keys().length;
  }
  clear() {
    for (const k of this.#keys()) this.removeItem(k);
  }
}
