// MSC2974 renegotiation in Node (real matrix-widget-api, real SDK, fake DOM and client): a widget
// that asks for more while open gets one prompt per burst, not one per request, and asking again
// for what the person just declined is answered with that decision instead of another prompt.
import "./support/fake-dom.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mx, makeHost, embedWidget, scriptedPrompter, ROOM, OTHER } from "./support/setup.mjs";
import { MemoryStorage } from "../../widget-host/grants.mjs";

const U = "org.matrix.msc2762.";
const TEXT = `${U}send.event:m.room.message#m.text`;
const NOTICE = `${U}send.event:m.room.message#m.notice`;
const REACT = `${U}send.event:m.reaction`;
const READ_TEXT = `${U}receive.event:m.room.message#m.text`;
const TOPIC = `${U}send.state_event:m.room.topic`;
const ask = (fw, capabilities) => fw.request("org.matrix.msc2974.request_capabilities", { capabilities });
const allowsText = (env, w) => mx.authorize(env.verifier.verify(w.token, Date.now()), { action: "send_message", roomId: ROOM, eventType: "m.room.message", key: "m.text" }).allowed;

/** Approves everything grantable, except that follow-up prompts are answered by `followUp`. */
function prompter(followUp = (req) => ({ capabilities: req.rows.filter((r) => r.grantable).map((r) => r.capability), duration: "session" })) {
  return scriptedPrompter((req) => (req.followUp ? followUp(req) : { capabilities: req.rows.filter((r) => r.grantable).map((r) => r.capability), duration: "session" }));
}

test("a burst of capability requests while open is one prompt with all of them", async () => {
  const env = makeHost({ prompter: prompter() });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await Promise.all([ask(fw, [NOTICE]), ask(fw, [REACT]), ask(fw, [READ_TEXT, NOTICE])]);
  await fw.notifiedTimes(4);
  assert.equal(env.prompter.requests.length, 2, "the handshake's prompt and one for the burst");
  const second = env.prompter.requests[1];
  assert.equal(second.followUp, true);
  assert.deepEqual(second.rows.map((r) => r.capability), [NOTICE, REACT, READ_TEXT]);
  assert.deepEqual(fw.notifications.at(-1).approved.sort(), [TEXT, NOTICE, REACT, READ_TEXT].sort());
  assert.equal(w.state, "ready");
  const v = env.verifier.verify(w.token, Date.now());
  assert.ok(mx.authorize(v, { action: "send_event", roomId: ROOM, eventType: "m.reaction" }).allowed);
  w.close();
});

test("requests arriving while a prompt is open share the next prompt", async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const env = makeHost({
    prompter: prompter(async (req) => {
      if (req.rows.some((r) => r.capability === NOTICE)) await held;
      return { capabilities: req.rows.filter((r) => r.grantable).map((r) => r.capability), duration: "session" };
    }),
  });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await ask(fw, [NOTICE]);
  while (env.prompter.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
  // The person is still reading the NOTICE prompt; the widget asks twice more, 80 ms apart.
  await ask(fw, [REACT]);
  await new Promise((r) => setTimeout(r, 80));
  await ask(fw, [READ_TEXT]);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(env.prompter.requests.length, 2, "no second dialog on top of the open one");
  release();
  await fw.notifiedTimes(4);
  assert.equal(env.prompter.requests.length, 3);
  assert.deepEqual(env.prompter.requests[2].rows.map((r) => r.capability), [REACT, READ_TEXT]);
  w.close();
});

test("asking again for what the person declined is answered no, without a prompt, until the cooldown ends", async () => {
  let now = Date.now();
  const storage = new MemoryStorage();
  const env = makeHost({ now: () => now, storage, prompter: prompter(() => null) });
  assert.equal(env.host.declineCooldownMs, 10 * 60 * 1000, "default: 10 minutes");
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await ask(fw, [READ_TEXT]);
  await fw.notifiedTimes(2);
  assert.equal(env.prompter.requests.length, 2, "declined in a prompt");
  assert.deepEqual(fw.notifications[1].approved, [TEXT]);

  for (let i = 0; i < 3; i++) await ask(fw, [READ_TEXT]);
  await fw.notifiedTimes(5);
  assert.equal(env.prompter.requests.length, 2, "re-asks within the cooldown show nothing");
  assert.ok(!fw.notifications[4].approved.includes(READ_TEXT), "answered with the earlier decision");
  assert.ok(allowsText(env, w), "what was approved stays approved");
  const noted = w.activity.filter((a) => a.reason === "declined_recently");
  assert.ok(noted.length >= 1 && noted.every((a) => !a.allowed && a.capabilities.includes(READ_TEXT)), "the activity log says so");

  // Something new with it: only the new one is asked.
  await ask(fw, [READ_TEXT, REACT]);
  await fw.notifiedTimes(6);
  assert.equal(env.prompter.requests.length, 3);
  assert.deepEqual(env.prompter.requests[2].rows.map((r) => r.capability), [REACT]);

  now += 10 * 60 * 1000 + 1;
  await ask(fw, [READ_TEXT]);
  await fw.notifiedTimes(7);
  assert.equal(env.prompter.requests.length, 4, "asked again once the cooldown is over");
  assert.deepEqual(env.prompter.requests[3].rows.map((r) => r.capability), [READ_TEXT]);
  w.close();
});

test("the cooldown is kept per widget origin + URL + room: opening it again asks, but its re-asks are answered; another room asks; Revoke resets", async () => {
  const now = Date.now();
  const env = makeHost({ now: () => now, prompter: prompter(() => null) });
  const first = await embedWidget(env, { capabilities: [TEXT], id: "a" });
  await ask(first.fw, [READ_TEXT]);
  await first.fw.notifiedTimes(2);
  assert.equal(env.prompter.requests.length, 2, "declined in a follow-up");
  first.w.close();
  // The person opens it again (a new session, a new id): that first ask is theirs, so it asks.
  const reopened = await embedWidget(env, { capabilities: [TEXT, READ_TEXT], id: "b" });
  assert.equal(env.prompter.requests.length, 3);
  assert.deepEqual(env.prompter.requests[2].rows.map((r) => r.capability), [TEXT, READ_TEXT]);
  // ... but the widget asking again on its own is answered with the earlier "no".
  await ask(reopened.fw, [READ_TEXT]);
  await reopened.fw.notifiedTimes(2);
  assert.equal(env.prompter.requests.length, 3, "re-ask in the new session: no prompt");
  reopened.w.close();
  const elsewhere = await embedWidget(env, { capabilities: [TEXT], id: "c", roomId: OTHER });
  await ask(elsewhere.fw, [READ_TEXT]);
  await elsewhere.fw.notifiedTimes(2);
  assert.equal(env.prompter.requests.length, 5, "another room is another widget: asked");
  elsewhere.w.close();
  const reset = await embedWidget(env, { capabilities: [TEXT], id: "d" });
  reset.w.revoke();
  const after = await embedWidget(env, { capabilities: [TEXT], id: "e" });
  await ask(after.fw, [READ_TEXT]);
  await after.fw.notifiedTimes(2);
  assert.equal(env.prompter.requests.length, 8, "Revoke forgot the declines");
  after.w.close();
});

test("declineCooldownMs: 0 asks every time", async () => {
  const env = makeHost({ declineCooldownMs: 0, prompter: prompter(() => null) });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await ask(fw, [TOPIC]);
  await fw.notifiedTimes(2);
  await ask(fw, [TOPIC]);
  await fw.notifiedTimes(3);
  assert.equal(env.prompter.requests.length, 3);
  w.close();
});

test("a widget closed while its follow-up waits gets nothing more", async () => {
  let release;
  const env = makeHost({ prompter: prompter(() => new Promise((r) => (release = r))) });
  const { w, fw } = await embedWidget(env, { capabilities: [TEXT] });
  await ask(fw, [READ_TEXT]);
  while (!release) await new Promise((r) => setTimeout(r, 10));
  w.close();
  release({ capabilities: [READ_TEXT], duration: "session" });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(fw.notifications.length, 1);
  assert.equal(w.tokenAccepted(), false);
});
