// A real Matrix client library (matrix-js-sdk from npm) through the gateway, against real Synapse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { startGateway, registerOnSynapse, unique, mint, call, HS, realTokensOf } from "./helpers.mjs";
import { synced, waitFor } from "../lib/matrix-js-sdk.mjs";

logger.setLevel("silent");
// matrix-js-sdk arms a local timeout of pollTimeout + 80 s for every /sync and does not clear it
// when the client stops (http-api/utils.js timeoutSignal): without this the file would idle for
// 110 s after its last test. Long timers no longer keep the process alive; nothing else changes.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...args) => {
  const t = realSetTimeout(fn, ms, ...args);
  if (ms >= 60000) t.unref?.();
  return t;
};
// matrix-js-sdk prints push-rule notes through console.log; keep the test output readable.
const origLog = console.log;
console.log = (...a) => { if (!String(a[0] ?? "").startsWith("Adding default global")) origLog(...a); };

let gw, user, userId, root, login;
const password = "pw-" + unique("p");

function client(token) {
  return sdk.createClient({ baseUrl: gw.url, accessToken: token, userId, deviceId: login.device_id });
}

// Clients start with synced() (tests/lib/matrix-js-sdk.mjs). Synapse caches /sync answers per
// (user, device, filter, since) for a while, and every token of a login shares the device: each
// client here uses its own initialSyncLimit so that it gets a fresh answer, not another's.

before(async () => {
  gw = await startGateway();
  user = unique("jsuser");
  userId = await registerOnSynapse(user, password);
  const c = sdk.createClient({ baseUrl: gw.url });
  login = await c.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user }, password });
  root = login.access_token;
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("matrix-js-sdk logs in through the gateway and receives an mxscope root token, never the real one", async () => {
  assert.match(root, /^mxs1_[A-Za-z0-9_-]+$/);
  assert.equal(login.user_id, userId);
  assert.ok(login.device_id);
  assert.equal(login.refresh_token, undefined);
  const real = await realTokensOf(userId);
  for (const t of real) assert.ok(!JSON.stringify(login).includes(t), "the real token leaked into the login answer");
  // The root token means nothing to the homeserver itself.
  const direct = await call(HS, "GET", "/_matrix/client/v3/account/whoami", { token: root });
  assert.equal(direct.status, 401);
});

test("with the root token the client works normally: whoami, rooms, messages, sync", async () => {
  const c = client(root);
  const who = await c.whoami();
  assert.equal(who.user_id, userId);
  assert.equal(who.device_id, login.device_id);
  const { room_id } = await c.createRoom({ name: "js root room" });
  const { event_id } = await c.sendTextMessage(room_id, "hello from the root token");
  assert.ok(event_id);
  await c.setRoomTopic(room_id, "a topic");
  await synced(sdk, c, 20);
  try {
    const seen = await waitFor(() => {
      const room = c.getRoom(room_id);
      return room?.getLiveTimeline().getEvents().some((e) => e.getId() === event_id);
    });
    assert.ok(seen, "the client's sync shows the message");
    assert.equal(c.getRoom(room_id).name, "js root room");
  } finally {
    c.stopClient();
  }
  const devices = await c.getDevices();  // root-only endpoint, allowed to the root
  assert.ok(devices.devices.some((d) => d.device_id === login.device_id));
});

test("a room-scoped subtoken sends in its room, sees only that room in /sync, and is refused elsewhere", async () => {
  const rc = client(root);
  const { room_id: roomA } = await rc.createRoom({ name: "room A" });
  const { room_id: roomB } = await rc.createRoom({ name: "room B" });
  await rc.sendTextMessage(roomB, "secret in B");
  const sub = await mint(gw, root, {
    actions: ["read_timeline", "read_state", "send_message", "identity"],
    rooms: [roomA],
    name: "js-bot",
  });
  const c = client(sub.token);
  const { event_id } = await c.sendTextMessage(roomA, "hello from the bot");
  assert.ok(event_id);

  await assert.rejects(c.sendTextMessage(roomB, "should not arrive"), (e) => {
    assert.equal(e.errcode, "M_FORBIDDEN");
    assert.equal(e.httpStatus, 403);
    assert.match(e.data.error, /room/);
    assert.equal(e.data["org.mxscope.reason"], "room_not_allowed");
    return true;
  });
  await assert.rejects(c.createRoom({ name: "nope" }), (e) => e.errcode === "M_FORBIDDEN");
  await assert.rejects(c.getDevices(), (e) => e.errcode === "M_FORBIDDEN" && e.data["org.mxscope.reason"] === "root_only");
  await assert.rejects(c.sendEvent(roomA, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id, key: "x" } }),
    (e) => e.errcode === "M_FORBIDDEN");

  await synced(sdk, c, 19);
  try {
    const rooms = c.getRooms().map((r) => r.roomId);
    assert.deepEqual(rooms, [roomA], "the subtoken's sync shows its room only");
    const ok = await waitFor(() => c.getRoom(roomA)?.getLiveTimeline().getEvents().some((e) => e.getId() === event_id));
    assert.ok(ok);
    assert.equal(c.getRoom(roomA).name, "room A");
  } finally {
    c.stopClient();
  }
  const joined = await c.getJoinedRooms();
  assert.deepEqual(joined.joined_rooms, [roomA]);
});

test("events sent with a named token carry its name in org.mxscope.token; nobody else can claim one", async () => {
  const rc = client(root);
  const { room_id } = await rc.createRoom({ name: "attribution" });
  const named = await mint(gw, root, { actions: ["send_message", "send_event", "send_state"], rooms: [room_id], name: "backup-bot" });
  const unnamed = await mint(gw, root, { actions: ["send_message"], rooms: [room_id] });
  const { event_id: e1 } = await client(named.token).sendTextMessage(room_id, "from backup-bot");
  const { event_id: e2 } = await client(named.token).sendEvent(room_id, "org.example.custom", { "org.mxscope.token": { name: "spoof" } });
  const { event_id: e3 } = await client(unnamed.token).sendMessage(room_id, { msgtype: "m.text", body: "claims", "org.mxscope.token": { name: "backup-bot" } });
  const { event_id: e4 } = await client(named.token).sendStateEvent(room_id, "m.room.topic", { topic: "set by the bot" }, "");
  const ev = async (id) => (await rc.fetchRoomEvent(room_id, id)).content;
  assert.deepEqual((await ev(e1))["org.mxscope.token"], { name: "backup-bot" });
  assert.deepEqual((await ev(e2))["org.mxscope.token"], { name: "backup-bot" });
  assert.equal((await ev(e3))["org.mxscope.token"], undefined, "an unnamed subtoken cannot claim a name");
  assert.deepEqual((await ev(e4))["org.mxscope.token"], { name: "backup-bot" });
  const { event_id: e5 } = await rc.sendTextMessage(room_id, "from the root");
  assert.equal((await ev(e5))["org.mxscope.token"], undefined);
});

test("two tokens of a login may use the same transaction id; a retry with one token is deduplicated", async () => {
  const rc = client(root);
  const { room_id } = await rc.createRoom({ name: "transactions" });
  const one = await mint(gw, root, { actions: ["send_message"], rooms: [room_id] });
  const two = await mint(gw, root, { actions: ["send_message"], rooms: [room_id] });
  const txn = unique("txn");
  const put = (token, body) => call(gw.url, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room_id)}/send/m.room.message/${txn}`,
    { token, body: { msgtype: "m.text", body } });
  const a = await put(one.token, "from token one");
  const b = await put(two.token, "from token two");
  const rootSend = await put(root, "from the root");
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.notEqual(a.json.event_id, b.json.event_id, "the second token's message was swallowed as a duplicate");
  assert.notEqual(rootSend.json.event_id, a.json.event_id);
  const again = await put(one.token, "from token one");
  assert.equal(again.json.event_id, a.json.event_id, "a retry is still recognised");
  assert.equal((await rc.fetchRoomEvent(room_id, b.json.event_id)).content.body, "from token two");
});

test("a msgtype-limited token sends only that msgtype and reads only those messages", async () => {
  const rc = client(root);
  const { room_id } = await rc.createRoom({ name: "msgtypes" });
  const { event_id: notice } = await rc.sendNotice(room_id, "a notice");
  const { event_id: text } = await rc.sendTextMessage(room_id, "a text");
  const sub = await mint(gw, root, {
    actions: ["send_message", "read_timeline"],
    rooms: [room_id],
    events: [
      { action: "send_message", type: "m.room.message", key: "m.text" },
      { action: "read_timeline", type: "m.room.message", key: "m.text" },
    ],
  });
  const c = client(sub.token);
  await c.sendTextMessage(room_id, "ok");
  await assert.rejects(c.sendNotice(room_id, "no"), (e) => e.errcode === "M_FORBIDDEN" && e.data["org.mxscope.reason"] === "event_not_allowed");
  const msgs = await c.createMessagesRequest(room_id, null, 50, "b");
  const ids = msgs.chunk.map((e) => e.event_id);
  assert.ok(ids.includes(text));
  assert.ok(!ids.includes(notice), "the notice is filtered out");
  assert.ok(msgs.chunk.every((e) => e.type === "m.room.message" && e.content.msgtype === "m.text"));
  await assert.rejects(c.fetchRoomEvent(room_id, notice), (e) => e.httpStatus === 404);
  const fetched = await c.fetchRoomEvent(room_id, text);
  assert.equal(fetched.event_id, text);
});

test("media goes through unchanged: upload with a scoped token, download with another", async () => {
  const up = await mint(gw, root, { actions: ["upload_media"], name: "uploader" });
  const down = await mint(gw, root, { actions: ["download_media"] });
  const bytes = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7919) % 256));
  const r = await fetch(`${gw.url}/_matrix/media/v3/upload?filename=blob.bin`, {
    method: "POST", headers: { Authorization: `Bearer ${up.token}`, "Content-Type": "application/octet-stream" }, body: bytes,
  });
  assert.equal(r.status, 200);
  const { content_uri } = await r.json();
  assert.match(content_uri, /^mxc:\/\//);
  const [server, id] = content_uri.slice(6).split("/");
  const d = await fetch(`${gw.url}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { Authorization: `Bearer ${down.token}` } });
  assert.equal(d.status, 200);
  assert.ok(Buffer.from(await d.arrayBuffer()).equals(bytes), "the same bytes come back");
  const denied = await fetch(`${gw.url}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { Authorization: `Bearer ${up.token}` } });
  assert.equal(denied.status, 403);
  await denied.arrayBuffer();
});

test("registration through the gateway also answers with a root token", async () => {
  const name = unique("jsreg");
  let r = await call(gw.url, "POST", "/_matrix/client/v3/register", { body: { username: name, password, refresh_token: true } });
  assert.equal(r.status, 401, "the interactive-auth step passes through");
  assert.ok(r.json.session);
  r = await call(gw.url, "POST", "/_matrix/client/v3/register",
    { body: { username: name, password, refresh_token: true, auth: { type: "m.login.dummy", session: r.json.session } } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.access_token, /^mxs1_/);
  assert.equal(r.json.refresh_token, undefined);
  const c = sdk.createClient({ baseUrl: gw.url, accessToken: r.json.access_token, userId: r.json.user_id });
  assert.equal((await c.whoami()).user_id, r.json.user_id);
  const inhibited = await call(gw.url, "POST", "/_matrix/client/v3/register",
    { body: { username: unique("jsreg"), password, inhibit_login: true, auth: { type: "m.login.dummy" } } });
  assert.equal(inhibited.status, 200, inhibited.text);
  assert.equal(inhibited.json.access_token, undefined);
});
