// The client's side of the widget host: one WidgetHost per login, built on the login's root
// token; opening and closing room widgets (a widget someone else added asks before it loads);
// the domains the person trusts to load without asking; feeding live room events to open widgets (only what
// each widget's own token may read); the Permissions view's data; and revoking the whole login.
import * as mx from "mxscope";
import { WidgetHost, FetchClient, GrantStore, domPrompter, buildPromptRows } from "mxscope/widget-host";

const REVOKED_KEY = "revoked"; // in the login's ScopedStorage

export class Widgets extends EventTarget {
  /**
   * @param {object} o
   * @param {import("./matrix.mjs").MatrixClient} o.matrix
   * @param {{issuerPublicKey: string, rootToken: string}} o.login
   * @param {Storage} o.storage  the login's ScopedStorage (grants, revocations)
   * @param {(uri: string) => void} o.onNavigate
   */
  constructor({ matrix, login, storage, onNavigate }) {
    super();
    this.matrix = matrix;
    this.login = login;
    this.storage = storage;
    this.revoked = new mx.RevocationSet();
    this.#loadRevoked();
    this.verifier = new mx.Verifier({ trustedKeys: [login.issuerPublicKey], revoked: this.revoked });
    this.rootRevocationId = mx.inspect(login.rootToken).revocationIds[0];
    this.grants = new GrantStore({ storage });
    this.sessions = new Map(); // key "roomId|widgetId" -> {w, roomId, widgetId, content}
    this.ended = []; // sessions closed during this page's life, newest first
    const prompter = domPrompter({ onShown: () => this.#changed() });
    this.host = new WidgetHost({
      client: new FetchClient({ baseUrl: matrix.baseUrl, accessToken: matrix.accessToken, userId: matrix.userId, deviceId: matrix.deviceId }),
      rootToken: login.rootToken,
      verifier: this.verifier,
      revoked: this.revoked,
      // The dialogs name who added a widget the way the room does ("Bob (@bob:example.org)").
      prompter: {
        ...prompter,
        load: (req) => {
          const answer = prompter.load({ ...req, addedBy: this.#who(req.roomId, req.addedBy) });
          // The card replaces the widget the person just opened: keyboard and screen-reader
          // users land on its question.
          const card = req.container.querySelector(".mxs-load");
          card?.setAttribute("tabindex", "-1");
          card?.focus();
          this.#changed();
          return answer;
        },
        capabilities: (req) => prompter.capabilities({ ...req, addedBy: this.#who(req.roomId, req.addedBy) }),
      },
      grants: this.grants,
      // A widget someone else added loads only after the person agrees (the card in its place);
      // their own widgets, trusted domains and remembered approvals load as before.
      loadConsent: true,
      roomNames: {},
      knownRooms: [],
      displayName: matrix.userId,
      theme: "light",
      language: navigator.language || "en",
      onNavigate: (uri) => onNavigate?.(uri),
    });
    this.#syncRoomNames();
    matrix.addEventListener("sync", (ev) => {
      this.#syncRoomNames();
      for (const { roomId, event } of ev.detail.events) this.feed(roomId, event);
    });
  }

  /** "Bob (@bob:example.org)", or the bare id when the room knows no display name. */
  #who(roomId, userId) {
    if (!userId) return userId;
    const name = this.matrix.rooms.get(roomId)?.memberName(userId);
    return name && name !== userId && !userId.startsWith(`@${name}:`) ? `${name} (${userId})` : userId;
  }

  #syncRoomNames() {
    const names = {};
    for (const r of this.matrix.rooms.values()) names[r.id] = r.name;
    Object.assign(this.host.roomNames, names);
    this.host.knownRooms = this.matrix.roomList().filter((r) => r.membership === "join").map((r) => r.id);
  }

  // ---- revocations ---------------------------------------------------------------------------

  #loadRevoked() {
    try {
      for (const id of JSON.parse(this.storage.getItem(REVOKED_KEY) ?? "[]")) this.revoked.add(id);
    } catch {}
  }

  /** Keeps the revocation ids across reloads (a verifier that forgot them would accept again). */
  #saveRevoked(ids) {
    let all = [];
    try {
      all = JSON.parse(this.storage.getItem(REVOKED_KEY) ?? "[]");
    } catch {}
    const set = new Set([...all, ...ids]);
    // Widget tokens live minutes: the newest ids are the ones that matter.
    this.storage.setItem(REVOKED_KEY, JSON.stringify([...set].slice(-2000)));
  }

  /** Whether the verifier accepts `token` now: "ok" or the SDK's error code. */
  verify(token) {
    try {
      this.verifier.verify(token, Date.now());
      return "ok";
    } catch (e) {
      return e?.code ?? "invalid_token";
    }
  }

  // ---- sessions ------------------------------------------------------------------------------

  static key(roomId, widgetId) {
    return `${roomId}|${widgetId}`;
  }

  session(roomId, widgetId) {
    return this.sessions.get(Widgets.key(roomId, widgetId)) ?? null;
  }

  /** Live sessions (open or asking), oldest first. */
  live() {
    return [...this.sessions.values()];
  }

  /**
   * Opens a room widget in `container` (the prompt appears when it asks for permissions).
   * @returns {import("mxscope/widget-host").HostedWidget}
   */
  open(roomId, content, container) {
    const key = Widgets.key(roomId, content.id);
    const existing = this.sessions.get(key);
    if (existing) return existing.w;
    this.#syncRoomNames();
    // matrix.mjs sets creatorUserId from the state event's sender, never from the content.
    const w = this.host.embed(content, { roomId, container, sender: content.creatorUserId });
    const s = { w, roomId, widgetId: content.id, content, openedAt: Date.now() };
    this.sessions.set(key, s);
    w.addEventListener("closed", (ev) => {
      this.sessions.delete(key);
      s.closedAt = Date.now();
      s.reason = ev.detail?.reason ?? "closed";
      this.ended.unshift(s);
      this.ended.length = Math.min(this.ended.length, 20);
      this.#saveRevoked(w.mintedIds);
      this.#changed();
    });
    for (const e of ["loaded", "approved", "token"]) w.addEventListener(e, () => this.#changed());
    w.addEventListener("activity", () => this.dispatchEvent(new Event("activity")));
    this.#changed();
    return w;
  }

  close(roomId, widgetId) {
    this.session(roomId, widgetId)?.w.close("closed");
  }

  #changed() {
    this.dispatchEvent(new Event("change"));
  }

  /**
   * Gives a live room event to every open widget of that room whose token may read it; the
   * library then checks the capabilities it reported. (The HUD refreshes on each one.)
   */
  feed(roomId, event) {
    for (const s of this.sessions.values()) {
      const w = s.w;
      if (s.roomId !== roomId || w.state !== "ready" || !w.token) continue;
      const state = event.state_key !== undefined;
      const d = w.enforcer.decide(
        state
          ? { action: "read_state", roomId, eventType: event.type, key: event.state_key }
          : { action: "read_timeline", roomId, eventType: event.type, key: event.type === "m.room.message" && typeof event.content?.msgtype === "string" ? event.content.msgtype : undefined },
      );
      if (!d.allowed) continue;
      w.api.feedEvent(event).catch(() => {});
      if (state) w.api.feedStateUpdate(event).catch(() => {});
    }
  }

  // ---- remembered grants ---------------------------------------------------------------------

  /**
   * Remembered grants with what they allow in plain language:
   * [{key, roomId, roomName, widgetName, where, lines: [{text, risk}], expiresAt, duration}]
   */
  remembered() {
    return this.grants.list().map((g) => {
      const room = this.matrix.rooms.get(g.roomId);
      const roomName = room?.name ?? g.roomId;
      const match = room?.widgets.find((w) => this.grants.keyOf(w.content, g.roomId) === g.key);
      const rows = buildPromptRows(g.capabilities, { roomId: g.roomId, roomNames: this.host.roomNames });
      return {
        key: g.key,
        roomId: g.roomId,
        roomName,
        widgetName: match?.content.name || new URL(g.origin).host + g.path.split("?")[0],
        where: new URL(g.origin).host,
        lines: rows.map((r) => ({ text: r.text, risk: r.risk })),
        expiresAt: g.expiresAt,
        duration: g.duration,
      };
    });
  }

  /** Forgets a remembered grant; a widget open under it loses its pass now. */
  forget(key) {
    this.grants.forgetKey(key);
    for (const s of this.live()) if (this.grants.keyOf(s.content, s.roomId) === key) s.w.close("revoked", { forget: true });
    this.#changed();
  }

  // ---- trusted domains ----------------------------------------------------------------------

  /**
   * Domains whose widgets load without the consent card ("Always load widgets from …"), kept
   * with the grants in the login's storage: [{origin, host}]
   */
  trustedDomains() {
    return this.grants.trustedOrigins().map((origin) => ({ origin, host: new URL(origin).host }));
  }

  /** Widgets from `origin` ask again before they load (widgets open now stay open). */
  untrust(origin) {
    this.grants.untrustOrigin(origin);
    this.#changed();
  }

  // ---- the login -----------------------------------------------------------------------------

  /**
   * Revokes the login's root token: every token minted from it (every widget's, and anything a
   * widget derived) is refused from this moment. Then every widget closes.
   */
  revokeLogin() {
    this.revoked.add(this.rootRevocationId);
    this.host.closeAll("revoked");
    this.host.dispose();
  }
}
