// The web client end to end, as a person uses it at 1280×800: real headless Chromium, the real
// Synapse, the example widgets served from a second origin. Each step builds on the one before
// (one signed-in page), in the order a newcomer would try things.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skipReason, startEnv, newPage, signIn, screenshot, widgetFrame, storedLogin, messages, cs } from "./support/env.mjs";

const skip = await skipReason();
let env, page, login, roomId;

before(async () => {
  if (skip) return;
  env = await startEnv({ tag: "w" });
  roomId = env.demo.roomId;
  page = await newPage(env);
});

after(async () => {
  await env?.close();
});

const dock = () => page.locator(`.room-dock[data-room-id="${roomId}"]`);
const timeline = () => page.locator("ol.timeline");
const prompt = () => page.locator("dialog.mxs-prompt");

async function addWidget(name) {
  await dock().getByRole("button", { name: "+ Add widget" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a widget" });
  await dialog.getByRole("radio", { name: new RegExp(name) }).check();
  await dialog.getByRole("button", { name: "Add widget" }).click();
  await dialog.waitFor({ state: "detached" });
  // It arrives through /sync, like a widget anyone else adds.
  await dock().locator(".widget-item", { hasText: name }).waitFor();
}

async function openWidget(name) {
  await dock().getByRole("button", { name: `Open ${name}` }).click();
  await prompt().waitFor();
}

const liveSession = (name) => page.evaluate((n) => mxscopeWeb.widgets.live().find((s) => s.content.name === n)?.w.token ?? null, name);
const verify = (token) => page.evaluate((t) => mxscopeWeb.widgets.verify(t), token);

test("signs in with user name and password; a wrong password is explained; the session survives a reload", { skip }, async () => {
  await page.goto(env.web.clientOrigin + "/");
  await page.locator("#login-user").waitFor();
  await screenshot(page, "login");
  await page.fill("#login-user", env.alice.user);
  await page.fill("#login-password", "wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  assert.equal(await page.getByRole("alert").innerText(), "Wrong user name or password.");

  await signIn(page, env);
  await page.locator(".room-item", { hasText: "Demo room" }).waitFor();
  assert.equal(await page.locator(".me strong").innerText(), "Alice");
  login = await storedLogin(page);
  assert.equal(login.userId, `@${env.alice.user}:localhost`);
  assert.ok(login.rootToken.startsWith("mxs1_") && login.issuerPublicKey, "the login has its own issuer key and root token");

  await page.reload();
  await page.locator(".shell:not([data-loading])").waitFor();
  assert.equal(await page.locator("#login-user").count(), 0, "still signed in after a reload");
});

test("opens the demo room: the timeline is live and the composer sends", { skip }, async () => {
  await page.locator(".room-item", { hasText: "Demo room" }).click();
  await timeline().getByText("Welcome to the mxscope demo room.").waitFor();
  assert.match(await page.locator(".room-name").innerText(), /Demo room/);

  await page.fill("#composer-input", "Hello from the web client");
  await page.keyboard.press("Enter");
  await timeline().locator("li.message:not(.pending)", { hasText: "Hello from the web client" }).waitFor();

  // bob writes from elsewhere: it arrives through the /sync long-poll.
  const bob = await cs("POST", "/_matrix/client/v3/login", null, { type: "m.login.password", identifier: { type: "m.id.user", user: env.bob.user }, password: env.bob.password });
  await cs("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${Date.now()}`, bob.access_token, { msgtype: "m.text", body: "Bob here, live" });
  await timeline().locator("li.message", { hasText: "Bob here, live" }).waitFor();
  await cs("POST", "/_matrix/client/v3/logout", bob.access_token, {});
});

test("adds the Notifier as a room widget, approves its prompt, and its message arrives in the timeline", { skip }, async () => {
  await addWidget("Notifier");
  await timeline().getByText("Alice added the widget Notifier").waitFor();
  const state = await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, login.accessToken);
  const ev = state.find((e) => e.type === "im.vector.modular.widgets" && e.content.name === "Notifier");
  assert.equal(ev.content.type, "m.custom");
  assert.equal(ev.content.id, ev.state_key);
  assert.ok(ev.content.url.startsWith(env.web.widgetOrigin), "served from the widget origin");

  await openWidget("Notifier");
  assert.match(await prompt().getByRole("heading").innerText(), /Notifier.*Demo room/);
  const box = prompt().getByRole("checkbox", { name: /Send text messages in Demo room as you/ });
  assert.equal(await box.isChecked(), true);
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await prompt().waitFor({ state: "detached" });

  const frame = await widgetFrame(page, "notifier");
  await frame.fill("#text", "Deploy done: 3 services updated");
  await frame.click("#send");
  const line = timeline().locator("li.message", { hasText: "Deploy done: 3 services updated" });
  await line.waitFor();
  assert.match(await line.locator(".via").innerText(), /via Notifier/);
  const inSynapse = (await messages(login.accessToken, roomId)).find((e) => e.content?.body === "Deploy done: 3 services updated");
  assert.equal(inSynapse.sender, login.userId);
  assert.equal(inSynapse.content["io.mxscope.label"], "widget: Notifier");
  assert.match(await dock().locator(".widget-card", { hasText: "Notifier" }).locator(".widget-status").innerText(), /Allowed while it's open/);
});

test("the HUD, allowed to read for an hour, shows the room's messages and follows them live", { skip }, async () => {
  await addWidget("Room HUD");
  await openWidget("Room HUD");
  const read = prompt().getByRole("checkbox", { name: /Read text messages in Demo room/ });
  assert.equal(await read.isChecked(), false, "reading messages is high risk: off until ticked");
  await read.check();
  await prompt().getByText("1 hour").click();
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await prompt().waitFor({ state: "detached" });

  const frame = await widgetFrame(page, "hud");
  await frame.locator("#messages li", { hasText: "Deploy done: 3 services updated" }).waitFor();
  // A new message reaches the HUD through the client's live feed (no refresh pressed).
  await page.fill("#composer-input", "Fresh news for the HUD");
  await page.keyboard.press("Enter");
  await frame.locator("#messages li", { hasText: "Fresh news for the HUD" }).waitFor();
  assert.match(await frame.locator("#status").innerText(), /\d+ message\(s\)/);
  await page.locator(".timeline-scroll").evaluate((s) => (s.scrollTop = s.scrollHeight));
  await screenshot(page, "room-with-widget");
});

test("the dangerous widget: its extra permissions start off, denying them means it is refused", { skip }, async () => {
  await addWidget("Room admin tool");
  await openWidget("Room admin tool");
  const dangerous = prompt().locator('fieldset[data-group="dangerous"]');
  await screenshot(page, "prompt");
  for (const name of [/admins and moderators/, /Invite, remove or ban/, /any kind of message/, /every room/]) {
    assert.equal(await dangerous.getByRole("checkbox", { name }).isChecked(), false, String(name));
  }
  assert.equal(await prompt().getByRole("checkbox", { name: /make_coffee/ }).isDisabled(), true, "an unknown permission can't be granted");
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await prompt().waitFor({ state: "detached" });

  const frame = await widgetFrame(page, "dangerous");
  const result = frame.locator("#result");
  await frame.click("#try-notice");
  await frame.waitForFunction(() => document.getElementById("result").textContent !== "");
  assert.equal(await result.innerText(), "Refused: Cannot send room events of this type");
  await frame.click("#try-kick");
  await frame.waitForFunction(() => /state/.test(document.getElementById("result").textContent));
  assert.equal(await result.innerText(), "Refused: Cannot send state events of this type");
  await frame.click("#try-read-all");
  await frame.waitForFunction(() => /read/.test(document.getElementById("result").textContent));
  assert.match(await result.innerText(), /^Refused: Cannot read room events of this type/);
  const bodies = (await messages(login.accessToken, roomId)).map((e) => e.content?.body);
  assert.ok(!bodies.includes("A notice from the room admin tool"), "the notice never reached the homeserver");
});

test("Permissions: every live pass in plain language, remembered approvals, and Revoke takes access away", { skip }, async () => {
  await page.getByRole("link", { name: /Permissions/ }).first().click();
  const live = page.locator('[data-section="live"] .perm-card');
  await page.locator("#perm-title").waitFor();
  assert.equal(await live.count(), 3);
  const notifier = live.filter({ hasText: "Notifier" });
  assert.match(await notifier.innerText(), /Send text messages in Demo room as you/);
  assert.match(await notifier.innerText(), /Sent a text message in Demo room/);
  const admin = live.filter({ hasText: "Room admin tool" });
  assert.match(await admin.locator(".activity-list").innerText(), /Refused: tried to send notices/);
  const remembered = page.locator('[data-section="remembered"] .perm-card');
  assert.equal(await remembered.count(), 1);
  assert.match(await remembered.innerText(), /Room HUD[\s\S]*Read text messages in Demo room/);
  assert.equal(await page.locator("body").evaluate((b) => /[{}]/.test(b.innerText)), false, "no raw JSON on screen");
  await screenshot(page, "permissions");

  // Revoke the Notifier: its pass is refused at once, its iframe goes, the room shows why.
  const token = await liveSession("Notifier");
  assert.equal(await verify(token), "ok");
  await notifier.getByRole("button", { name: /Revoke/ }).click();
  await notifier.waitFor({ state: "detached" });
  assert.equal(await verify(token), "token_revoked");
  const ended = page.locator('[data-section="ended"] li', { hasText: "Notifier" });
  assert.match(await ended.innerText(), /its pass is now refused \(revoked\)/);
  assert.equal(page.frames().filter((f) => f.url().includes("/examples/widgets/notifier/")).length, 0);

  // Revoke the remembered HUD approval: it is forgotten and the open HUD loses its pass too.
  const hudToken = await liveSession("Room HUD");
  await remembered.getByRole("button", { name: /Revoke/ }).click();
  await page.locator('[data-section="remembered"] .empty-card').waitFor();
  assert.equal(await verify(hudToken), "token_revoked");

  await page.locator(".room-item", { hasText: "Demo room" }).click();
  assert.match(await dock().locator(".widget-closed", { hasText: "Notifier" }).innerText(), /You revoked its access/);
});

test("closing a widget revokes its pass", { skip }, async () => {
  const token = await liveSession("Room admin tool");
  assert.equal(await verify(token), "ok");
  await dock().locator(".widget-card", { hasText: "Room admin tool" }).getByRole("button", { name: "Close Room admin tool" }).click();
  assert.equal(await verify(token), "token_revoked");
  assert.equal(page.frames().filter((f) => f.url().includes("/examples/widgets/dangerous/")).length, 0);
});

test("logging out revokes every token of the login and ends the homeserver session", { skip }, async () => {
  await dock().getByRole("button", { name: "Open Notifier" }).click();
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await widgetFrame(page, "notifier");
  const token = await liveSession("Notifier");
  // A token the widget derived for its own backend dies with its parent.
  const derived = await page.evaluate((t) => mxscopeWeb.mx.attenuate(t, { name: "notifier backend" }), token);
  assert.equal(await verify(derived), "ok");

  await page.getByRole("button", { name: "Log out" }).click();
  const confirm = page.getByRole("dialog", { name: "Log out?" });
  await confirm.getByRole("button", { name: "Log out" }).click();
  await page.locator(".login-card .notice").waitFor();
  assert.match(await page.locator(".login-card .notice").innerText(), /signed out/);
  const after = (t) => page.evaluate((t) => { try { mxscopeWeb.lastVerifier.verify(t); return "ok"; } catch (e) { return e.code; } }, t);
  assert.equal(await after(token), "token_revoked");
  assert.equal(await after(derived), "token_revoked");
  await assert.rejects(cs("GET", "/_matrix/client/v3/account/whoami", login.accessToken), (e) => e.status === 401);
  assert.equal(await page.evaluate(() => localStorage.getItem("mxscope.web.login")), null, "keys deleted");
  await page.reload();
  await page.locator("#login-user").waitFor();
  assert.deepEqual(page.errors, []);
});
