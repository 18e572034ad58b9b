// The plain-fetch client adapter against the real Synapse, and a whole widget session in Node
// whose approved send lands in Synapse while the unapproved one never leaves the host.
import "./support/fake-dom.mjs";
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { FetchClient, MatrixHttpError } from "../../widget-host/clients/fetch-client.mjs";
import { HS, synapseUp, login, createRoom, latestMessages } from "./support/synapse.mjs";
import { makeHost, embedWidget } from "./support/setup.mjs";

const required = process.env.MXSCOPE_E2E_REQUIRED === "1";
const skip = !required && !(await synapseUp()) ? "Synapse is not running (scripts/synapse.sh start)" : false;
let alice, roomId, client;

before(async () => {
  if (skip) return;
  alice = await login("alice", "alicepass");
  roomId = await createRoom(alice.access_token, "Fetch client");
  client = new FetchClient({ baseUrl: HS, accessToken: alice.access_token, userId: alice.user_id, deviceId: alice.device_id });
});

test("FetchClient: send, state, read back, redact, room name", { skip }, async () => {
  const sent = await client.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "via fetch" });
  assert.match(sent.eventId, /^\$/);
  await client.sendStateEvent(roomId, "m.room.topic", "", { topic: "set by fetch" });
  const timeline = await client.readTimeline(roomId, { limit: 10, types: ["m.room.message"] });
  assert.equal(timeline[0].content.body, "via fetch");
  assert.ok(timeline.every((e) => e.room_id === roomId));
  const state = await client.readState(roomId);
  assert.equal(state.find((e) => e.type === "m.room.topic").content.topic, "set by fetch");
  assert.equal(await client.getRoomName(roomId), "Fetch client");
  await client.redactEvent(roomId, sent.eventId, "test");
  assert.ok((await client.joinedRooms()).includes(roomId));
});

test("FetchClient: OpenID, media round trip, user directory, to-device, errors keep the homeserver's shape", { skip }, async () => {
  const oid = await client.requestOpenIdToken();
  assert.equal(oid.matrix_server_name, "localhost");
  const { contentUri } = await client.uploadMedia(new TextEncoder().encode("hello media"), { contentType: "text/plain", filename: "a.txt" });
  assert.match(contentUri, /^mxc:\/\/localhost\//);
  const blob = await client.downloadMedia(contentUri);
  assert.equal(await blob.text(), "hello media");
  assert.equal(typeof (await client.getMediaConfig()), "object");
  const dir = await client.searchUserDirectory("alice", 5);
  assert.ok(Array.isArray(dir.results));
  await client.sendToDevice("org.example.ping", { [alice.user_id]: { [alice.device_id]: { hi: 1 } } });
  await assert.rejects(client.sendEvent("!missing:localhost", "m.room.message", { body: "x" }), (e) => e instanceof MatrixHttpError && e.httpStatus === 403 && e.errcode === "M_FORBIDDEN" && !e.url.includes(alice.access_token));
});

test("a widget session over FetchClient: the approved message reaches Synapse, the unapproved never leaves the host", { skip }, async () => {
  const env = makeHost({ client });
  const { w, fw } = await embedWidget(env, { capabilities: ["org.matrix.msc2762.send.event:m.room.message#m.text"], roomId });
  const ok = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "from a widget, in Node" } });
  assert.match(ok.event_id, /^\$/);
  const no = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.notice", body: "must not arrive" } });
  assert.equal(no.error.message, "Cannot send room events of this type");
  const bodies = (await latestMessages(alice.access_token, roomId)).map((e) => e.content?.body);
  assert.ok(bodies.includes("from a widget, in Node"));
  assert.ok(!bodies.includes("must not arrive"));
  w.close();
  const late = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "after close" } }, { timeoutMs: 200 });
  assert.deepEqual(late, { timeout: true });
  assert.ok(!(await latestMessages(alice.access_token, roomId)).some((e) => e.content?.body === "after close"));
});
