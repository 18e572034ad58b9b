// The WidgetDriver matrix-widget-api's ClientWidgetApi calls for one widget. Each method first
// asks the SDK whether the widget's token allows it (Enforcer.require), then performs it through
// the host's client with the person's own credentials.
import { WidgetDriver, OpenIDRequestState } from "matrix-widget-api";
import { ScopeDenied, denialError } from "./enforcement.mjs";
import { MatrixHttpError } from "./clients/fetch-client.mjs";

const STATE_CACHE_MS = 1000;

export class ScopedWidgetDriver extends WidgetDriver {
  /**
   * @param {object} session  the HostedWidget: {enforcer, client, roomId, tokenName,
   *   approveCapabilities(set), askOpenId(), navigate(uri), knownRooms(), record(entry)}
   */
  constructor(session) {
    super();
    this.session = session;
    this.stateCache = new Map();
  }

  #require(request, widgetMessage) {
    try {
      return this.session.enforcer.require(request, widgetMessage);
    } catch (e) {
      this.session.record({ action: request.action, request, allowed: false, reason: e.code, detail: e.detail });
      throw e;
    }
  }
  #allowed(request) {
    return this.session.enforcer.decide(request).allowed;
  }
  #room(roomId) {
    return roomId || this.session.roomId;
  }

  async validateCapabilities(requested) {
    return this.session.approveCapabilities([...requested]);
  }

  async sendEvent(eventType, content, stateKey = null, roomId = null) {
    const room = this.#room(roomId);
    const client = this.session.client;
    let result;
    if (stateKey !== null && stateKey !== undefined) {
      this.#require({ action: "send_state", roomId: room, eventType, key: String(stateKey) }, "Cannot send state events of this type");
      result = await client.sendStateEvent(room, eventType, String(stateKey), content ?? {});
    } else if (eventType === "m.room.redaction") {
      this.#require({ action: "send_event", roomId: room, eventType }, "Cannot send room events of this type");
      if (typeof content?.redacts !== "string") throw new ScopeDenied("a redaction needs content.redacts", { reason: "bad_request" });
      result = await client.redactEvent(room, content.redacts, content.reason);
    } else {
      const msgtype = eventType === "m.room.message" && content?.msgtype !== undefined ? String(content.msgtype) : undefined;
      const action = eventType === "m.room.message" ? "send_message" : "send_event";
      this.#require({ action, roomId: room, eventType, key: msgtype }, "Cannot send room events of this type");
      // The token's name labels what the widget posts (describe promises it).
      const labelled = { ...(content ?? {}), "io.mxscope.label": this.session.tokenName };
      result = await client.sendEvent(room, eventType, labelled);
    }
    this.session.record({ action: "send_event", allowed: true, summary: `${eventType}${stateKey != null ? ` [${stateKey}]` : content?.msgtype ? ` (${content.msgtype})` : ""} in ${room}`, eventId: result.eventId });
    return { roomId: result.roomId ?? room, eventId: result.eventId };
  }

  async sendDelayedEvent() {
    throw new ScopeDenied("delayed events are not supported by this host", { reason: "unsupported" });
  }
  async sendStickyEvent() {
    throw new ScopeDenied("sticky events are not supported by this host", { reason: "unsupported" });
  }
  async sendDelayedStickyEvent() {
    throw new ScopeDenied("sticky events are not supported by this host", { reason: "unsupported" });
  }

  async sendToDevice(eventType, encrypted, contentMap) {
    this.#require({ action: "send_to_device", eventType }, "Cannot send to-device events of this type");
    if (encrypted) {
      if (typeof this.session.client.sendEncryptedToDevice !== "function") {
        throw new ScopeDenied("this client cannot encrypt to-device messages", { reason: "unsupported" });
      }
      await this.session.client.sendEncryptedToDevice(eventType, contentMap);
    } else {
      await this.session.client.sendToDevice(eventType, contentMap);
    }
    this.session.record({ action: "send_to_device", allowed: true, summary: `${eventType} to ${Object.keys(contentMap).length} user(s)` });
  }

  /** Events the token may read: per-event authorisation, so nothing outside the scope leaks. */
  #readable(events) {
    return events.filter((e) => {
      const state = e.state_key !== undefined;
      return this.#allowed(
        state
          ? { action: "read_state", roomId: e.room_id, eventType: e.type, key: e.state_key }
          : { action: "read_timeline", roomId: e.room_id, eventType: e.type, key: e.type === "m.room.message" && typeof e.content?.msgtype === "string" ? e.content.msgtype : undefined },
      );
    });
  }

  async readRoomTimeline(roomId, eventType, msgtype, stateKey, limit, since) {
    const state = stateKey !== undefined;
    this.#require(
      state
        ? { action: "read_state", roomId, eventType, key: stateKey }
        : { action: "read_timeline", roomId, eventType, key: msgtype },
      state ? "Cannot read state events of this type" : "Cannot read room events of this type",
    );
    const want = limit > 0 ? Math.min(limit, 100) : 50;
    const chunk = await this.session.client.readTimeline(roomId, { limit: Math.max(want * 2, 20), types: [eventType] });
    const out = [];
    for (const e of chunk) {
      if (since !== undefined && e.event_id === since) break;
      if (e.type !== eventType) continue;
      if (state ? e.state_key === undefined || (stateKey !== "" && stateKey !== undefined && e.state_key !== stateKey) : e.state_key !== undefined) continue;
      if (msgtype !== undefined && e.content?.msgtype !== msgtype) continue;
      out.push(e);
      if (out.length >= want) break;
    }
    const readable = this.#readable(out);
    this.session.record({ action: "read_events", allowed: true, summary: `read ${readable.length} ${eventType}${msgtype ? ` (${msgtype})` : ""} event(s) in ${roomId}` });
    return readable;
  }

  async readRoomState(roomId, eventType, stateKey) {
    // Called for the initial state push too; a denial there means "nothing to push".
    if (!this.#allowed({ action: "read_state", roomId, eventType, key: stateKey })) {
      this.session.enforcer.require({ action: "read_state", roomId, eventType, key: stateKey }); // throws if the token itself is dead
      return [];
    }
    let cached = this.stateCache.get(roomId);
    if (!cached || cached.at + STATE_CACHE_MS < Date.now()) {
      cached = { at: Date.now(), events: this.session.client.readState(roomId) };
      this.stateCache.set(roomId, cached);
    }
    const events = (await cached.events).filter((e) => e.type === eventType && (stateKey === undefined || e.state_key === stateKey));
    return this.#readable(events);
  }

  async readEventRelations(eventId, roomId, relationType, eventType, from, to, limit, direction) {
    const room = this.#room(roomId);
    this.#require({ action: "read_timeline", roomId: room, eventType }, "Cannot read room events of this type");
    const r = await this.session.client.readRelations(room, eventId, { relType: relationType, eventType, limit, from, to, direction });
    return { chunk: this.#readable((r.chunk ?? []).map((e) => ({ ...e, room_id: e.room_id ?? room }))), nextBatch: r.next_batch, prevBatch: r.prev_batch };
  }

  async readRoomAccountData(eventType, roomIds) {
    const rooms = roomIds && roomIds.length ? roomIds : [this.session.roomId];
    const out = [];
    for (const roomId of rooms) {
      // matrix-widget-api 1.19 calls this before its own capability check: never read unauthorised data.
      if (!this.#allowed({ action: "read_room_account_data", roomId })) continue;
      const content = await this.session.client.readRoomAccountData(roomId, eventType);
      if (content) out.push({ type: eventType, room_id: roomId, content });
    }
    return out;
  }

  askOpenID(observer) {
    // Ask the person first: the widget hears {state: "request"} and gets the answer later.
    if (this.session.openIdNeedsPrompt()) observer.update({ state: OpenIDRequestState.PendingUserConfirmation });
    this.session.askOpenId().then(
      (token) => observer.update(token ? { state: OpenIDRequestState.Allowed, token } : { state: OpenIDRequestState.Blocked }),
      () => observer.update({ state: OpenIDRequestState.Blocked }),
    );
  }

  async navigate(uri) {
    this.#require({ action: "navigate" });
    this.session.record({ action: "navigate", allowed: true, summary: uri });
    await this.session.navigate(uri);
  }

  async *getTurnServers() {
    this.#require({ action: "turn_servers" });
    const t = await this.session.client.getTurnServers();
    if (!t?.uris?.length) throw new Error("TURN servers not available");
    this.session.record({ action: "turn_servers", allowed: true, summary: "fetched call relay credentials" });
    yield { uris: t.uris, username: t.username, password: t.password };
  }

  async searchUserDirectory(searchTerm, limit) {
    this.#require({ action: "user_directory" });
    const r = await this.session.client.searchUserDirectory(searchTerm, limit);
    this.session.record({ action: "user_directory", allowed: true, summary: `searched users for "${searchTerm}"` });
    return {
      limited: !!r.limited,
      results: (r.results ?? []).map((u) => ({ userId: u.user_id, displayName: u.display_name, avatarUrl: u.avatar_url })),
    };
  }

  async getMediaConfig() {
    this.#require({ action: "upload_media" });
    return this.session.client.getMediaConfig();
  }
  async uploadFile(file) {
    this.#require({ action: "upload_media" });
    const r = await this.session.client.uploadMedia(file, {});
    this.session.record({ action: "upload_media", allowed: true, summary: `uploaded ${r.contentUri}` });
    return { contentUri: r.contentUri };
  }
  async downloadFile(contentUri) {
    this.#require({ action: "download_media" });
    const file = await this.session.client.downloadMedia(contentUri);
    this.session.record({ action: "download_media", allowed: true, summary: `downloaded ${contentUri}` });
    return { file };
  }

  getKnownRooms() {
    return this.session.knownRooms();
  }

  processError(error) {
    if (error instanceof ScopeDenied) {
      return denialError(error.widgetMessage, error.code, error.detail);
    }
    if (error instanceof MatrixHttpError) {
      return {
        matrix_api_error: {
          http_status: error.httpStatus,
          http_headers: error.headers ?? {},
          url: error.url ?? "",
          response: error.body ?? {},
        },
      };
    }
    return undefined;
  }
}
