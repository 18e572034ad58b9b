// Real headless Chromium (Debian's) against the real Synapse of scripts/synapse.sh: a host page
// on one loopback origin embeds the example widgets from another, a person's clicks and keys
// answer the prompt, and what happens is checked on the homeserver itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { startServers } from "./support/serve.mjs";
import { login, createRoom, latestMessages } from "./support/synapse.mjs";
import { e2eSkip, launchChromium, startHostPage, readyFrame } from "./support/chromium.mjs";

const skip = e2eSkip;

let servers, browser, page, alice, roomId, hostOrigin, widgetOrigin, widgetPort;
const measured = [];

before(async () => {
  if (skip) return;
  servers = await startServers([0, 0]);
  [hostOrigin, widgetOrigin] = servers.origins;
  widgetPort = new URL(widgetOrigin).port;
  alice = await login("alice", "alicepass");
  roomId = await createRoom(alice.access_token, "Ops");
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  page.on("console", (m) => m.type() === "error" && console.error("page console:", m.text()));
  await startHostPage(page, hostOrigin, { login: alice, roomId, roomName: "Ops" });
});

after(async () => {
  await browser?.close();
  await servers?.close();
  if (measured.length) {
    const file = new URL("./timings.json", import.meta.url);
    writeFileSync(file, JSON.stringify(measured, null, 2) + "\n");
  }
});

const widgetDef = (kind, id) => ({
  id,
  name: { notifier: "Notifier", hud: "Room HUD", dangerous: "Room admin tool" }[kind],
  type: "m.custom",
  url: `${widgetOrigin}/examples/widgets/${kind}/index.html?room=$matrix_room_id`,
  creatorUserId: "@bob:localhost",
});

function record(label, timings) {
  const d = (a, b) => (timings[a] !== undefined && timings[b] !== undefined ? +(timings[b] - timings[a]).toFixed(2) : null);
  const row = {
    widget: label,
    requestToPromptVisibleMs: d("capabilitiesRequested", "promptVisible"),
    requestToPromptPaintedMs: d("capabilitiesRequested", "promptPainted"),
    approveToTokenMintedMs: d("answered", "tokenMinted"),
    approveToNotifySentMs: d("answered", "notifySent"),
    approveToNotifyAckedMs: d("answered", "notifyAcked"),
    closeToTokenRejectedMs: d("closeRequested", "revoked"),
  };
  measured.push(row);
  return row;
}

test("notifier: approve the prompt, its message lands in Synapse, anything else is refused, a spoofer gets nothing, closing revokes", { skip }, async (t) => {
  const id = "notifier-1";
  await page.evaluate((def) => hostApi.embed(def), widgetDef("notifier", id));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  // What the person reads before deciding.
  assert.match(await dialog.getByRole("heading").innerText(), /Notifier.*Ops/);
  assert.equal(await dialog.locator('[data-fact="added-by"]').innerText(), "@bob:localhost");
  assert.equal(await dialog.locator('[data-fact="domain"]').innerText(), new URL(widgetOrigin).host);
  const box = dialog.getByRole("checkbox", { name: /Send text messages in Ops as you/ });
  assert.equal(await box.isChecked(), true);
  assert.equal(await dialog.getByRole("radio", { name: "While it's open" }).isChecked(), true);
  await dialog.getByRole("button", { name: "Allow selected" }).click();
  await dialog.waitFor({ state: "detached" });

  const frame = await readyFrame(page, id);
  assert.deepEqual(await frame.evaluate(() => widget.state.approved), ["org.matrix.msc2762.send.event:m.room.message#m.text"]);
  const sent = await frame.evaluate(() => widget.send("hello from the notifier e2e"));
  assert.ok(sent.ok, JSON.stringify(sent));
  const inSynapse = (await latestMessages(alice.access_token, roomId)).find((e) => e.event_id === sent.value.event_id);
  assert.equal(inSynapse?.content.body, "hello from the notifier e2e");
  assert.equal(inSynapse.sender, alice.user_id);
  assert.equal(inSynapse.content["io.mxscope.label"], "widget: Notifier");

  // Not approved: a notice, a topic change, reading, another room.
  const notice = await frame.evaluate(() => widget.sendNotice("should not appear"));
  assert.equal(notice.ok, false);
  assert.equal(notice.error, "Cannot send room events of this type");
  assert.equal((await frame.evaluate(() => widget.setTopic("hijacked"))).error, "Cannot send state events of this type");
  assert.equal((await frame.evaluate(() => widget.readMessages())).error, "Cannot read room events of this type");
  const elsewhere = await frame.evaluate((r) => widget.sendToRoom(r, "elsewhere"), "!nope:localhost");
  assert.equal(elsewhere.error, "Unable to access room timeline: !nope:localhost");
  const bodies = (await latestMessages(alice.access_token, roomId)).map((e) => e.content?.body);
  assert.ok(!bodies.includes("should not appear") && !bodies.includes("elsewhere"));

  // A third window (same origin as the widget, and another origin) that knows the widget id.
  const spoofResults = [];
  for (const origin of [widgetOrigin, `http://localhost:${widgetPort}`]) {
    await page.evaluate(({ origin, id }) => {
      const f = document.createElement("iframe");
      f.src = `${origin}/tests/widget-host/pages/spoof.html?widgetId=${encodeURIComponent(id)}`;
      f.id = `spoof-${new URL(origin).hostname}`;
      document.body.appendChild(f);
      return new Promise((r) => f.addEventListener("load", r));
    }, { origin, id });
    const spoof = page.frames().find((f) => f.url().startsWith(`${origin}/tests/widget-host/pages/spoof.html`));
    await spoof.evaluate(() => spoof.send("spoofed message"));
    await new Promise((r) => setTimeout(r, 500));
    spoofResults.push(await spoof.evaluate(() => spoof.replies.length));
  }
  assert.deepEqual(spoofResults, [0, 0], "the spoofing windows got no answer");
  assert.ok(!(await latestMessages(alice.access_token, roomId)).some((e) => e.content?.body === "spoofed message"));
  assert.ok((await page.evaluate((id) => hostApi.widget(id).dropped, id)) >= 4);

  // The widget's own token, and one it derives for its backend.
  const got = await frame.evaluate(() => widget.getToken());
  assert.ok(got.ok && got.value.token.startsWith("mxs1_"), JSON.stringify(got));
  const derived = await page.evaluate((tok) => hostApi.attenuate(tok, { name: "backend" }), got.value.token);
  assert.equal(await page.evaluate((tok) => hostApi.verify(tok), got.value.token), "ok");
  assert.equal(await page.evaluate((tok) => hostApi.verify(tok), derived), "ok");

  // Close by taking the iframe out of the page.
  const closed = await page.evaluate((id) => hostApi.removeAndMeasure(id), id);
  assert.equal(closed.code, "token_revoked");
  assert.equal(await page.evaluate((tok) => hostApi.verify(tok), derived), "token_revoked");
  assert.equal(await page.evaluate((id) => hostApi.state(id), id), "closed");
  const row = record("notifier", await page.evaluate((id) => hostApi.timingsOf(id), id));
  row.removeToTokenRejectedMs = +closed.ms.toFixed(2);
  t.diagnostic(JSON.stringify(row));
});

test("HUD: keyboard-only approval of a dangerous read, remembered for an hour, reads what the notifier sent, cannot send", { skip }, async (t) => {
  const id = "hud-1";
  await page.evaluate((def) => hostApi.embed(def), widgetDef("hud", id));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  const read = dialog.getByRole("checkbox", { name: /Read text messages in Ops/ });
  assert.equal(await read.isChecked(), false, "reading messages is high risk: off by default");
  assert.equal(await dialog.getByRole("checkbox", { name: /See the name of Ops/ }).isChecked(), true);
  // Focus starts inside the dialog on the first choice; Space ticks it.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.capability), "org.matrix.msc2762.receive.event:m.room.message#m.text");
  await page.keyboard.press("Space");
  assert.equal(await read.isChecked(), true);
  // Tab to the duration radios, arrow to "1 hour", then on to "Allow selected".
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.type)) !== "radio"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  assert.equal(await dialog.getByRole("radio", { name: "1 hour" }).isChecked(), true);
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== "Allow selected"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });

  const frame = await readyFrame(page, id);
  const r = await frame.evaluate(() => widget.refresh());
  assert.ok(r.ok, JSON.stringify(r));
  assert.ok(r.value.some((e) => e.content.body === "hello from the notifier e2e"));
  assert.equal((await frame.evaluate(() => widget.trySend("no"))).error, "Cannot send room events of this type");
  assert.equal((await frame.evaluate(() => widget.readNotices())).error, "Cannot read room events of this type");

  // The panel: sentences, time left, activity, and a Revoke that works.
  const panel = page.locator(`section.mxs-panel[data-widget-id="${id}"]`);
  assert.match(await panel.innerText(), /Read text messages in Ops/);
  assert.match(await panel.innerText(), /read \d+ m\.room\.message/);
  const token = await page.evaluate((id) => hostApi.token(id), id);
  await panel.getByRole("button", { name: /Revoke/ }).click();
  assert.equal(await page.evaluate((tok) => hostApi.verify(tok), token), "token_revoked");
  assert.equal(await page.frames().filter((f) => f.url().includes("widgetId=hud-1")).length, 0, "iframe gone");
  t.diagnostic(JSON.stringify(record("hud (Revoke button)", await page.evaluate((id) => hostApi.timingsOf(id), id))));
});

test("remembered grants: the same HUD under a new id is not asked again (keyed by origin+URL+room)", { skip }, async () => {
  // hud-1 was revoked (grant forgotten): approve once more for an hour, then reopen.
  await page.evaluate((def) => hostApi.embed(def), widgetDef("hud", "hud-2"));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("checkbox", { name: /Read text messages in Ops/ }).check();
  await dialog.getByText("1 hour").click();
  await dialog.getByRole("button", { name: "Allow selected" }).click();
  await readyFrame(page, "hud-2");
  await page.evaluate(() => hostApi.widget("hud-2").close());
  await page.evaluate((def) => hostApi.embed(def), widgetDef("hud", "hud-3"));
  const frame = await readyFrame(page, "hud-3");
  assert.equal(await page.getByRole("dialog").count(), 0, "no prompt");
  assert.ok((await frame.evaluate(() => widget.refresh())).ok);
  await page.evaluate(() => hostApi.widget("hud-3").close());
});

test("dangerous widget: power levels, membership, any message, every room and the unknown stay off by default", { skip }, async (t) => {
  const id = "danger-1";
  await page.evaluate((def) => hostApi.embed(def), widgetDef("dangerous", id));
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  const group = dialog.locator('fieldset[data-group="dangerous"]');
  for (const name of [/admins and moderators/, /Invite, remove or ban/, /any kind of message/, /every room/]) {
    const box = group.getByRole("checkbox", { name });
    assert.equal(await box.isChecked(), false, String(name));
  }
  const unknown = dialog.getByRole("checkbox", { name: /org\.example\.make_coffee/ });
  assert.equal(await unknown.isDisabled(), true);
  await dialog.getByRole("button", { name: "Allow selected" }).click();
  const frame = await readyFrame(page, id);
  assert.deepEqual(await frame.evaluate(() => widget.state.approved), ["org.matrix.msc2762.send.event:m.room.message#m.text"]);
  assert.ok((await frame.evaluate(() => widget.sendText("plain text is fine"))).ok);
  assert.equal((await frame.evaluate(() => widget.setPowerLevels({ users: { "@bob:localhost": 100 } }))).error, "Cannot send state events of this type");
  assert.equal((await frame.evaluate(() => widget.kick("@bob:localhost"))).error, "Cannot send state events of this type");
  assert.equal((await frame.evaluate(() => widget.sendNotice("nope"))).error, "Cannot send room events of this type");
  const all = await frame.evaluate(() => widget.readAll());
  assert.equal(all.ok, false);
  await page.evaluate((id) => hostApi.widget(id).close(), id);
  t.diagnostic(JSON.stringify(record("dangerous (close())", await page.evaluate((id) => hostApi.timingsOf(id), id))));
});

test("Escape denies everything; the widget gets nothing approved", { skip }, async () => {
  await page.evaluate((def) => hostApi.embed(def), widgetDef("notifier", "notifier-esc"));
  await page.getByRole("dialog").waitFor();
  await page.keyboard.press("Escape");
  const frame = await readyFrame(page, "notifier-esc");
  assert.deepEqual(await frame.evaluate(() => widget.state.approved), []);
  assert.equal((await frame.evaluate(() => widget.send("no"))).ok, false);
  await page.evaluate(() => hostApi.widget("notifier-esc").close());
});

test("leaving the page revokes every widget token", { skip }, async () => {
  await page.evaluate((def) => hostApi.embed(def), widgetDef("notifier", "notifier-unload"));
  await page.getByRole("dialog").getByRole("button", { name: "Allow selected" }).click();
  await readyFrame(page, "notifier-unload");
  const result = await page.evaluate(() => {
    const tok = hostApi.token("notifier-unload");
    const before = hostApi.verify(tok);
    dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    return [before, hostApi.verify(tok), hostApi.state("notifier-unload")];
  });
  assert.deepEqual(result, ["ok", "token_revoked", "closed"]);
});
