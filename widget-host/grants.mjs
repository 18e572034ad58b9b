// Remembered permission grants, keyed by widget origin + template URL + room (see grantKey).
import { grantKey } from "./url-template.mjs";

/** How long a grant lasts, as the prompt offers it. */
export const DURATIONS = Object.freeze({
  session: { label: "While it's open", ms: 0 },
  hour: { label: "1 hour", ms: 60 * 60 * 1000 },
  month: { label: "30 days", ms: 30 * 24 * 60 * 60 * 1000 },
});

/** A Storage-like map in memory (the default when no localStorage is given). */
export class MemoryStorage {
  #map = new Map();
  getItem(k) { return this.#map.has(k) ? this.#map.get(k) : null; }
  setItem(k, v) { this.#map.set(k, String(v)); }
  removeItem(k) { this.#map.delete(k); }
  key(i) { return [...this.#map.keys()][i] ?? null; }
  get length() { return this.#map.size; }
}

const PREFIX = "mxscope.widget-grant:";
const TRUST_PREFIX = "mxscope.widget-trust:";
const DECLINED_PREFIX = "mxscope.widget-declined:";

/**
 * Grants a person approved, with their expiry. A "while it's open" grant is never stored.
 * Values stored: {capabilities, openid, duration, grantedAt, expiresAt} (epoch ms).
 */
export class GrantStore {
  /** @param {{storage?: Storage, now?: () => number}} [options] */
  constructor({ storage, now } = {}) {
    this.storage = storage ?? new MemoryStorage();
    this.now = now ?? (() => Date.now());
  }

  /** The live grant for a widget in a room, or null (expired ones are removed on read). */
  get(widget, roomId) {
    return this.#read(this.keyOf(widget, roomId));
  }

  /**
   * Every live remembered grant, for a permissions view: [{key, origin, path, roomId, ...grant}]
   * (`path` is the normalised template URL's path and query). Expired ones are removed.
   */
  list() {
    const keys = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k?.startsWith(PREFIX)) keys.push(k);
    }
    const out = [];
    for (const key of keys) {
      let where;
      try {
        where = JSON.parse(key.slice(PREFIX.length));
      } catch {
        continue;
      }
      const grant = this.#read(key);
      if (grant && Array.isArray(where)) out.push({ key, origin: where[0], path: where[1], roomId: where[2], ...grant });
    }
    return out;
  }

  /** Forgets the grant stored under `key` (a `key` from list()). */
  forgetKey(key) {
    if (typeof key === "string" && key.startsWith(PREFIX)) this.storage.removeItem(key);
  }

  #read(key) {
    const raw = this.storage.getItem(key);
    if (!raw) return null;
    let grant;
    try {
      grant = JSON.parse(raw);
    } catch {
      this.storage.removeItem(key);
      return null;
    }
    if (!grant || typeof grant.expiresAt !== "number" || grant.expiresAt <= this.now()) {
      this.storage.removeItem(key);
      return null;
    }
    return grant;
  }

  /**
   * Remembers a grant. `duration` is a key of DURATIONS; "session" stores nothing.
   * @returns {object|null} what was stored
   */
  put(widget, roomId, { capabilities, decided = capabilities, openid = null, duration }) {
    const d = DURATIONS[duration];
    if (!d) throw new Error(`unknown grant duration: ${duration}`);
    if (d.ms === 0) {
      this.forget(widget, roomId);
      return null;
    }
    const grantedAt = this.now();
    const grant = { capabilities: [...capabilities], decided: [...decided], openid, duration, grantedAt, expiresAt: grantedAt + d.ms };
    this.storage.setItem(this.keyOf(widget, roomId), JSON.stringify(grant));
    return grant;
  }

  /** Updates the remembered OpenID choice of an existing grant (no-op without one). */
  setOpenId(widget, roomId, allowed) {
    const g = this.get(widget, roomId);
    if (!g) return;
    g.openid = allowed;
    this.storage.setItem(this.keyOf(widget, roomId), JSON.stringify(g));
  }

  forget(widget, roomId) {
    this.storage.removeItem(this.keyOf(widget, roomId));
  }

  /**
   * The other rooms where the same widget (origin + normalised template URL) has a live grant,
   * for the "same widget in another room" trust rule.
   * @returns {string[]} room ids
   */
  roomsElsewhere(widget, roomId) {
    const [origin, path] = JSON.parse(grantKey(widget, roomId));
    return this.list().filter((g) => g.origin === origin && g.path === path && g.roomId !== roomId).map((g) => g.roomId);
  }

  /**
   * Notes that the person declined `capabilities` for this widget in this room just now, so a
   * widget asking again (MSC2974) is answered with that decision for a while instead of a prompt.
   * Kept apart from grants: a "while it's open" answer stores no grant but its declines count.
   */
  noteDeclined(widget, roomId, capabilities) {
    if (!capabilities.length) return;
    const key = DECLINED_PREFIX + grantKey(widget, roomId);
    const at = this.now();
    const declined = { ...this.#declinedMap(key), ...Object.fromEntries(capabilities.map((c) => [c, at])) };
    this.storage.setItem(key, JSON.stringify(declined));
  }

  /** The capabilities the person declined for this widget in this room at or after `since` (epoch ms). */
  declinedSince(widget, roomId, since) {
    const map = this.#declinedMap(DECLINED_PREFIX + grantKey(widget, roomId));
    return Object.keys(map).filter((c) => map[c] >= since);
  }

  /** Forgets the declines noted for this widget in this room (they are asked again). */
  forgetDeclined(widget, roomId) {
    this.storage.removeItem(DECLINED_PREFIX + grantKey(widget, roomId));
  }

  #declinedMap(key) {
    try {
      const map = JSON.parse(this.storage.getItem(key) ?? "{}");
      return map && typeof map === "object" && !Array.isArray(map) ? map : {};
    } catch {
      return {};
    }
  }

  /** Remembers that widgets from `origin` load without the load-consent step (no expiry). */
  trustOrigin(origin) {
    const o = new URL(origin).origin;
    this.storage.setItem(TRUST_PREFIX + o, JSON.stringify({ trustedAt: this.now() }));
    return o;
  }

  trustsOrigin(origin) {
    return this.storage.getItem(TRUST_PREFIX + new URL(origin).origin) !== null;
  }

  untrustOrigin(origin) {
    this.storage.removeItem(TRUST_PREFIX + new URL(origin).origin);
  }

  /** The origins the person trusted, for a permissions view. */
  trustedOrigins() {
    const out = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k?.startsWith(TRUST_PREFIX)) out.push(k.slice(TRUST_PREFIX.length));
    }
    return out.sort();
  }

  /** The storage key of a widget's grant in a room. */
  keyOf(widget, roomId) {
    return PREFIX + grantKey(widget, roomId);
  }
}
