// The small client interface the widget host needs, over plain fetch against the Matrix
// client-server API. The host authorises every call with the widget's mxscope token first; this
// client then performs it with the person's own access token, which never reaches the widget.

/** A homeserver error, kept in the shape processError turns into `matrix_api_error`. */
export class MatrixHttpError extends Error {
  constructor(status, body, url, headers = {}) {
    super(body?.error || `HTTP ${status}`);
    this.name = "MatrixHttpError";
    this.httpStatus = status;
    this.errcode = body?.errcode;
    this.body = body ?? {};
    this.url = url;
    this.headers = headers;
  }
}

const enc = encodeURIComponent;

/**
 * @implements {import("./client.d.ts").WidgetHostClient}
 */
export class FetchClient {
  /**
   * @param {{baseUrl: string, accessToken: string, userId: string, deviceId?: string, fetch?: typeof fetch}} options
   */
  constructor({ baseUrl, accessToken, userId, deviceId, fetch: f }) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.userId = userId;
    this.deviceId = deviceId ?? null;
    this.#accessToken = accessToken;
    this.#fetch = f ?? globalThis.fetch.bind(globalThis);
    this.#txn = 0;
  }
  #accessToken;
  #fetch;
  #txn;

  async #request(method, path, { body, query, raw, contentType } = {}) {
    let url = this.baseUrl + path;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, typeof v === "string" ? v : JSON.stringify(v));
      const s = q.toString();
      if (s) url += "?" + s;
    }
    const headers = { Authorization: `Bearer ${this.#accessToken}` };
    let payload;
    if (raw !== undefined) {
      payload = raw;
      headers["Content-Type"] = contentType || "application/octet-stream";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const res = await this.#fetch(url, { method, headers, body: payload });
    if (!res.ok) {
      let err = {};
      try {
        err = await res.json();
      } catch {}
      // The URL carries no secret (auth is a header), so it may go into the error.
      throw new MatrixHttpError(res.status, err, url);
    }
    return res;
  }
  async #json(method, path, opts) {
    return (await this.#request(method, path, opts)).json();
  }
  #txnId() {
    return `mxscope-wh-${Date.now()}-${this.#txn++}`;
  }

  async sendEvent(roomId, type, content) {
    const r = await this.#json("PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(this.#txnId())}`, { body: content });
    return { roomId, eventId: r.event_id };
  }
  async sendStateEvent(roomId, type, stateKey, content) {
    const r = await this.#json("PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { body: content });
    return { roomId, eventId: r.event_id };
  }
  async redactEvent(roomId, eventId, reason) {
    const r = await this.#json("PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(this.#txnId())}`, { body: reason ? { reason } : {} });
    return { roomId, eventId: r.event_id };
  }
  /** Newest first, like /messages?dir=b. `types` narrows server-side. */
  async readTimeline(roomId, { limit = 25, types, from } = {}) {
    const filter = types ? { types } : undefined;
    const r = await this.#json("GET", `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, { query: { dir: "b", limit: String(limit), filter, from } });
    return (r.chunk ?? []).map((e) => ({ ...e, room_id: e.room_id ?? roomId }));
  }
  async readState(roomId) {
    const events = await this.#json("GET", `/_matrix/client/v3/rooms/${enc(roomId)}/state`);
    return events.map((e) => ({ ...e, room_id: e.room_id ?? roomId }));
  }
  async readRelations(roomId, eventId, { relType, eventType, limit, from, to, direction } = {}) {
    let path = `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(eventId)}`;
    if (relType) path += `/${enc(relType)}` + (eventType ? `/${enc(eventType)}` : "");
    return this.#json("GET", path, { query: { limit: limit ? String(limit) : undefined, from, to, dir: direction } });
  }
  async readRoomAccountData(roomId, type) {
    try {
      return await this.#json("GET", `/_matrix/client/v3/user/${enc(this.userId)}/rooms/${enc(roomId)}/account_data/${enc(type)}`);
    } catch (e) {
      if (e.httpStatus === 404) return null;
      throw e;
    }
  }
  async joinedRooms() {
    return (await this.#json("GET", "/_matrix/client/v3/joined_rooms")).joined_rooms ?? [];
  }
  async sendToDevice(type, messages) {
    await this.#json("PUT", `/_matrix/client/v3/sendToDevice/${enc(type)}/${enc(this.#txnId())}`, { body: { messages } });
  }
  async requestOpenIdToken() {
    return this.#json("POST", `/_matrix/client/v3/user/${enc(this.userId)}/openid/request_token`, { body: {} });
  }
  async getMediaConfig() {
    return this.#json("GET", "/_matrix/client/v1/media/config");
  }
  async uploadMedia(data, { contentType, filename } = {}) {
    const r = await this.#json("POST", "/_matrix/media/v3/upload", { raw: data, contentType: contentType || data?.type, query: { filename } });
    return { contentUri: r.content_uri };
  }
  async downloadMedia(mxc) {
    const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (!m) throw new MatrixHttpError(400, { errcode: "M_INVALID_PARAM", error: "not an mxc:// URI" }, "");
    const res = await this.#request("GET", `/_matrix/client/v1/media/download/${enc(m[1])}/${enc(m[2])}`);
    return res.blob();
  }
  async getTurnServers() {
    return this.#json("GET", "/_matrix/client/v3/voip/turnServer");
  }
  async searchUserDirectory(term, limit) {
    return this.#json("POST", "/_matrix/client/v3/user_directory/search", { body: { search_term: term, limit } });
  }
  async getRoomName(roomId) {
    try {
      return (await this.#json("GET", `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.name/`)).name ?? null;
    } catch {
      return null;
    }
  }
}
