// The entry point a web client uses: one WidgetHost per logged-in session, one HostedWidget per
// embedded widget.
import { HostedWidget } from "./hosted-widget.mjs";
import { GrantStore } from "./grants.mjs";

const FIVE_MINUTES = 5 * 60 * 1000;
const TEN_MINUTES = 10 * 60 * 1000;

/**
 * Integration-manager and wrapper hosts: they serve widgets on behalf of anyone, so trusting the
 * origin would trust every widget they wrap (reference §4.8). Per-domain trust never applies.
 */
export const WRAPPER_ORIGINS = Object.freeze(["https://scalar.vector.im", "https://scalar-staging.vector.im", "https://dimension.t2bot.io"]);

// Room versions where the creators have unlimited power and are not listed in power_levels (MSC4289).
const CREATORS_OUTRANK = new Set(["12", "org.matrix.hydra.11"]);

/**
 * A `trustAddedBy` rule: widgets added by people whose power level in the room is at least
 * `minLevel` (100 = room admins) load without the consent step. Reads the room's power levels
 * (and, in room versions where creators outrank everyone, its creators) through the client.
 */
export function roomAdmins({ minLevel = 100 } = {}) {
  return async (userId, roomId, client) => {
    const state = await client.readState(roomId);
    const find = (type) => state.find((e) => e.type === type && e.state_key === "");
    const create = find("m.room.create");
    const version = String(create?.content?.room_version ?? "1");
    if (CREATORS_OUTRANK.has(version) && [create.sender, ...(create.content.additional_creators ?? [])].includes(userId)) return true;
    const pl = find("m.room.power_levels")?.content;
    if (!pl) return false;
    const level = Number(pl.users?.[userId] ?? pl.users_default ?? 0);
    return level >= minLevel;
  };
}

export class WidgetHost {
  /**
   * @param {object} o
   * @param {object} o.client        a WidgetHostClient (FetchClient, MatrixJsSdkClient, ...)
   * @param {string} o.rootToken     the client's mxscope root token (widget tokens are minted from it)
   * @param {object} o.verifier      an mxscope Verifier trusting the root's issuer, holding `revoked`
   * @param {object} o.revoked       the RevocationSet the verifier consults (closing adds to it)
   * @param {object} [o.prompter]    {capabilities(request), openId(request), load(request)}, e.g. domPrompter()
   * @param {GrantStore} [o.grants]  remembered grants (default: in memory)
   * @param {Record<string,string>} [o.roomNames]  room id -> name, for sentences
   * @param {number} [o.tokenLifetimeMs]  widget token lifetime, renewed while open (default 5 min)
   * @param {(uri: string, w: HostedWidget) => Promise<void>|void} [o.onNavigate]
   * @param {boolean} [o.tokenInUrl]  fill $matrix_access_token for widgets with a remembered grant
   * @param {boolean} [o.loadConsent]  ask before loading a widget someone else added from an
   *   origin the person has not trusted (prompter.load); see loadConsentNeeded
   * @param {string[]} [o.trustedOrigins]  origins whose widgets load without asking (admin policy)
   * @param {(userId: string, roomId: string, client: object) => boolean|Promise<boolean>} [o.trustAddedBy]
   *   widgets whose state event was sent by someone this says yes to load without asking (e.g. roomAdmins())
   * @param {boolean} [o.trustSameWidgetElsewhere]  a widget with a live grant in another room
   *   (same origin + template URL) loads without asking; its capabilities are still asked per room
   * @param {string[]} [o.wrapperOrigins]  integration-manager / wrapper hosts that per-domain trust
   *   never applies to (default WRAPPER_ORIGINS)
   * @param {number} [o.declineCooldownMs]  how long a declined capability is answered "no" without
   *   a prompt when the same widget asks again (default 10 minutes; 0 = always ask)
   * @param {Window} [o.window]  @param {Document} [o.document]
   */
  constructor(o) {
    for (const k of ["client", "rootToken", "verifier", "revoked"]) if (!o?.[k]) throw new TypeError(`WidgetHost needs ${k}`);
    this.client = o.client;
    this.rootToken = o.rootToken;
    this.verifier = o.verifier;
    this.revoked = o.revoked;
    this.window = o.window ?? globalThis.window ?? globalThis;
    this.document = o.document ?? globalThis.document;
    this.grants = o.grants ?? new GrantStore();
    this.roomNames = { ...(o.roomNames ?? {}) };
    this.tokenLifetimeMs = o.tokenLifetimeMs ?? FIVE_MINUTES;
    this.onNavigate = o.onNavigate ?? (() => {});
    this.tokenInUrl = !!o.tokenInUrl;
    this.loadConsent = !!o.loadConsent;
    this.wrapperOrigins = new Set((o.wrapperOrigins ?? WRAPPER_ORIGINS).map((u) => new URL(u).origin));
    this.trustedOrigins = new Set((o.trustedOrigins ?? []).map((u) => new URL(u).origin));
    for (const origin of this.trustedOrigins) {
      if (this.wrapperOrigins.has(origin)) throw new TypeError(`${origin} serves widgets for others (wrapperOrigins): trusting the whole origin would trust all of them`);
    }
    if (o.trustAddedBy !== undefined && typeof o.trustAddedBy !== "function") throw new TypeError("trustAddedBy must be a function (userId, roomId, client) => boolean, e.g. roomAdmins()");
    this.trustAddedBy = o.trustAddedBy ?? null;
    this.trustSameWidgetElsewhere = !!o.trustSameWidgetElsewhere;
    this.declineCooldownMs = o.declineCooldownMs ?? TEN_MINUTES;
    this.userId = o.userId ?? o.client.userId;
    this.deviceId = o.deviceId ?? o.client.deviceId;
    this.displayName = o.displayName;
    this.baseUrl = o.baseUrl ?? o.client.baseUrl;
    this.theme = o.theme;
    this.language = o.language;
    this.parentUrl = o.parentUrl ?? String(this.window.location?.href ?? "http://localhost/").split("#")[0];
    this.now = o.now ?? (() => Date.now());
    this.clock = o.clock ?? (() => globalThis.performance?.now() ?? Date.now());
    this.prompter = o.prompter ?? null;
    this.widgets = new Set();
    this.knownRooms = o.knownRooms ?? null;

    // Leaving the page ends every widget session (and revokes its tokens) at once.
    this.onPageHide = () => this.closeAll("unload");
    this.window.addEventListener?.("pagehide", this.onPageHide);
    this.window.addEventListener?.("beforeunload", this.onPageHide);
    // An iframe taken out of the document by anyone ends its session too.
    if (typeof this.window.MutationObserver === "function" && this.document) {
      this.observer = new this.window.MutationObserver(() => {
        for (const w of this.widgets) if (w.iframe && !w.iframe.isConnected) w.close("removed");
      });
      this.observer.observe(this.document.documentElement, { childList: true, subtree: true });
    }
  }

  /**
   * Embeds a widget in `container` for `roomId`.
   * @param {object} definition  m.widget content: {id, url, name?, type?, creatorUserId?, data?, waitForIframeLoad?}
   * @param {{roomId: string, container: Element, sender?: string}} where  sender: the user id that sent
   *   the widget's state event (from the event, not its content); only then can "added by you" apply
   * @returns {HostedWidget}
   */
  embed(definition, { roomId, container, sender }) {
    if (!this.prompter) throw new Error("WidgetHost needs a prompter (e.g. domPrompter() from prompt-dom.mjs)");
    if (this.loadConsent && typeof this.prompter.load !== "function") throw new Error("loadConsent needs a prompter with load() (domPrompter() has one)");
    const w = new HostedWidget(this, definition, { roomId, sender });
    w.open(container);
    return w;
  }

  /**
   * Why a widget may load without asking, or null when the person must consent first (or
   * `trustAddedBy` must be asked: see addedByTrusted). Loads without asking: consent is off, the
   * person added the widget themself (by the state event's sender given to embed(); the content's
   * creatorUserId is a claim and never counts), its origin is trusted (by the host's policy or by
   * the person; never a wrapper origin), the person already approved this widget in this room (a
   * remembered grant), or, with trustSameWidgetElsewhere, in another room.
   * @returns {null | "added_by_you" | "trusted_origin" | "remembered_grant" | "approved_elsewhere" | "consent_off"}
   */
  loadConsentNeeded(w) {
    if (!this.loadConsent) return "consent_off";
    if (w.sender && w.sender === this.userId) return "added_by_you";
    if (this.canTrustOrigin(w.origin) && (this.trustedOrigins.has(w.origin) || this.grants.trustsOrigin(w.origin))) return "trusted_origin";
    if (this.grants.get(w.definition, w.roomId)) return "remembered_grant";
    if (this.trustSameWidgetElsewhere && this.grants.roomsElsewhere(w.definition, w.roomId).length) return "approved_elsewhere";
    return null;
  }

  /** Whether the `trustAddedBy` rule vouches for the widget's sender (never the content's claim). */
  async addedByTrusted(w) {
    if (!this.trustAddedBy || !w.sender) return false;
    try {
      return (await this.trustAddedBy(w.sender, w.roomId, this.client)) === true;
    } catch {
      return false;
    }
  }

  /** Per-domain trust may apply to `origin` (it is not an integration-manager or wrapper host). */
  canTrustOrigin(origin) {
    return !this.wrapperOrigins.has(new URL(origin).origin);
  }

  track(w) {
    this.widgets.add(w);
  }
  untrack(w) {
    this.widgets.delete(w);
  }

  closeAll(reason = "closed") {
    for (const w of [...this.widgets]) w.close(reason);
  }

  /** Room names for sentences: given ones first, then the client's (cached). */
  async roomNamesFor(roomIds) {
    const missing = roomIds.filter((id) => id && !(id in this.roomNames));
    await Promise.all(
      missing.map(async (id) => {
        const name = typeof this.client.getRoomName === "function" ? await this.client.getRoomName(id) : null;
        this.roomNames[id] = name || id;
      }),
    );
    return this.roomNames;
  }

  /** Stops listening to the page (widgets are closed). */
  dispose() {
    this.closeAll("closed");
    this.window.removeEventListener?.("pagehide", this.onPageHide);
    this.window.removeEventListener?.("beforeunload", this.onPageHide);
    this.observer?.disconnect();
  }
}
