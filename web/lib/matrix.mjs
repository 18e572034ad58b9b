// Just enough of a Matrix client for the widgets to have somewhere real to live: password login,
// logout, a /sync long-poll loop that keeps rooms (state + timeline) up to date, sending messages
// with local echo, room widget state, creating and joining rooms. Plain fetch, no SDK.
import { WIDGET_STATE_TYPES } from "../widget-catalog.mjs";
import { localpart } from "./dom.mjs";

const enc = encodeURIComponent;

/** A homeserver answer that was not 2xx. `errcode` is Matrix's (M_FORBIDDEN, ...). */
export class MatrixError extends Error {
  constructor(status, body) {
    super(body?.error || `the homeserver answered ${status}`);
    this.name = "MatrixError";
    this.status = status;
    this.errcode = body?.errcode ?? null;
    this.body = body ?? {};
  }
}

/** The homeserver could not be reached at all. */
export class NetworkError extends Error {
  constructor(baseUrl, cause) {
    super(`Can't reach the homeserver at ${baseUrl}`);
    this.name = "NetworkError";
    this.cause = cause;
  }
}

/** One client-server API call: the JSON answer, or a MatrixError / NetworkError (the gateway's API too). */
export async function call(baseUrl, method, path, { token, body, query, signal } = {}) {
  let url = baseUrl + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, typeof v === "string" ? v : JSON.stringify(v));
    if ([...q].length) url += "?" + q;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      signal,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e?.name === "AbortError") throw e;
    throw new NetworkError(baseUrl, e);
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new MatrixError(res.status, json);
  return json;
}

/** Password login. Resolves to {baseUrl, userId, deviceId, accessToken}. */
export async function passwordLogin(baseUrl, user, password) {
  baseUrl = baseUrl.replace(/\/+$/, "");
  const r = await call(baseUrl, "POST", "/_matrix/client/v3/login", {
    body: {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
      initial_device_display_name: "mxscope web",
    },
  });
  return { baseUrl, userId: r.user_id, deviceId: r.device_id, accessToken: r.access_token };
}

const stateKey = (type, key) => `${type}\u0000${key}`;

/** One room as this client sees it. */
export class Room {
  constructor(client, id) {
    this.client = client;
    this.id = id;
    this.membership = "join";
    this.state = new Map(); // "type\0key" -> event
    this.timeline = [];
    this.heroes = [];
    this.inviter = null;
    this.lastActive = 0;
    this.unread = 0;
  }

  stateEvent(type, key = "") {
    return this.state.get(stateKey(type, key)) ?? null;
  }
  stateOfType(type) {
    return [...this.state.values()].filter((e) => e.type === type);
  }
  setState(ev) {
    if (ev.state_key === undefined) return;
    this.state.set(stateKey(ev.type, ev.state_key), ev);
  }

  get name() {
    const n = this.stateEvent("m.room.name")?.content?.name;
    if (n) return n;
    const alias = this.stateEvent("m.room.canonical_alias")?.content?.alias;
    if (alias) return alias;
    const others = this.heroes.filter((u) => u !== this.client.userId);
    if (others.length) return others.map((u) => this.memberName(u)).join(", ");
    return this.membership === "invite" ? "Invitation" : "Empty room";
  }
  get topic() {
    return this.stateEvent("m.room.topic")?.content?.topic ?? "";
  }

  memberName(userId) {
    const m = this.stateEvent("m.room.member", userId)?.content;
    return m?.displayname || localpart(userId);
  }

  /** Members with membership "join". */
  get joinedCount() {
    return this.stateOfType("m.room.member").filter((e) => e.content?.membership === "join").length;
  }

  /** The room's widgets: [{id, content, sender, type}] (removed ones, with empty content, left out). */
  get widgets() {
    const byId = new Map();
    for (const type of WIDGET_STATE_TYPES) {
      for (const e of this.stateOfType(type)) {
        const c = e.content ?? {};
        if (!c.url || !/^https?:/i.test(c.url)) continue;
        // m.widget wins over the legacy type when both exist for one id. The creator is the
        // event's sender, never the content's claim: "added by you" lets a widget load without
        // asking, and anyone allowed to set widgets could write someone else's id there.
        byId.set(e.state_key, { id: e.state_key, type, sender: e.sender, content: { ...c, id: c.id || e.state_key, creatorUserId: e.sender } });
      }
    }
    return [...byId.values()].sort((a, b) => (a.content.name || "").localeCompare(b.content.name || ""));
  }
}

/**
 * A logged-in session against one homeserver. Events:
 *   "sync"     {detail: {initial, rooms: Set<roomId>, events: [{roomId, event}]}}
 *   "status"   {detail: {state: "connecting"|"live"|"retrying", retryIn?, error?}}
 *   "loggedout"  the homeserver no longer accepts the access token
 *   "echo"     {detail: {roomId}}  a local echo changed (sending/sent/failed)
 */
export class MatrixClient extends EventTarget {
  constructor({ baseUrl, accessToken, userId, deviceId }) {
    super();
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.userId = userId;
    this.deviceId = deviceId;
    this.accessToken = accessToken;
    this.rooms = new Map();
    this.since = null;
    this.synced = false;
    this.running = false;
    this.txn = 0;
    this.pollTimeout = 30000; // ms the /sync long-poll waits for news
  }

  request(method, path, opts = {}) {
    return call(this.baseUrl, method, path, { ...opts, token: this.accessToken });
  }

  room(id) {
    let r = this.rooms.get(id);
    if (!r) {
      r = new Room(this, id);
      this.rooms.set(id, r);
    }
    return r;
  }

  /** Rooms the person is in or invited to, invitations first, then the most recently active. */
  roomList() {
    return [...this.rooms.values()]
      .filter((r) => r.membership === "join" || r.membership === "invite")
      .sort((a, b) => {
        const ia = a.membership === "invite";
        const ib = b.membership === "invite";
        if (ia !== ib) return ia ? -1 : 1;
        return b.lastActive - a.lastActive || a.name.localeCompare(b.name);
      });
  }

  // ---- sync --------------------------------------------------------------------------------

  start() {
    if (this.running) return;
    this.running = true;
    this.#loop();
  }

  stop() {
    this.running = false;
    this.abort?.abort();
  }

  #status(state, extra = {}) {
    this.status = { state, ...extra };
    this.dispatchEvent(new CustomEvent("status", { detail: this.status }));
  }

  async #loop() {
    const filter = {
      room: {
        timeline: { limit: 50 },
        state: { lazy_load_members: true },
        ephemeral: { types: [] },
        account_data: { types: [] },
      },
      presence: { types: [] },
      account_data: { types: [] },
    };
    let failures = 0;
    this.#status("connecting");
    while (this.running) {
      this.abort = new AbortController();
      try {
        const r = await this.request("GET", "/_matrix/client/v3/sync", {
          query: { filter, since: this.since ?? undefined, timeout: this.since ? String(this.pollTimeout) : "0", set_presence: "offline" },
          signal: this.abort.signal,
        });
        if (!this.running) return;
        const initial = !this.synced;
        this.since = r.next_batch;
        this.#apply(r, initial);
        failures = 0;
        if (this.status?.state !== "live") this.#status("live");
      } catch (e) {
        if (!this.running || e?.name === "AbortError") return;
        if (e instanceof MatrixError && e.status === 401) {
          this.running = false;
          this.dispatchEvent(new CustomEvent("loggedout", { detail: { error: e } }));
          return;
        }
        failures++;
        const wait = Math.min(30, 2 ** Math.min(failures, 5));
        this.#status("retrying", { retryIn: wait, error: e });
        await new Promise((r) => setTimeout(r, wait * 1000));
        if (this.running) this.#status("connecting");
      }
    }
  }

  #apply(sync, initial) {
    const changed = new Set();
    const events = [];
    const rooms = sync.rooms ?? {};
    for (const [id, jr] of Object.entries(rooms.join ?? {})) {
      const room = this.room(id);
      room.membership = "join";
      room.inviter = null;
      if (jr.summary?.["m.heroes"]) room.heroes = jr.summary["m.heroes"];
      for (const e of jr.state?.events ?? []) room.setState({ ...e, room_id: id });
      const tl = jr.timeline ?? {};
      if (tl.limited && !initial) room.timeline = [];
      for (const raw of tl.events ?? []) {
        const e = { ...raw, room_id: id };
        room.setState(e);
        if (!this.#replaceEcho(room, e)) {
          if (room.timeline.some((x) => x.event_id === e.event_id)) continue;
          room.timeline.push(e);
          room.lastActive = Math.max(room.lastActive, e.origin_server_ts ?? 0);
        }
        if (!initial) {
          events.push({ roomId: id, event: e });
          if (e.sender !== this.userId && e.type === "m.room.message") room.unread++;
        }
      }
      if (room.timeline.length > 500) room.timeline.splice(0, room.timeline.length - 500);
      changed.add(id);
    }
    for (const [id, ir] of Object.entries(rooms.invite ?? {})) {
      const room = this.room(id);
      room.membership = "invite";
      for (const e of ir.invite_state?.events ?? []) {
        room.setState({ ...e, room_id: id });
        if (e.type === "m.room.member" && e.state_key === this.userId) room.inviter = e.sender;
      }
      room.lastActive = Date.now();
      changed.add(id);
    }
    for (const id of Object.keys(rooms.leave ?? {})) {
      const room = this.room(id);
      room.membership = "leave";
      changed.add(id);
    }
    this.synced = true;
    this.dispatchEvent(new CustomEvent("sync", { detail: { initial, rooms: changed, events } }));
  }

  #replaceEcho(room, e) {
    const txn = e.unsigned?.transaction_id;
    if (!txn || e.sender !== this.userId) return false;
    const i = room.timeline.findIndex((x) => x.pending && x.txnId === txn);
    if (i < 0) return false;
    room.timeline[i] = e;
    room.lastActive = Math.max(room.lastActive, e.origin_server_ts ?? 0);
    return true;
  }

  // ---- actions -----------------------------------------------------------------------------

  #txnId() {
    return `mxw${Date.now()}.${this.txn++}`;
  }

  /** Sends a text message with a local echo (state "sending" -> the real event, or "failed"). */
  async sendText(roomId, body) {
    const room = this.room(roomId);
    const txnId = this.#txnId();
    const echo = {
      event_id: `~${txnId}`,
      txnId,
      pending: "sending",
      type: "m.room.message",
      sender: this.userId,
      room_id: roomId,
      origin_server_ts: Date.now(),
      content: { msgtype: "m.text", body },
    };
    room.timeline.push(echo);
    this.dispatchEvent(new CustomEvent("echo", { detail: { roomId } }));
    return this.#sendEcho(room, echo);
  }

  /** Tries a failed local echo again. */
  retry(roomId, eventId) {
    const room = this.room(roomId);
    const echo = room.timeline.find((x) => x.event_id === eventId && x.pending === "failed");
    if (!echo) return;
    echo.pending = "sending";
    this.dispatchEvent(new CustomEvent("echo", { detail: { roomId } }));
    return this.#sendEcho(room, echo);
  }

  async #sendEcho(room, echo) {
    try {
      const r = await this.request("PUT", `/_matrix/client/v3/rooms/${enc(room.id)}/send/m.room.message/${enc(echo.txnId)}`, { body: echo.content });
      // The sync usually replaces the echo; until then it shows as sent.
      if (echo.pending) {
        echo.pending = "sent";
        echo.sentId = r.event_id;
      }
    } catch (e) {
      echo.pending = "failed";
      echo.error = e;
    }
    this.dispatchEvent(new CustomEvent("echo", { detail: { roomId: room.id } }));
  }

  sendState(roomId, type, key, content) {
    return this.request("PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(key)}`, { body: content });
  }

  async createRoom(name) {
    const r = await this.request("POST", "/_matrix/client/v3/createRoom", { body: { name, preset: "private_chat" } });
    return r.room_id;
  }

  async join(roomId) {
    await this.request("POST", `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
  }

  async leave(roomId) {
    await this.request("POST", `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: {} });
  }

  /** Ends the login on the homeserver (its access token stops working). */
  async logout() {
    this.stop();
    try {
      await this.request("POST", "/_matrix/client/v3/logout", { body: {} });
    } catch (e) {
      if (!(e instanceof MatrixError && e.status === 401)) throw e;
    }
  }
}
