// Reads that span rooms, filtered for a room-scoped token instead of refused: the public room
// directory (/publicRooms, GET and POST, v3 and r0), /search (the homeserver is asked to search
// only the token's rooms, and the answer is filtered again) and /notifications. Against real
// Synapse, with matrix-js-sdk where a client would use it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { startGateway, registerOnSynapse, unique, login, mint, call, createRoom, sendMessage, publishOnSynapse } from "./helpers.mjs";

logger.setLevel("silent");

let gw, alice, bob, pubA, pubB, roomA, roomB;
const pw = "pw-" + unique("p");
// A word no other run's rooms or messages contain: directory searches and /search find only ours.
const word = unique("zq");
const enc = encodeURIComponent;

function jsClient(token) {
  return sdk.createClient({ baseUrl: gw.url, accessToken: token, userId: alice.id, deviceId: alice.device_id });
}

// Every page of the directory a token sees (the directory is shared with other test runs).
async function wholeDirectory(token, { version = "v3", method = "GET", body = {} } = {}) {
  const rooms = [];
  let since;
  for (let page = 0; page < 200; page++) {
    const q = new URLSearchParams({ limit: "20", ...(since && method === "GET" ? { since } : {}) });
    const r = method === "GET"
      ? await call(gw.url, "GET", `/_matrix/client/${version}/publicRooms?${q}`, { token })
      : await call(gw.url, "POST", `/_matrix/client/${version}/publicRooms`, { token, body: { limit: 20, ...body, ...(since ? { since } : {}) } });
    assert.equal(r.status, 200, r.text);
    rooms.push(...r.json.chunk);
    if (!r.json.next_batch) return { rooms, last: r.json };
    since = r.json.next_batch;
  }
  throw new Error("directory pagination did not end");
}

before(async () => {
  gw = await startGateway();
  const a = unique("xa"), b = unique("xb");
  const aliceId = await registerOnSynapse(a, pw);
  const bobId = await registerOnSynapse(b, pw);
  alice = { ...(await login(gw, a, pw)), id: aliceId };
  bob = { ...(await login(gw, b, pw)), id: bobId };
  const t = alice.access_token;
  const pub = (name) => ({ name: `${word} ${name}`, topic: `topic of ${name}`, visibility: "public", preset: "public_chat" });
  pubA = await createRoom(gw, t, pub("public A"));
  pubB = await createRoom(gw, t, pub("public B"));
  for (const r of [pubA, pubB]) await publishOnSynapse(r);
  // Two-person rooms: bob's messages notify alice (the one-to-one push rule).
  roomA = await createRoom(gw, t, { name: "A", invite: [bobId] });
  roomB = await createRoom(gw, t, { name: "B", invite: [bobId] });
  for (const r of [roomA, roomB])
    assert.equal((await call(gw.url, "POST", `/_matrix/client/v3/join/${enc(r)}`, { token: bob.access_token, body: {} })).status, 200);
  for (const [r, where] of [[roomA, "A"], [roomB, "B"]]) {
    assert.equal((await sendMessage(gw, bob.access_token, r, `${word} from bob in ${where}`)).status, 200);
    assert.equal((await sendMessage(gw, t, r, `${word} text from alice in ${where}`)).status, 200);
    assert.equal((await sendMessage(gw, t, r, `${word} notice from alice in ${where}`, "m.notice")).status, 200);
  }
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("the public room directory: a room-scoped token sees only its rooms, on every page, GET and POST, v3 and r0", async () => {
  const sub = await mint(gw, alice.access_token, { actions: ["read_state"], rooms: [pubA, roomA] });
  const rootView = await wholeDirectory(alice.access_token);
  const rootIds = rootView.rooms.map((r) => r.room_id);
  assert.ok(rootIds.includes(pubA) && rootIds.includes(pubB), "the root token sees the whole directory");
  assert.equal(typeof rootView.last.total_room_count_estimate, "number");

  for (const how of [{}, { version: "r0" }, { method: "POST" }, { method: "POST", version: "r0" }]) {
    const { rooms, last } = await wholeDirectory(sub.token, how);
    assert.deepEqual(rooms.map((r) => r.room_id), [pubA], JSON.stringify(how));
    assert.equal(last.total_room_count_estimate, undefined, "the estimate counts rooms the token cannot see");
    assert.equal(rooms[0].name, `${word} public A`);
    assert.equal(rooms[0].topic, "topic of public A");
    assert.equal(typeof rooms[0].num_joined_members, "number");
  }
  // A directory search of the homeserver, narrowed again by the gateway.
  const found = await call(gw.url, "POST", "/_matrix/client/v3/publicRooms", { token: sub.token, body: { filter: { generic_search_term: word } } });
  assert.deepEqual(found.json.chunk.map((r) => r.room_id), [pubA]);
  const rootFound = await call(gw.url, "POST", "/_matrix/client/v3/publicRooms", { token: alice.access_token, body: { filter: { generic_search_term: word } } });
  assert.deepEqual(rootFound.json.chunk.map((r) => r.room_id).sort(), [pubA, pubB].sort());
});

test("the directory shows only the state the token may read, and needs read_state", async () => {
  const nameOnly = await mint(gw, alice.access_token, { actions: ["read_state"], rooms: [pubA],
    events: [{ action: "read_state", type: "m.room.name" }] });
  const r = await call(gw.url, "POST", "/_matrix/client/v3/publicRooms", { token: nameOnly.token, body: { filter: { generic_search_term: word } } });
  assert.equal(r.json.chunk.length, 1);
  const entry = r.json.chunk[0];
  assert.equal(entry.name, `${word} public A`);
  assert.equal(entry.topic, undefined, "m.room.topic is not readable");
  assert.equal(entry.join_rule, undefined, "m.room.join_rules is not readable");
  assert.equal(typeof entry.world_readable, "boolean");
  const sendOnly = await mint(gw, alice.access_token, { actions: ["send_message"], rooms: [pubA] });
  const denied = await call(gw.url, "GET", "/_matrix/client/v3/publicRooms", { token: sendOnly.token });
  assert.equal(denied.status, 403);
  assert.equal(denied.json["org.mxscope.reason"], "action_not_allowed");
});

test("matrix-js-sdk's publicRooms through a room-scoped token lists only its room", async () => {
  const sub = await mint(gw, alice.access_token, { actions: ["read_state"], rooms: [pubB] });
  const res = await jsClient(sub.token).publicRooms({ filter: { generic_search_term: word } });
  assert.deepEqual(res.chunk.map((r) => r.room_id), [pubB]);
  const all = await jsClient(alice.access_token).publicRooms({ filter: { generic_search_term: word } });
  assert.equal(all.chunk.length, 2);
});

const searchBody = (extra = {}) => ({ search_categories: { room_events: { search_term: word, ...extra } } });

test("/search: the homeserver searches only the token's rooms, and the count is theirs", async () => {
  const root = await call(gw.url, "POST", "/_matrix/client/v3/search", { token: alice.access_token, body: searchBody() });
  assert.equal(root.status, 200, root.text);
  const rootRooms = new Set(root.json.search_categories.room_events.results.map((r) => r.result.room_id));
  assert.ok(rootRooms.has(roomA) && rootRooms.has(roomB));

  const sub = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomA] });
  const r = await call(gw.url, "POST", "/_matrix/client/v3/search", { token: sub.token, body: searchBody({ event_context: { before_limit: 3, after_limit: 3 } }) });
  assert.equal(r.status, 200, r.text);
  const re = r.json.search_categories.room_events;
  assert.equal(re.results.length, 3);
  assert.ok(re.results.every((x) => x.result.room_id === roomA));
  // The count comes from the homeserver: it would be 6 had it searched room B too.
  assert.equal(re.count, 3);
  assert.ok(!JSON.stringify(r.json).includes(`in B`));

  // Asking for a room outside the scope searches nothing; asking for both searches the allowed one.
  const outside = await call(gw.url, "POST", "/_matrix/client/v3/search", { token: sub.token, body: searchBody({ filter: { rooms: [roomB] } }) });
  assert.equal(outside.status, 200);
  assert.deepEqual(outside.json.search_categories.room_events.results, []);
  const both = await call(gw.url, "POST", "/_matrix/client/r0/search", { token: sub.token, body: searchBody({ filter: { rooms: [roomB, roomA] } }) });
  assert.equal(both.json.search_categories.room_events.count, 3);
  assert.ok(both.json.search_categories.room_events.results.every((x) => x.result.room_id === roomA));
});

test("/search results, context and groups are narrowed by event patterns; bad bodies are refused", async () => {
  const textOnly = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomA, roomB],
    events: [{ action: "read_timeline", type: "m.room.message", key: "m.text" }] });
  const r = await call(gw.url, "POST", "/_matrix/client/v3/search", { token: textOnly.token,
    body: searchBody({ event_context: { before_limit: 5, after_limit: 5 }, groupings: { group_by: [{ key: "room_id" }] } }) });
  assert.equal(r.status, 200, r.text);
  const re = r.json.search_categories.room_events;
  assert.equal(re.results.length, 4, JSON.stringify(re.results.map((x) => x.result.content)));
  for (const x of re.results) {
    assert.equal(x.result.content.msgtype, "m.text");
    for (const e of [...x.context.events_before, ...x.context.events_after])
      assert.ok(e.type === "m.room.message" && e.content.msgtype === "m.text", JSON.stringify(e));
  }
  assert.equal(re.count, undefined, "the homeserver's count includes events the patterns hide");
  const grouped = Object.values(re.groups.room_id).flatMap((g) => g.results);
  assert.deepEqual(grouped.sort(), re.results.map((x) => x.result.event_id).sort());

  for (const bad of ["not json", "[]", { search_categories: "x" }, searchBody({ filter: { rooms: "!a:b" } })]) {
    const b = await call(gw.url, "POST", "/_matrix/client/v3/search", { token: textOnly.token, body: bad });
    assert.equal(b.status, 400, JSON.stringify(bad));
    assert.equal(b.json.errcode, "M_BAD_JSON");
  }
  const sendOnly = await mint(gw, alice.access_token, { actions: ["send_message"], rooms: [roomA] });
  assert.equal((await call(gw.url, "POST", "/_matrix/client/v3/search", { token: sendOnly.token, body: searchBody() })).status, 403);
});

test("matrix-js-sdk's searchRoomEvents through a room-scoped token finds only its room", async () => {
  const sub = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomB] });
  const res = await jsClient(sub.token).searchRoomEvents({ term: word });
  assert.equal(res.results.length, 3);
  assert.ok(res.results.every((x) => x.context.getEvent().getRoomId() === roomB));
});

test("/notifications: only the token's rooms, only events it may read", async () => {
  const root = await call(gw.url, "GET", "/_matrix/client/v3/notifications?limit=50", { token: alice.access_token });
  assert.equal(root.status, 200, root.text);
  const rootRooms = new Set(root.json.notifications.map((n) => n.room_id));
  assert.ok(rootRooms.has(roomA) && rootRooms.has(roomB), root.text);

  const sub = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomA] });
  const r = await call(gw.url, "GET", "/_matrix/client/v3/notifications?limit=50", { token: sub.token });
  assert.equal(r.status, 200);
  assert.ok(r.json.notifications.length >= 1);
  assert.ok(r.json.notifications.every((n) => n.room_id === roomA), JSON.stringify(r.json.notifications));
  assert.ok(r.json.notifications.some((n) => n.event.content.body === `${word} from bob in A`));

  const noticesOnly = await mint(gw, alice.access_token, { actions: ["read_timeline"], rooms: [roomA],
    events: [{ action: "read_timeline", type: "m.room.message", key: "m.notice" }] });
  const n = await call(gw.url, "GET", "/_matrix/client/v3/notifications?limit=50", { token: noticesOnly.token });
  assert.deepEqual(n.json.notifications, [], "bob's m.text notification is not readable");
  const sendOnly = await mint(gw, alice.access_token, { actions: ["send_message"], rooms: [roomA] });
  assert.equal((await call(gw.url, "GET", "/_matrix/client/v3/notifications", { token: sendOnly.token })).status, 403);
});

test("/sync ephemeral events of a scoped token: typing notices of its rooms only", async () => {
  const t = alice.access_token;
  for (const r of [roomA, roomB])
    assert.equal((await call(gw.url, "PUT", `/_matrix/client/v3/rooms/${enc(r)}/typing/${enc(bob.id)}`,
      { token: bob.access_token, body: { typing: true, timeout: 30000 } })).status, 200);
  const sub = await mint(gw, t, { actions: ["read_timeline"], rooms: [roomA] });
  const filter = enc(JSON.stringify({ room: { timeline: { limit: 3 } }, presence: { limit: 7 } }));
  const s = await call(gw.url, "GET", `/_matrix/client/v3/sync?filter=${filter}`, { token: sub.token });
  assert.equal(s.status, 200);
  assert.deepEqual(Object.keys(s.json.rooms.join), [roomA]);
  const eph = s.json.rooms.join[roomA].ephemeral.events;
  assert.ok(eph.some((e) => e.type === "m.typing" && e.content.user_ids.includes(bob.id)), JSON.stringify(eph));
  assert.ok(eph.every((e) => e.type === "m.typing" || e.type === "m.receipt"));
});

test("push rules that name another room are not shown to a room-scoped token", async () => {
  const t = alice.access_token;
  const rule = (kind, id) => `/_matrix/client/v3/pushrules/global/${kind}/${enc(id)}`;
  for (const r of [roomA, roomB])
    assert.equal((await call(gw.url, "PUT", rule("room", r), { token: t, body: { actions: ["notify"] } })).status, 200);
  const overrideB = unique("ovr");
  assert.equal((await call(gw.url, "PUT", rule("override", overrideB), { token: t,
    body: { conditions: [{ kind: "event_match", key: "room_id", pattern: roomB }], actions: ["notify"] } })).status, 200);

  const rootRules = await call(gw.url, "GET", "/_matrix/client/v3/pushrules/", { token: t });
  assert.ok(JSON.stringify(rootRules.json).includes(roomB), "the root sees every rule");
  const sub = await mint(gw, t, { actions: ["identity"], rooms: [roomA] });
  for (const path of ["/_matrix/client/v3/pushrules/", "/_matrix/client/v3/pushrules/global/", "/_matrix/client/r0/pushrules/global/room/"]) {
    const r = await call(gw.url, "GET", path, { token: sub.token });
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.ok(!JSON.stringify(r.json).includes(roomB), `${path} shows room B: ${r.text}`);
    assert.ok(JSON.stringify(r.json).includes(roomA), `${path} lost room A's rule`);
  }
  assert.equal((await call(gw.url, "GET", rule("room", roomA), { token: sub.token })).status, 200);
  for (const path of [rule("room", roomB), rule("room", roomB) + "/actions", rule("override", overrideB)]) {
    const r = await call(gw.url, "GET", path, { token: sub.token });
    assert.equal(r.status, 404, path);
    assert.equal(r.json.errcode, "M_NOT_FOUND");
  }
  assert.equal((await call(gw.url, "GET", rule("room", roomB), { token: t })).status, 200);
});
