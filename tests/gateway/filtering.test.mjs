// What a scoped token sees: /sync (rooms, invites, account data, to-device, presence, device
// lists), /joined_rooms, and room reads narrowed by event patterns. Against real Synapse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startGateway, registerOnSynapse, unique, login, mint, call, createRoom, sendMessage, HS } from "./helpers.mjs";

let gw, alice, bob, roomA, roomB, roomInvitedIn, roomInvitedOut;
const pw = "pw-" + unique("p");

// Synapse caches /sync answers per (user, device, filter, since) for a while, and all tokens of a
// login share the device: each call uses its own filter so that it gets a fresh answer.
let syncs = 0;
async function sync(token) {
  syncs += 1;
  const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 30 + syncs } } }));
  const r = await call(gw.url, "GET", `/_matrix/client/v3/sync?filter=${filter}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const enc = encodeURIComponent;

before(async () => {
  gw = await startGateway();
  const a = unique("fa"), b = unique("fb");
  const aliceId = await registerOnSynapse(a, pw);
  const bobId = await registerOnSynapse(b, pw);
  alice = { ...(await login(gw, a, pw)), id: aliceId };
  bob = { ...(await login(gw, b, pw)), id: bobId };
  roomA = await createRoom(gw, alice.access_token, { name: "A", topic: "topic A" });
  roomB = await createRoom(gw, alice.access_token, { name: "B" });
  roomInvitedIn = await createRoom(gw, bob.access_token, { name: "invite in scope", invite: [aliceId] });
  roomInvitedOut = await createRoom(gw, bob.access_token, { name: "invite out of scope", invite: [aliceId] });
  await sendMessage(gw, alice.access_token, roomA, "in A");
  await sendMessage(gw, alice.access_token, roomA, "a notice in A", "m.notice");
  await sendMessage(gw, alice.access_token, roomB, "in B");
  const t = alice.access_token;
  assert.equal((await call(gw.url, "PUT", `/_matrix/client/v3/user/${enc(alice.id)}/account_data/org.example.secret`, { token: t, body: { secret: 1 } })).status, 200);
  assert.equal((await call(gw.url, "PUT", `/_matrix/client/v3/user/${enc(alice.id)}/rooms/${enc(roomA)}/account_data/org.example.tagdata`, { token: t, body: { a: 1 } })).status, 200);
  const toDevice = { messages: { [alice.id]: { [alice.device_id]: { hello: "alice" } } } };
  assert.equal((await call(gw.url, "PUT", `/_matrix/client/v3/sendToDevice/org.example.ping/${unique("td")}`, { token: bob.access_token, body: toDevice })).status, 200);
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("the root token's /sync is the homeserver's, unfiltered", async () => {
  const s = await sync(alice.access_token);
  for (const r of [roomA, roomB]) assert.ok(s.rooms.join[r]);
  for (const r of [roomInvitedIn, roomInvitedOut]) assert.ok(s.rooms.invite[r]);
  assert.ok(s.account_data.events.some((e) => e.type === "org.example.secret"));
  assert.ok(s.to_device.events.some((e) => e.type === "org.example.ping"));
});

test("a room-scoped token's /sync holds its rooms and invites only, and nothing of the account", async () => {
  const sub = await mint(gw, alice.access_token, { actions: ["read_timeline", "read_state", "join"], rooms: [roomA, roomInvitedIn] });
  const s = await sync(sub.token);
  assert.deepEqual(Object.keys(s.rooms.join), [roomA]);
  assert.deepEqual(Object.keys(s.rooms.invite), [roomInvitedIn]);
  assert.ok(s.rooms.invite[roomInvitedIn].invite_state.events.length > 0);
  const timeline = s.rooms.join[roomA].timeline.events;
  assert.ok(timeline.some((e) => e.content?.body === "in A"));
  assert.ok(!JSON.stringify(s).includes("in B"));
  assert.deepEqual(s.account_data.events, [], "global account data is the account's");
  assert.deepEqual(s.rooms.join[roomA].account_data.events, [], "room account data needs read_room_account_data");
  assert.deepEqual(s.presence.events, []);
  assert.deepEqual(s.to_device?.events ?? [], [], "to-device needs receive_to_device");
  for (const k of ["device_lists", "device_one_time_keys_count", "device_unused_fallback_key_types"]) assert.equal(s[k], undefined, k);
  assert.ok(s.next_batch);
  const jr = await call(gw.url, "GET", "/_matrix/client/v3/joined_rooms", { token: sub.token });
  assert.deepEqual(jr.json.joined_rooms, [roomA]);
});

test("room account data and to-device messages appear only when the scope grants them, by type", async () => {
  const withData = await mint(gw, alice.access_token, { actions: ["read_timeline", "read_room_account_data", "receive_to_device"], rooms: [roomA],
    events: [{ action: "read_timeline", type: "*" }, { action: "receive_to_device", type: "org.example.ping" }] });
  let s = await sync(withData.token);
  assert.ok(s.rooms.join[roomA].account_data.events.some((e) => e.type === "org.example.tagdata"));
  assert.ok(s.to_device.events.some((e) => e.type === "org.example.ping" && e.content.hello === "alice"));
  const otherType = await mint(gw, alice.access_token, { actions: ["read_timeline", "receive_to_device"], rooms: [roomA],
    events: [{ action: "read_timeline", type: "*" }, { action: "receive_to_device", type: "org.example.other" }] });
  s = await sync(otherType.token);
  assert.deepEqual(s.to_device.events, []);
});

test("event patterns narrow what room reads return: /messages, /state, /event, /context, /sync timeline", async () => {
  const textOnly = await mint(gw, alice.access_token, {
    actions: ["read_timeline", "read_state"], rooms: [roomA],
    events: [
      { action: "read_timeline", type: "m.room.message", key: "m.text" },
      { action: "read_state", type: "m.room.name" },
    ],
  });
  const t = textOnly.token;
  const msgs = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/messages?dir=b&limit=50`, { token: t });
  assert.equal(msgs.status, 200);
  assert.ok(msgs.json.chunk.length > 0);
  assert.ok(msgs.json.chunk.every((e) => e.type === "m.room.message" && e.content.msgtype === "m.text"
    || e.state_key !== undefined && e.type === "m.room.name"), JSON.stringify(msgs.json.chunk.map((e) => e.type)));
  const state = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/state`, { token: t });
  assert.deepEqual(state.json.map((e) => e.type), ["m.room.name"]);
  const topic = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/state/m.room.topic`, { token: t });
  assert.equal(topic.status, 403);
  assert.equal(topic.json["org.mxscope.reason"], "event_not_allowed");
  const name = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/state/m.room.name`, { token: t });
  assert.equal(name.status, 200);
  assert.equal(name.json.name, "A");
  const members = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/members`, { token: t });
  assert.equal(members.status, 403);

  const root = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/messages?dir=b&limit=50`, { token: alice.access_token });
  const notice = root.json.chunk.find((e) => e.content?.msgtype === "m.notice");
  const text = root.json.chunk.find((e) => e.content?.msgtype === "m.text");
  assert.equal((await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/event/${enc(notice.event_id)}`, { token: t })).status, 404);
  assert.equal((await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/event/${enc(text.event_id)}`, { token: t })).status, 200);
  assert.equal((await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/context/${enc(notice.event_id)}`, { token: t })).status, 404);
  const ctx = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/context/${enc(text.event_id)}?limit=10`, { token: t });
  assert.equal(ctx.status, 200);
  for (const e of [...ctx.json.events_before, ...ctx.json.events_after])
    assert.ok(e.type === "m.room.name" || e.content.msgtype === "m.text", JSON.stringify(e));
  assert.ok(ctx.json.state.every((e) => e.type === "m.room.name"));

  const s = await sync(t);
  const tl = s.rooms.join[roomA].timeline.events;
  assert.ok(tl.length > 0);
  assert.ok(tl.every((e) => (e.type === "m.room.message" && e.content.msgtype === "m.text") || e.type === "m.room.name"),
    JSON.stringify(tl.map((e) => e.type)));
  assert.ok((s.rooms.join[roomA].state?.events ?? []).every((e) => e.type === "m.room.name"));
});

test("a token without read actions cannot /sync at all; one without read_state gets no room state", async () => {
  const sendOnly = await mint(gw, alice.access_token, { actions: ["send_message"], rooms: [roomA] });
  const r = await call(gw.url, "GET", "/_matrix/client/v3/sync", { token: sendOnly.token });
  assert.equal(r.status, 403);
  assert.equal(r.json["org.mxscope.reason"], "action_not_allowed");
  const noState = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomA] });
  const s = await sync(noState.token);
  assert.deepEqual(s.rooms.join[roomA].state?.events ?? [], []);
  const st = await call(gw.url, "GET", `/_matrix/client/v3/rooms/${enc(roomA)}/state`, { token: noState.token });
  assert.equal(st.status, 403);
  // Synapse itself never sees the gateway's tokens.
  assert.equal((await call(HS, "GET", "/_matrix/client/v3/sync", { token: noState.token })).status, 401);
});
