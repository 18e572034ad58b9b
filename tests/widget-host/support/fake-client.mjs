// A WidgetHostClient that records what the host asked the homeserver to do.
export class FakeClient {
  constructor({ userId = "@alice:example.org", timeline = [], state = [] } = {}) {
    this.userId = userId;
    this.deviceId = "DEV";
    this.baseUrl = "https://hs.example.org";
    this.calls = [];
    this.timeline = timeline; // newest first
    this.state = state;
    this.n = 0;
  }
  #rec(name, ...args) {
    this.calls.push({ name, args });
  }
  async sendEvent(roomId, type, content) {
    this.#rec("sendEvent", roomId, type, content);
    return { roomId, eventId: `$e${this.n++}` };
  }
  async sendStateEvent(roomId, type, stateKey, content) {
    this.#rec("sendStateEvent", roomId, type, stateKey, content);
    return { roomId, eventId: `$s${this.n++}` };
  }
  async redactEvent(roomId, eventId, reason) {
    this.#rec("redactEvent", roomId, eventId, reason);
    return { roomId, eventId: `$r${this.n++}` };
  }
  async readTimeline(roomId, opts) {
    this.#rec("readTimeline", roomId, opts);
    return this.timeline.filter((e) => e.room_id === roomId);
  }
  async readState(roomId) {
    this.#rec("readState", roomId);
    return this.state.filter((e) => e.room_id === roomId);
  }
  async readRelations(roomId, eventId, opts) {
    this.#rec("readRelations", roomId, eventId, opts);
    return { chunk: this.timeline.filter((e) => e.room_id === roomId) };
  }
  async readRoomAccountData(roomId, type) {
    this.#rec("readRoomAccountData", roomId, type);
    return { secret: `${type} of ${roomId}` };
  }
  async joinedRooms() {
    return ["!ops:example.org", "!other:example.org"];
  }
  async sendToDevice(type, messages) {
    this.#rec("sendToDevice", type, messages);
  }
  async requestOpenIdToken() {
    this.#rec("requestOpenIdToken");
    return { access_token: "oid", expires_in: 3600, matrix_server_name: "example.org", token_type: "Bearer" };
  }
  async getMediaConfig() {
    return { "m.upload.size": 1000 };
  }
  async uploadMedia(data) {
    this.#rec("uploadMedia", data);
    return { contentUri: "mxc://example.org/up" };
  }
  async downloadMedia(mxc) {
    this.#rec("downloadMedia", mxc);
    return "bytes";
  }
  async getTurnServers() {
    return { uris: ["turn:t.example.org"], username: "u", password: "p" };
  }
  async searchUserDirectory(term) {
    this.#rec("searchUserDirectory", term);
    return { limited: false, results: [{ user_id: "@bob:example.org", display_name: "Bob" }] };
  }
  async getRoomName(roomId) {
    return { "!ops:example.org": "Ops", "!other:example.org": "Other" }[roomId] ?? null;
  }
  names() {
    return this.calls.map((c) => c.name);
  }
}
