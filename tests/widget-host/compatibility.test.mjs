// Checklist items 9 and 10 on the wire (Node, real matrix-widget-api, fake DOM and client): event
// kinds are enforced (a room-event capability is not a state capability and back), stable m.*
// capability strings work next to the unstable ones, supported_api_versions both ways,
// update_state only for widgets advertising it, and waitForIframeLoad vs content_loaded.
import "./support/fake-dom.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { CurrentApiVersions } from "matrix-widget-api";
import { makeHost, embedWidget, scriptedPrompter, ROOM } from "./support/setup.mjs";
import { FakeClient } from "./support/fake-client.mjs";
import { FakeContainer, FakeWidget, loadAll } from "./support/fake-dom.mjs";

const U = "org.matrix.msc2762.";
const everything = () => scriptedPrompter((req) => ({ capabilities: req.rows.filter((r) => r.grantable).map((r) => r.capability), duration: "session" }));
const nameState = { type: "m.room.name", state_key: "", room_id: ROOM, event_id: "$name", sender: "@bob:example.org", content: { name: "Ops" } };
const thing = { type: "org.example.thing", room_id: ROOM, event_id: "$thing", sender: "@bob:example.org", content: {} };

test("kind mismatches are denied (matrix-widget-api#21): room-event capabilities are not state capabilities, and back", async () => {
  const client = new FakeClient({ timeline: [thing, nameState], state: [nameState] });
  const env = makeHost({ client, prompter: everything() });
  const caps = [`${U}send.event:org.example.thing`, `${U}send.state_event:org.example.setting`, `${U}receive.event:org.example.thing`, `${U}receive.state_event:m.room.name`];
  const { w, fw, notified } = await embedWidget(env, { capabilities: caps });
  assert.deepEqual(notified.approved.sort(), [...caps].sort());
  client.calls.length = 0;
  const denied = [
    ["send_event", { type: "org.example.thing", state_key: "", content: {} }, "Cannot send state events of this type"],
    ["send_event", { type: "org.example.setting", content: {} }, "Cannot send room events of this type"],
    ["org.matrix.msc2876.read_events", { type: "org.example.thing", state_key: "" }, "Cannot read state events of this type"],
    ["org.matrix.msc2876.read_events", { type: "m.room.name" }, "Cannot read room events of this type"],
  ];
  for (const [action, data, message] of denied) {
    const r = await fw.request(action, data);
    assert.equal(r.error?.message, message, JSON.stringify(data));
  }
  assert.deepEqual(client.calls, [], "nothing reached the homeserver");
  // The matching kinds work.
  assert.equal((await fw.request("send_event", { type: "org.example.thing", content: {} })).event_id, "$e0");
  assert.equal((await fw.request("send_event", { type: "org.example.setting", state_key: "", content: {} })).event_id, "$s1");
  w.close();
});

test("stable m.* capability strings are granted and enforced like their unstable twins", async () => {
  const client = new FakeClient({ timeline: [nameState], state: [nameState] });
  const env = makeHost({ client, prompter: everything() });
  const stable = ["m.send.event:m.room.message#m.text", "m.receive.state_event:m.room.name"];
  const { w, fw, notified } = await embedWidget(env, { capabilities: stable });
  assert.deepEqual(
    notified.approved.sort(),
    [...stable, `${U}send.event:m.room.message#m.text`, `${U}receive.state_event:m.room.name`].sort(),
    "reported with the unstable spelling matrix-widget-api 1.19 parses",
  );
  assert.equal((await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.text", body: "hi" } })).event_id, "$e0");
  assert.equal((await fw.request("send_event", { type: "m.room.message", content: { msgtype: "m.notice", body: "hi" } })).error?.message, "Cannot send room events of this type");
  const read = await fw.request("org.matrix.msc2876.read_events", { type: "m.room.name", state_key: "" });
  assert.deepEqual(read.events?.map((e) => e.event_id), ["$name"]);
  w.close();
});

test("supported_api_versions both ways: the host answers with matrix-widget-api's versions and asks the widget for its own", async () => {
  const env = makeHost({ client: new FakeClient({ state: [nameState] }), prompter: everything() });
  const { w, fw } = await embedWidget(env, { capabilities: [`${U}receive.state_event:m.room.name`] });
  const r = await fw.request("supported_api_versions", {});
  assert.deepEqual(r.supported_versions, CurrentApiVersions);
  for (const v of ["0.0.2", "org.matrix.msc2762", "org.matrix.msc2974", "org.matrix.msc2762_update_state"]) assert.ok(r.supported_versions.includes(v), v);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(fw.received.some((m) => m.action === "supported_api_versions"), "the host asked the widget");
  w.close();
});

test("update_state goes only to widgets that advertise org.matrix.msc2762_update_state", async () => {
  for (const advertises of [true, false]) {
    const env = makeHost({ client: new FakeClient({ state: [nameState] }), prompter: everything() });
    const versions = ["0.0.2", "org.matrix.msc2762", ...(advertises ? ["org.matrix.msc2762_update_state"] : [])];
    const { w, fw } = await embedWidget(env, { capabilities: [`${U}receive.state_event:m.room.name`], versions });
    await new Promise((r) => setTimeout(r, 100));
    const pushes = fw.received.filter((m) => m.action === "update_state");
    if (advertises) {
      assert.equal(pushes.length, 1);
      assert.deepEqual(pushes[0].data.state.map((e) => e.event_id), ["$name"]);
    } else {
      assert.equal(pushes.length, 0, "not advertised: no update_state");
    }
    w.close();
  }
});

test("waitForIframeLoad: false waits for the widget's content_loaded, not the iframe's load event", async () => {
  const env = makeHost({ prompter: everything() });
  const w = env.host.embed({ id: "late", url: "https://widgets.example.net/w/index.html", name: "Late", creatorUserId: "@bob:example.org", waitForIframeLoad: false }, { roomId: ROOM, container: new FakeContainer() });
  const fw = new FakeWidget(w.iframe, { capabilities: [`${U}send.event:m.reaction`] });
  loadAll(env.document);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(fw.received.filter((m) => m.action === "capabilities").length, 0, "the load event alone starts nothing");
  assert.deepEqual(await fw.request("content_loaded", {}), {});
  const notified = await fw.notifiedPromise;
  assert.deepEqual(notified.approved, [`${U}send.event:m.reaction`]);
  w.close();

  // With the default (true), content_loaded is an error, as in matrix-widget-api.
  const env2 = makeHost({ prompter: everything() });
  const { w: w2, fw: fw2 } = await embedWidget(env2, { capabilities: [] });
  assert.match((await fw2.request("content_loaded", {})).error?.message ?? "", /Improper sequence/);
  w2.close();
});
