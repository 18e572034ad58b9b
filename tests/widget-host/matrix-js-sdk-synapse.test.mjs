// The matrix-js-sdk adapter driving a REAL matrix-js-sdk MatrixClient (from npm, pinned like the
// gateway tests') against the real Synapse of scripts/synapse.sh: each adapter method on its own,
// then a whole widget session in Node (real matrix-widget-api) whose requests go through the
// adapter: send, read events, state, to-device, each checked on the homeserver itself.
import "./support/fake-dom.mjs";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { MatrixJsSdkClient } from "../../widget-host/clients/matrix-js-sdk-client.mjs";
import { MatrixHttpError } from "../../widget-host/clients/fetch-client.mjs";
import { HS, synapseUp, login, createRoom, latestMessages, cs } from "./support/synapse.mjs";
import { makeHost, embedWidget } from "./support/setup.mjs";
import { synced, waitFor } from "../lib/matrix-js-sdk.mjs";

logger.setLevel("silent");
// matrix-js-sdk arms a pollTimeout + 80 s timer per /sync that stopClient() does not clear; let
// long timers not hold the process open (see tests/gateway/client.test.mjs).
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...args) => {
  const t = realSetTimeout(fn, ms, ...args);
  if (ms >= 60000) t.unref?.();
  return t;
};

const required = process.env.MXSCOPE_E2E_REQUIRED === "1";
const skip = !required && !(await synapseUp()) ? "Synapse is not running (scripts/synapse.sh start)" : false;
let alice, other, roomId, mx, client;

/** The to-device events a device has received since the last call, straight from /sync. */
const since = new Map();
async function toDeviceOf(token) {
  const from = since.get(token);
  const r = await cs("GET", `/_matrix/client/v3/sync?timeout=0${from ? `&since=${encodeURIComponent(from)}` : ""}`, token);
  since.set(token, r.next_batch);
  return r.to_device?.events ?? [];
}

before(async () => {
  if (skip) return;
  alice = await login("alice", "alicepass");
  other = await login("alice", "alicepass"); // a second device of alice's, to receive to-device
  await toDeviceOf(other.access_token); // drain
  roomId = await createRoom(alice.access_token, "js-sdk adapter");
  mx = sdk.createClient({ baseUrl: HS, accessToken: alice.access_token, userId: alice.user_id, deviceId: alice.device_id });
  await mx.setRoomAccountData(roomId, "org.example.prefs", { colour: "teal" });
  await synced(sdk, mx, 5);
  client = new MatrixJsSdkClient(mx);
});

after(() => {
  mx?.stopClient();
});

test("MatrixJsSdkClient over a real MatrixClient: identity, send, read back (with a type filter), state", { skip }, async () => {
  assert.deepEqual([client.userId, client.deviceId, client.baseUrl], [alice.user_id, alice.device_id, HS]);
  const sent = await client.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "via matrix-js-sdk" });
  assert.match(sent.eventId, /^\$/);
  await client.sendEvent(roomId, "org.example.other", { n: 1 });
  const onServer = await latestMessages(alice.access_token, roomId);
  assert.equal(onServer.find((e) => e.event_id === sent.eventId)?.content.body, "via matrix-js-sdk");

  const timeline = await client.readTimeline(roomId, { limit: 10, types: ["m.room.message"] });
  assert.ok(timeline.length >= 1);
  assert.deepEqual([...new Set(timeline.map((e) => e.type))], ["m.room.message"], "the type filter reached the homeserver");
  assert.equal(timeline[0].event_id, sent.eventId, "newest first");
  assert.ok(timeline.every((e) => e.room_id === roomId));
  const unfiltered = await client.readTimeline(roomId, { limit: 10 });
  assert.equal(unfiltered[0].type, "org.example.other");

  const topic = await client.sendStateEvent(roomId, "m.room.topic", "", { topic: "set through matrix-js-sdk" });
  assert.match(topic.eventId, /^\$/);
  await client.sendStateEvent(roomId, "org.example.board", "cell-1", { v: 7 });
  const state = await client.readState(roomId);
  assert.equal(state.find((e) => e.type === "m.room.topic").content.topic, "set through matrix-js-sdk");
  assert.deepEqual(state.find((e) => e.type === "org.example.board" && e.state_key === "cell-1")?.content, { v: 7 });
  assert.ok(state.every((e) => e.room_id === roomId));
  const fromServer = await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.example.board/cell-1`, alice.access_token);
  assert.deepEqual(fromServer, { v: 7 });
});

test("MatrixJsSdkClient: to-device reaches the other device; redact, relations, joined rooms, room name, account data", { skip }, async () => {
  await client.sendToDevice("org.example.ping", { [alice.user_id]: { [other.device_id]: { hello: "device" } } });
  let got = [];
  assert.ok(await waitFor(async () => (got = got.concat(await toDeviceOf(other.access_token))).some((e) => e.type === "org.example.ping")), "the to-device event arrived");
  const ping = got.find((e) => e.type === "org.example.ping");
  assert.deepEqual([ping.sender, ping.content], [alice.user_id, { hello: "device" }]);

  const root = await client.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "thread root" });
  const reply = await client.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "in thread", "m.relates_to": { rel_type: "m.thread", event_id: root.eventId } });
  const relations = await client.readRelations(roomId, root.eventId, { relType: "m.thread" });
  assert.deepEqual(relations.chunk.map((e) => e.event_id), [reply.eventId]);

  const redaction = await client.redactEvent(roomId, reply.eventId, "test");
  assert.match(redaction.eventId, /^\$/);
  const redacted = await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(reply.eventId)}`, alice.access_token);
  assert.deepEqual(redacted.content, {});

  assert.ok((await client.joinedRooms()).includes(roomId));
  assert.ok(await waitFor(async () => (await client.getRoomName(roomId)) === "js-sdk adapter"));
  assert.deepEqual(await client.readRoomAccountData(roomId, "org.example.prefs"), { colour: "teal" });
  assert.equal(await client.readRoomAccountData(roomId, "org.example.absent"), null);
});

test("MatrixJsSdkClient: OpenID, media round trip, user directory, TURN, and homeserver errors as MatrixHttpError", { skip }, async () => {
  const oid = await client.requestOpenIdToken();
  assert.equal(oid.matrix_server_name, "localhost");
  assert.equal(typeof oid.access_token, "string");
  const { contentUri } = await client.uploadMedia(new TextEncoder().encode("hello js-sdk media"), { contentType: "text/plain", filename: "a.txt" });
  assert.match(contentUri, /^mxc:\/\/localhost\//);
  assert.equal(await (await client.downloadMedia(contentUri)).text(), "hello js-sdk media");
  assert.equal(typeof (await client.getMediaConfig()), "object");
  assert.ok(Array.isArray((await client.searchUserDirectory("alice", 5)).results));
  assert.equal(typeof (await client.getTurnServers()), "object");
  await assert.rejects(
    client.sendEvent("!missing:localhost", "m.room.message", { msgtype: "m.text", body: "x" }),
    (e) => e instanceof MatrixHttpError && e.httpStatus === 403 && e.errcode === "M_FORBIDDEN" && !String(e.url).includes(alice.access_token),
  );
});

test("a widget session over a real matrix-js-sdk client: send, read events, state and to-device reach Synapse; the rest is refused", { skip }, async () => {
  const env = makeHost({ client });
  const caps = [
    "org.matrix.msc2762.send.event:m.room.message#m.text",
    "org.matrix.msc2762.receive.event:m.room.message#m.text",
    "org.matrix.msc2762.send.state_event:org.example.board#cell-2",
    "org.matrix.msc2762.receive.state_event:org.example.board#cell-2",
    "org.matrix.msc3819.send.to_device:org.example.widget_ping",
  ];
  // Accept every row, dangerous ones included (reading messages is high risk).
  env.prompter.capabilities = async (req) => (env.prompter.requests.push(req), req.session.mark("promptVisible"), { capabilities: req.rows.map((r) => r.capability), duration: "session" });
  const { w, fw, notified } = await embedWidget(env, { capabilities: caps, roomId });
  assert.ok(caps.every((c) => notified.approved.includes(c)), JSON.stringify(notified.approved));

  const sent = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "widget via js-sdk" } });
  assert.match(sent.event_id, /^\$/);
  const onServer = (await latestMessages(alice.access_token, roomId)).find((e) => e.event_id === sent.event_id);
  assert.equal(onServer?.content.body, "widget via js-sdk");
  assert.equal(onServer?.content["io.mxscope.label"], w.tokenName, "labelled with the widget token's name");

  const read = await fw.request("org.matrix.msc2876.read_events", { type: "m.room.message", msgtype: "m.text", limit: 5 });
  assert.ok(read.events?.some((e) => e.event_id === sent.event_id), JSON.stringify(read).slice(0, 400));

  const st = await fw.request("send_event", { type: "org.example.board", state_key: "cell-2", content: { v: 42 } });
  assert.match(st.event_id, /^\$/);
  assert.deepEqual(await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.example.board/cell-2`, alice.access_token), { v: 42 });
  const readState = await fw.request("org.matrix.msc2876.read_events", { type: "org.example.board", state_key: "cell-2" });
  assert.deepEqual(readState.events?.map((e) => e.content), [{ v: 42 }]);

  const td = await fw.request("send_to_device", { type: "org.example.widget_ping", encrypted: false, messages: { [alice.user_id]: { [other.device_id]: { from: "widget" } } } });
  assert.deepEqual(td, {});
  let got = [];
  assert.ok(await waitFor(async () => (got = got.concat(await toDeviceOf(other.access_token))).some((e) => e.type === "org.example.widget_ping")));
  assert.deepEqual(got.find((e) => e.type === "org.example.widget_ping").content, { from: "widget" });

  // Outside the grant: refused by the host, nothing reaches Synapse.
  const notice = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.notice", body: "must not arrive" } });
  assert.equal(notice.error?.message, "Cannot send room events of this type");
  const otherCell = await fw.request("send_event", { type: "org.example.board", state_key: "cell-3", content: { v: 1 } });
  assert.equal(otherCell.error?.message, "Cannot send state events of this type");
  const otherType = await fw.request("send_to_device", { type: "org.example.other", encrypted: false, messages: { [alice.user_id]: { [other.device_id]: {} } } });
  assert.equal(otherType.error?.message, "Cannot send to-device events of this type");
  assert.ok(!(await latestMessages(alice.access_token, roomId)).some((e) => e.content?.body === "must not arrive"));
  await assert.rejects(cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.example.board/cell-3`, alice.access_token), (e) => e.status === 404);

  w.close();
  assert.equal(w.tokenAccepted(), false);
  const late = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "after close" } }, { timeoutMs: 200 });
  assert.deepEqual(late, { timeout: true });
});
