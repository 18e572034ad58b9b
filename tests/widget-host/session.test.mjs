// HostedWidget end to end in Node: the real matrix-widget-api ClientWidgetApi and the real SDK
// (wasm), a fake DOM, a hand-written widget on the wire format, and a recording client.
import "./support/fake-dom.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeWindow } from "./support/fake-dom.mjs";
import { mx, makeHost, embedWidget, scriptedPrompter, ROOM, OTHER, WIDGET_ORIGIN } from "./support/setup.mjs";
import { MemoryStorage } from "../../widget-host/grants.mjs";

const TEXT = "org.matrix.msc2762.send.event:m.room.message#m.text";
const READ_TEXT = "org.matrix.msc2762.receive.event:m.room.message#m.text";

test("the prompt says who added the widget, where it comes from and the room, with the SDK's sentence", async () => {
  const env = makeHost();
  const { w, notified } = await embedWidget(env, { capabilities: [TEXT] });
  const req = env.prompter.requests[0];
  assert.equal(req.addedBy, "@bob:example.org");
  assert.equal(req.domain, "widgets.example.net");
  assert.equal(req.roomName, "Ops");
  assert.deepEqual(req.rows.map((r) => [r.text, r.risk, r.checked]), [["Send text messages in Ops as you", "medium", true]]);
  assert.deepEqual(notified, { requested: [TEXT], approved: [TEXT] });
  w.close();
});

test("approval mints a short-lived, named token for exactly that scope in that room only", async () => {
  const env = makeHost();
  const { w } = await embedWidget(env, { capabilities: [TEXT] });
  const v = env.verifier.verify(w.token, Date.now());
  const allowed = (r) => mx.authorize(v, r).allowed;
  assert.ok(allowed({ action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.text" }));
  assert.ok(!allowed({ action: "send_message", roomId: OTHER, eventType: "m.room.message", key: "m.text" }));
  assert.ok(!allowed({ action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.notice" }));
  assert.ok(!allowed({ action: "read_timeline", roomId: ROOM, eventType: "m.room.message", key: "m.text" }));
  assert.ok(w.tokenExpiresAt - Date.now() <= 5 * 60 * 1000 + 1000, "minutes, not days");
  const texts = mx.describe(v, { now: Date.now(), roomNames: { [ROOM]: "Ops" } }).map((s) => s.text);
  assert.ok(texts.includes('Messages it sends are labelled "widget: Test widget"'), texts.join(" | "));
  w.close();
});

test("an approved send is authorised, then performed with the client's credentials and labelled", async () => {
  const env = makeHost();
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const r = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "hi" } });
  assert.deepEqual(r, { room_id: ROOM, event_id: "$e0" });
  assert.deepEqual(env.client.calls[0], { name: "sendEvent", args: [ROOM, "m.room.message", { msgtype: "m.text", body: "hi", "io.mxscope.label": "widget: Test widget" }] });
  assert.ok(w.activity.some((a) => a.action === "send_event" && a.allowed));
  w.close();
});

test("unapproved actions are refused with the widget-API errors widgets expect, and never reach the client", async () => {
  const env = makeHost();
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const cases = [
    [{ type: "m.room.message", content: { msgtype: "m.notice", body: "x" } }, "Cannot send room events of this type"],
    [{ type: "m.room.message", content: { msgtype: "m.text", body: "x" }, room_id: OTHER }, `Unable to access room timeline: ${OTHER}`],
    [{ type: "m.room.topic", state_key: "", content: { topic: "x" } }, "Cannot send state events of this type"],
    [{ type: "m.room.power_levels", state_key: "", content: {} }, "Cannot send state events of this type"],
    [{ type: "m.reaction", content: {} }, "Cannot send room events of this type"],
  ];
  for (const [data, message] of cases) {
    const r = await fw.request("send_event", data);
    assert.equal(r.error?.message, message, JSON.stringify(data));
    assert.equal(r.error.matrix_api_error?.response?.errcode, "M_FORBIDDEN");
  }
  for (const [action, data] of [
    ["org.matrix.msc2876.read_events", { type: "m.room.message" }],
    ["send_to_device", { type: "m.call.invite", encrypted: false, messages: {} }],
    ["org.matrix.msc2931.navigate", { uri: "https://matrix.to/#/!x:y" }],
    ["org.matrix.msc4039.upload_file", { file: "x" }],
    ["org.matrix.msc4039.download_file", { content_uri: "mxc://a/b" }],
    ["org.matrix.msc3973.user_directory_search", { search_term: "b" }],
    ["watch_turn_servers", {}],
    ["set_always_on_screen", { value: true }],
    ["com.beeper.read_room_account_data", { type: "m.fully_read" }],
    ["org.matrix.msc4157.update_delayed_event", { delay_id: "d", action: "send" }],
  ]) {
    const r = await fw.request(action, data);
    assert.ok(r.error?.message, `${action} must be refused: ${JSON.stringify(r)}`);
  }
  assert.deepEqual(env.client.calls, [], "nothing reached the homeserver");
  assert.ok(w.activity.filter((a) => !a.allowed).length >= cases.length);
  w.close();
});

test("a third window that knows the widget id gets nothing, from any origin", async () => {
  const env = makeHost();
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const spoof = new FakeWindow(WIDGET_ORIGIN);
  const send = { type: "m.room.message", content: { msgtype: "m.text", body: "spoof" } };
  const a = await fw.request("send_event", send, { source: spoof, origin: WIDGET_ORIGIN, timeoutMs: 150 });
  const b = await fw.request("send_event", send, { source: spoof, origin: "https://evil.example", timeoutMs: 150 });
  // The right window but a wrong origin (e.g. it navigated elsewhere) is not the widget either.
  const c = await fw.request("send_event", send, { origin: "https://evil.example", timeoutMs: 150 });
  assert.deepEqual([a, b, c], [{ timeout: true }, { timeout: true }, { timeout: true }]);
  assert.equal(spoof.inbox.length, 0, "no reply went to the spoofing window");
  assert.deepEqual(env.client.calls, []);
  assert.equal(w.dropped, 3);
  w.close();
});

test("everything the host sends goes only to the widget's origin, never '*'", async () => {
  const env = makeHost();
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "x" } });
  await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.notice", body: "x" } });
  const origins = new Set(fw.window.inbox.map((m) => m.targetOrigin));
  assert.deepEqual([...origins], [WIDGET_ORIGIN]);
  w.close();
});

test("closing revokes the widget's token and every token derived from it, at once", async () => {
  const env = makeHost();
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const got = await fw.request("io.mxscope.get_token", {});
  assert.equal(got.token, w.token);
  const derived = mx.attenuate(got.token, { actions: ["send_message"], name: "widget backend" });
  assert.ok(w.tokenAccepted(derived));
  w.close();
  assert.equal(w.tokenAccepted(got.token), false);
  assert.equal(w.tokenAccepted(derived), false);
  assert.throws(() => env.verifier.verify(got.token, Date.now()), (e) => e.code === "token_revoked");
  assert.ok(w.timings.revoked - w.timings.closeRequested < 50, "revocation is immediate");
  // The root (the person's own login) is untouched.
  assert.ok(env.verifier.verify(env.rootToken, Date.now()));
  const late = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "x" } }, { timeoutMs: 150 });
  assert.deepEqual(late, { timeout: true }, "a closed session answers nothing");
  assert.deepEqual(env.client.calls, []);
});

test("dangerous requests start unchecked; accepting the defaults grants only the safe ones; unknown is never granted", async () => {
  const env = makeHost();
  const caps = [
    TEXT,
    "org.matrix.msc2762.send.event:m.room.message",
    "org.matrix.msc2762.send.state_event:m.room.power_levels",
    "org.matrix.msc2762.send.state_event:m.room.member",
    "org.matrix.msc2762.timeline:*",
    "org.example.make_coffee",
    "m.capability.screenshot",
  ];
  const { w, notified } = await embedWidget(env, { capabilities: caps });
  const rows = env.prompter.requests[0].rows;
  const row = (c) => rows.find((r) => r.capability === c);
  assert.equal(row(TEXT).checked, true);
  for (const c of caps.slice(1, 5)) assert.equal(row(c).checked, false, `${c} starts unchecked`);
  assert.equal(row("org.example.make_coffee").grantable, false);
  assert.equal(row("m.capability.screenshot"), undefined, "host-only features are not permissions");
  assert.deepEqual(notified.approved.sort(), [TEXT, "m.capability.screenshot"].sort());
  w.close();
});

test("a person who ticks everything still never gets the unknown capability approved", async () => {
  const env = makeHost({ prompter: scriptedPrompter((req) => ({ capabilities: req.rows.map((r) => r.capability), duration: "session" })) });
  const { w, notified } = await embedWidget(env, { capabilities: [TEXT, "org.matrix.msc2762.timeline:*", "org.example.make_coffee"] });
  assert.deepEqual(notified.approved.sort(), [TEXT, "org.matrix.msc2762.timeline:*"].sort());
  const v = env.verifier.verify(w.token, Date.now());
  assert.ok(mx.authorize(v, { action: "send_message", roomId: OTHER, eventType: "m.room.message", key: "m.text" }).allowed, "any room once timeline:* is ticked");
  w.close();
});

test("read_events returns only what the token allows to read", async () => {
  const { FakeClient } = await import("./support/fake-client.mjs");
  const ev = (id, msgtype) => ({ type: "m.room.message", event_id: id, room_id: ROOM, sender: "@bob:example.org", content: { msgtype, body: id } });
  const client = new FakeClient({ timeline: [ev("$1", "m.text"), ev("$2", "m.notice"), ev("$3", "m.text")] });
  const env = makeHost({ client, prompter: scriptedPrompter((req) => ({ capabilities: req.rows.map((r) => r.capability), duration: "session" })) });
  const { w, fw } = await embedWidget(env, { capabilities: [READ_TEXT] });
  const r = await fw.request("org.matrix.msc2876.read_events", { type: "m.room.message", msgtype: "m.text", limit: 10 });
  assert.deepEqual(r.events.map((e) => e.event_id), ["$1", "$3"]);
  const denied = await fw.request("org.matrix.msc2876.read_events", { type: "m.room.message", msgtype: "m.notice" });
  assert.equal(denied.error?.message, "Cannot read room events of this type");
  const other = await fw.request("org.matrix.msc2876.read_events", { type: "m.room.message", msgtype: "m.text", room_ids: [OTHER] });
  assert.equal(other.error?.message, `Unable to access room timeline: ${OTHER}`);
  w.close();
});

test("the same widget under a new id in the same room is not asked again; in another room it is", async () => {
  const storage = new MemoryStorage();
  const env = makeHost({ storage, prompter: scriptedPrompter((req) => ({ capabilities: [TEXT], duration: "hour" })) });
  const first = await embedWidget(env, { capabilities: [TEXT], id: "call-1" });
  first.w.close();
  assert.equal(env.prompter.requests.length, 1);
  const again = await embedWidget(env, { capabilities: [TEXT], id: "call-2" });
  assert.equal(env.prompter.requests.length, 1, "remembered: no second prompt");
  assert.deepEqual(again.notified.approved, [TEXT]);
  assert.ok(again.w.grantExpiresAt - Date.now() <= 3600_000);
  again.w.close();
  const elsewhere = await embedWidget(env, { capabilities: [TEXT], id: "call-3", roomId: OTHER });
  assert.equal(env.prompter.requests.length, 2, "another room asks again");
  elsewhere.w.close();
  const moved = await embedWidget(env, { capabilities: [TEXT], id: "call-4", url: "https://elsewhere.example/w/index.html" });
  assert.equal(env.prompter.requests.length, 3, "another origin asks again");
  moved.w.revoke();
  const revoked = await embedWidget(env, { capabilities: [TEXT], id: "call-5", url: "https://elsewhere.example/w/index.html" });
  assert.equal(env.prompter.requests.length, 4, "Revoke forgets the grant");
  revoked.w.close();
});

test("a grant remembered for an hour ends the session when the hour is over", async () => {
  let now = Date.now();
  const env = makeHost({ now: () => now, tokenLifetimeMs: 60_000, prompter: scriptedPrompter(() => ({ capabilities: [TEXT], duration: "hour" })) });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const first = w.token;
  now += 50_000;
  w.renew();
  assert.notEqual(w.token, first, "renewed while open");
  now += 3600_000;
  const r = await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "late" } });
  assert.ok(r.error, "expired token refuses");
  w.renew();
  assert.equal(w.state, "closed");
  assert.equal(w.tokenAccepted(first), false);
});

test("OpenID asks the person once, then the token allows it", async () => {
  const env = makeHost({ prompter: scriptedPrompter(() => ({ capabilities: [TEXT], duration: "hour" })) });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  const before = w.token;
  const phase1 = await fw.request("get_openid", {});
  assert.equal(phase1.state, "request");
  await new Promise((r) => setTimeout(r, 50));
  const creds = fw.received.find((m) => m.action === "openid_credentials");
  assert.equal(creds?.data.state, "allowed");
  assert.equal(creds.data.access_token, "oid");
  assert.notEqual(w.token, before, "a new token that includes openid");
  const again = await fw.request("get_openid", {});
  assert.equal(again.state, "allowed", "no second prompt");
  assert.equal(env.prompter.openIdRequests.length, 1);
  w.close();
});

test("declining OpenID blocks it", async () => {
  const env = makeHost();
  env.prompter.openIdAnswer = { allow: false, remember: false };
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await fw.request("get_openid", {});
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(fw.received.find((m) => m.action === "openid_credentials")?.data.state, "blocked");
  assert.ok(!env.client.names().includes("requestOpenIdToken"));
  w.close();
});

test("approved to-device, navigation, media, directory and always-on-screen reach the client", async () => {
  const caps = [
    "org.matrix.msc3819.send.to_device:m.call.invite",
    "org.matrix.msc2931.navigate",
    "org.matrix.msc4039.upload_file",
    "org.matrix.msc4039.download_file",
    "org.matrix.msc3973.user_directory_search",
    "m.always_on_screen",
  ];
  const env = makeHost({ prompter: scriptedPrompter((req) => ({ capabilities: req.rows.map((r) => r.capability), duration: "session" })) });
  const { w, fw, notified } = await embedWidget(env, { capabilities: caps });
  assert.deepEqual(notified.approved.sort(), [...caps].sort());
  assert.deepEqual(await fw.request("send_to_device", { type: "m.call.invite", encrypted: false, messages: { "@b:x": { D: {} } } }), {});
  assert.ok((await fw.request("send_to_device", { type: "m.call.hangup", encrypted: false, messages: {} })).error);
  assert.ok((await fw.request("send_to_device", { type: "m.call.invite", encrypted: true, messages: {} })).error, "this client cannot encrypt");
  assert.deepEqual(await fw.request("org.matrix.msc2931.navigate", { uri: "https://matrix.to/#/!x:y" }), {});
  assert.deepEqual(await fw.request("org.matrix.msc4039.upload_file", { file: "data" }), { content_uri: "mxc://example.org/up" });
  assert.deepEqual(await fw.request("org.matrix.msc4039.download_file", { content_uri: "mxc://example.org/up" }), { file: "bytes" });
  const dir = await fw.request("org.matrix.msc3973.user_directory_search", { search_term: "bo" });
  assert.deepEqual(dir.results.map((u) => [u.user_id, u.display_name]), [["@bob:example.org", "Bob"]]);
  assert.deepEqual(await fw.request("set_always_on_screen", { value: true }), { success: true });
  assert.deepEqual(env.client.names(), ["sendToDevice", "navigate", "uploadMedia", "downloadMedia", "searchUserDirectory"]);
  w.close();
});

test("a widget that asks for nothing gets no prompt and a token that allows nothing", async () => {
  const env = makeHost();
  const { w, notified } = await embedWidget(env, { capabilities: [] });
  assert.equal(env.prompter.requests.length, 0);
  assert.deepEqual(notified.approved, []);
  const v = env.verifier.verify(w.token, Date.now());
  assert.ok(!mx.authorize(v, { action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.text" }).allowed);
  w.close();
});

test("renegotiation (MSC2974) asks only for the new capabilities and widens the token", async () => {
  const env = makeHost({ prompter: scriptedPrompter((req) => ({ capabilities: req.rows.map((r) => r.capability), duration: "session" })) });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  fw.notifiedPromise = new Promise((r) => (fw.onNotified = r));
  await fw.request("org.matrix.msc2974.request_capabilities", { capabilities: [READ_TEXT] });
  const second = await fw.notifiedPromise;
  assert.deepEqual(second.approved.sort(), [TEXT, READ_TEXT].sort());
  assert.deepEqual(env.prompter.requests[1].rows.map((r) => r.capability), [READ_TEXT]);
  const v = env.verifier.verify(w.token, Date.now());
  assert.ok(mx.authorize(v, { action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.text" }).allowed);
  assert.ok(mx.authorize(v, { action: "read_timeline", roomId: ROOM, eventType: "m.room.message", key: "m.text" }).allowed);
  w.close();
});

test("the host refuses to embed a widget from its own origin (the sandbox would not hold)", () => {
  const env = makeHost();
  assert.throws(() => env.host.embed({ id: "x", url: "https://client.example/evil.html" }, { roomId: ROOM, container: {} }), /own origin/);
});

test("opt-in $matrix_access_token: filled only for a remembered grant, with a token for exactly that grant", async () => {
  const env = makeHost({ prompter: scriptedPrompter(() => ({ capabilities: [TEXT], duration: "hour" })) });
  env.host.tokenInUrl = true;
  const url = `${WIDGET_ORIGIN}/w/index.html?auth=$matrix_access_token`;
  const first = await embedWidget(env, { capabilities: [TEXT], url });
  assert.equal(new URL(first.w.iframe.src).searchParams.get("auth"), "", "no grant yet: empty");
  first.w.close();
  const second = await embedWidget(env, { capabilities: [TEXT], url });
  const auth = JSON.parse(new URL(second.w.iframe.src).searchParams.get("auth"));
  assert.equal(auth.token_type, "mxscope");
  assert.ok(auth.expires_in > 0 && auth.expires_in <= 300);
  const v = env.verifier.verify(auth.access_token, Date.now());
  assert.ok(mx.authorize(v, { action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.text" }).allowed);
  second.w.close();
  assert.throws(() => env.verifier.verify(auth.access_token, Date.now()), (e) => e.code === "token_revoked");
});
