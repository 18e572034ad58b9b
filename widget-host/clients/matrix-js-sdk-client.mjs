// The widget host's client interface over a matrix-js-sdk MatrixClient (the app's own, already
// logged in). Only methods whose shapes have been stable across matrix-js-sdk 30-37 are used.
import { MatrixHttpError } from "./fetch-client.mjs";

const wrap = async (fn) => {
  try {
    return await fn();
  } catch (e) {
    if (e && typeof e.httpStatus === "number") throw new MatrixHttpError(e.httpStatus, e.data ?? { errcode: e.errcode, error: e.message }, e.url ?? "");
    throw e;
  }
};

export class MatrixJsSdkClient {
  /** @param {import("matrix-js-sdk").MatrixClient} client */
  constructor(client) {
    this.mx = client;
    this.userId = client.getUserId();
    this.deviceId = client.getDeviceId?.() ?? null;
    this.baseUrl = client.getHomeserverUrl?.() ?? client.baseUrl;
  }
  sendEvent(roomId, type, content) {
    return wrap(async () => ({ roomId, eventId: (await this.mx.sendEvent(roomId, type, content)).event_id }));
  }
  sendStateEvent(roomId, type, stateKey, content) {
    return wrap(async () => ({ roomId, eventId: (await this.mx.sendStateEvent(roomId, type, content, stateKey)).event_id }));
  }
  redactEvent(roomId, eventId, reason) {
    return wrap(async () => ({ roomId, eventId: (await this.mx.redactEvent(roomId, eventId, undefined, reason ? { reason } : undefined)).event_id }));
  }
  /** Newest first, like /messages?dir=b. `types` narrows server-side. */
  readTimeline(roomId, { limit = 25, types, from } = {}) {
    // Through the client's public authedRequest: createMessagesRequest is private in matrix-js-sdk
    // and takes a Filter instance, not the plain {types} the host has.
    const query = { dir: "b", limit: String(limit) };
    if (from) query.from = from;
    if (types) query.filter = JSON.stringify({ types });
    return wrap(async () => {
      const r = await this.mx.http.authedRequest("GET", `/rooms/${encodeURIComponent(roomId)}/messages`, query);
      return (r.chunk ?? []).map((e) => ({ ...e, room_id: e.room_id ?? roomId }));
    });
  }
  readState(roomId) {
    return wrap(async () => (await this.mx.roomState(roomId)).map((e) => ({ ...e, room_id: e.room_id ?? roomId })));
  }
  readRelations(roomId, eventId, { relType, eventType, limit, from, to, direction } = {}) {
    return wrap(() => this.mx.fetchRelations(roomId, eventId, relType ?? null, eventType ?? null, { limit, from, to, dir: direction }));
  }
  async readRoomAccountData(roomId, type) {
    return this.mx.getRoom(roomId)?.getAccountData(type)?.getContent() ?? null;
  }
  joinedRooms() {
    return wrap(async () => (await this.mx.getJoinedRooms()).joined_rooms ?? []);
  }
  sendToDevice(type, messages) {
    const map = new Map(Object.entries(messages).map(([u, d]) => [u, new Map(Object.entries(d))]));
    return wrap(() => this.mx.sendToDevice(type, map));
  }
  requestOpenIdToken() {
    return wrap(() => this.mx.getOpenIdToken());
  }
  getMediaConfig() {
    return wrap(() => this.mx.getMediaConfig(true));
  }
  uploadMedia(data, { contentType, filename } = {}) {
    return wrap(async () => ({ contentUri: (await this.mx.uploadContent(data, { type: contentType, name: filename })).content_uri }));
  }
  downloadMedia(mxc) {
    return wrap(async () => {
      const url = this.mx.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${this.mx.getAccessToken()}` } });
      if (!res.ok) throw new MatrixHttpError(res.status, await res.json().catch(() => ({})), url);
      return res.blob();
    });
  }
  getTurnServers() {
    return wrap(() => this.mx.turnServer());
  }
  searchUserDirectory(term, limit) {
    return wrap(() => this.mx.searchUserDirectory({ term, limit }));
  }
  async getRoomName(roomId) {
    return this.mx.getRoom(roomId)?.name ?? null;
  }
}
