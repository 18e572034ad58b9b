// Restricted sign-in on a semi-trusted device, end to end, with TWO browser contexts (two devices
// with their own storage) against a real mxscope gateway in front of the real Synapse:
// the main device signs in through the gateway and mints a read-only sign-in code (QR + text);
// the second device signs in with it, sees its limits, is refused sending and offered to ask for
// more; the main device sees the request, grants it; the second device switches to the new token
// and can send; the main device revokes it and the second device loses access.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import path from "node:path";
import { skipReason, screenshot, cs } from "./support/env.mjs";
import { startGatewayEnv, newDevice, gatewayBuilt, GATEWAY_BIN, gw, decodeQr } from "./support/gateway.mjs";

const skip = (await skipReason()) || (!gatewayBuilt() && process.env.MXSCOPE_E2E_REQUIRED !== "1" ? `no gateway binary at ${GATEWAY_BIN} (scripts/test-web.sh builds it)` : false);
let env, main, tablet, roomId;
let firstToken, secondToken;

before(async () => {
  if (skip) return;
  env = await startGatewayEnv({ tag: "d" });
  roomId = env.demo.roomId;
  main = (await newDevice(env)).page;
  tablet = (await newDevice(env)).page;
});

after(async () => {
  await env?.close();
});

const hhmm = /\b\d{2}:\d{2}\b/;

/** Bob's view of the room, straight from Synapse. */
async function bobSees(text) {
  const bob = await cs("POST", "/_matrix/client/v3/login", null, { type: "m.login.password", identifier: { type: "m.id.user", user: env.bob.user }, password: env.bob.password });
  try {
    const r = await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=20`, bob.access_token);
    return r.chunk.find((e) => e.type === "m.room.message" && e.content?.body === text) ?? null;
  } finally {
    await cs("POST", "/_matrix/client/v3/logout", bob.access_token, {}).catch(() => {});
  }
}

test("the main device signs in through the gateway: its access token is the login's mxscope root token", { skip }, async () => {
  await main.goto(env.web.clientOrigin + "/");
  await main.locator("#login-user").waitFor();
  assert.match(await main.locator("details.server summary").innerText(), /Through the gateway/);
  assert.equal(await main.getByRole("link", { name: "Sign in with a token from your main device" }).count(), 1);
  await main.fill("#login-user", env.alice.user);
  await main.fill("#login-password", env.alice.password);
  await main.getByRole("button", { name: "Sign in", exact: true }).click();
  await main.locator(".shell:not([data-loading])").waitFor({ timeout: 15_000 });
  await main.locator(".room-item", { hasText: "Demo room" }).waitFor();
  const stored = await main.evaluate(() => localStorage.getItem("mxscope.web.login"));
  const login = JSON.parse(stored);
  assert.equal(login.mode, "gateway");
  assert.equal(login.baseUrl, env.gateway.url);
  assert.match(login.accessToken, /^mxs1_/);
  assert.equal(login.accessToken, login.rootToken, "the gateway's root token is the access token");
  assert.ok(!/syt_/.test(stored), "the homeserver's own token never reaches the browser");
  assert.ok(!login.issuerSecretKey, "no issuer key in the browser in gateway mode");
});

test("the main device mints a read-only sign-in code for one room: a QR code and the token as text", { skip }, async () => {
  await main.locator("[data-nav=tokens]").click();
  await main.locator(".tokens-screen").waitFor();
  await main.getByRole("button", { name: "Sign in on another device…" }).click();
  const dialog = main.getByRole("dialog", { name: "Sign in on another device" });
  await dialog.locator("#device-name").fill("Kitchen tablet");
  await dialog.getByRole("checkbox", { name: "Demo room" }).check();
  await dialog.getByRole("radio", { name: /Read only/ }).check();
  await dialog.getByRole("radio", { name: "1 hour" }).check();
  assert.match(await dialog.locator(".scope-preview").innerText(), /Read-only until \d{2}:\d{2} · Demo room/);
  await dialog.getByRole("button", { name: "Create sign-in code" }).click();
  await dialog.locator(".qr svg").waitFor();
  firstToken = await dialog.locator("textarea.token-text").inputValue();
  assert.match(firstToken, /^mxs1_/);
  assert.match(await dialog.locator(".reveal-headline").innerText(), /^Read-only until \d{2}:\d{2} · Demo room$/);
  await screenshot(main, "device-signin");

  // The QR code holds a sign-in link to this client carrying exactly that token.
  const png = path.join(tmpdir(), `mxscope-qr-${process.pid}.png`);
  await dialog.locator(".qr").screenshot({ path: png });
  const link = await decodeQr(png);
  if (link !== null) {
    const u = new URL(link);
    assert.equal(u.origin, env.web.clientOrigin);
    assert.equal(new URLSearchParams(u.hash.slice(1)).get("signin-token"), firstToken);
  }
  const scope = await main.evaluate((t) => mxscopeWeb.mx.inspect(t).claimedScope, firstToken);
  assert.deepEqual(scope.actions, ["read_timeline", "read_state"]);
  assert.deepEqual(scope.rooms, [roomId]);
  assert.equal(scope.sealed, true, "a device can't hand its access on");
  assert.ok(Math.abs(scope.notAfter - Date.now() - 3600_000) < 60_000);
  await dialog.getByRole("button", { name: "Done" }).click();
  // Listed before its first use, from this browser's record.
  await main.locator(".token-card", { hasText: "Kitchen tablet" }).getByText("Not used yet").waitFor();
});

test("the second device signs in with the code: it sees its limits, and only the room it was given", { skip }, async () => {
  // Scanning the QR code opens this link; the fragment never reaches a server and leaves the address bar.
  await tablet.goto(`${env.web.clientOrigin}/#signin-token=${firstToken}`);
  await tablet.locator("#token-input").waitFor();
  assert.equal(new URL(tablet.url()).hash, "", "the token left the address bar");
  assert.match(await tablet.locator(".preview-headline").innerText(), /Read-only until \d{2}:\d{2} · 1 room/);
  await screenshot(tablet, "token-signin");
  await tablet.getByRole("button", { name: "Sign in with this token" }).click();
  await tablet.locator(".shell:not([data-loading])").waitFor({ timeout: 15_000 });
  const bar = tablet.locator(".limited-bar");
  await bar.waitFor();
  const until = await main.evaluate((t) => {
    const d = new Date(mxscopeWeb.mx.inspect(t).claimedScope.notAfter);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }, firstToken);
  assert.equal(await bar.locator(".limited-headline").innerText(), `Read-only until ${until}`);
  await bar.locator(".limited-rooms", { hasText: "Demo room" }).waitFor();

  await tablet.locator(".room-item", { hasText: "Demo room" }).click();
  await tablet.locator("ol.timeline").getByText("Welcome to the mxscope demo room.").waitFor();
  assert.deepEqual(await tablet.locator(".room-item .room-item-name").allInnerTexts(), ["Demo room"], "the gateway filters the other rooms out");
  assert.match(await tablet.locator("#composer-input").getAttribute("placeholder"), /^Read-only/);
  assert.equal(await tablet.locator("[data-nav=tokens]").count(), 0, "a limited device can't mint");
  assert.equal(await tablet.locator(".dock-toggle").isVisible(), false);
  await screenshot(tablet, "limited-session");

  await tablet.locator("[data-action=limits]").click();
  const limits = tablet.getByRole("dialog", { name: "What this device can do" });
  await limits.getByText("Read messages and other events in Demo room").waitFor();
  await limits.getByText("Cannot create further tokens").waitFor();
  await limits.getByRole("button", { name: "OK" }).click();
});

test("a room outside the token is explained, with an offer to ask for it", { skip }, async () => {
  await tablet.evaluate((id) => (location.hash = `#/room/${encodeURIComponent(id)}`), env.otherRoomId);
  await tablet.locator(".locked-screen").getByText("This room isn't part of this device's access").waitFor();
  await tablet.getByRole("button", { name: "Ask for access to this room" }).waitFor();
  await tablet.locator(".room-item", { hasText: "Demo room" }).click();
  await tablet.locator(".room-screen[data-state=room]").waitFor();
});

test("sending from the read-only device is refused by the gateway, and it offers to ask the main device", { skip }, async () => {
  await tablet.fill("#composer-input", "Can I write from the kitchen?");
  await tablet.keyboard.press("Enter");
  const offer = tablet.getByRole("dialog", { name: "You can't send messages in Demo room from this device" });
  await offer.waitFor();
  assert.match(await offer.innerText(), /Read-only until \d{2}:\d{2}, Demo room\. The gateway refused to send your message/);
  assert.equal(await offer.getByRole("checkbox", { name: "Send messages in Demo room" }).isChecked(), true);
  await tablet.locator("li.message", { hasText: "Can I write from the kitchen?" }).getByText("Not sent.").waitFor();
  await offer.locator("#step-up-note").fill("I want to answer Bob");
  await screenshot(tablet, "step-up");
  await offer.getByRole("button", { name: "Ask my main device" }).click();
  await offer.getByRole("heading", { name: "Request sent ✓" }).waitFor();
  const code = await offer.locator("textarea.token-text").inputValue();
  assert.match(code, /^mxscope-access-request:/);
  await offer.getByRole("button", { name: "OK", exact: true }).click();
  assert.equal(await bobSees("Can I write from the kitchen?"), null, "nothing reached the room");
});

test("the main device sees the session in use, its refused attempt and its request", { skip }, async () => {
  const card = main.locator(".token-card", { hasText: "Kitchen tablet" });
  await main.locator(".token-card[data-state=online]", { hasText: "Kitchen tablet" }).waitFor({ timeout: 10_000 });
  assert.match(await card.locator(".token-meta").innerText(), /Last used/);
  const request = main.locator(".request-card", { hasText: "“Kitchen tablet” asks for more access" });
  await request.waitFor({ timeout: 10_000 });
  assert.match(await request.innerText(), /Send messages in Demo room/);
  assert.match(await request.innerText(), /I want to answer Bob/);
  await card.locator("details.activity summary").click();
  await card.locator(".activity-list li.refused", { hasText: "Refused: send a message in Demo room (not allowed by the token)" }).waitFor();
  await card.locator(".activity-list li.ask", { hasText: "Asked for more access" }).waitFor();
  await screenshot(main, "tokens-request");
});

test("the main device grants it; the second device switches to the new token and can send", { skip }, async () => {
  await main.locator(".request-card [data-action=grant]").click();
  const dialog = main.getByRole("dialog", { name: "Grant more access" });
  assert.equal(await dialog.getByRole("radio", { name: "Read and send messages" }).isChecked(), true);
  assert.equal(await dialog.getByRole("checkbox", { name: "Demo room" }).isChecked(), true);
  await dialog.getByRole("button", { name: "Create sign-in code" }).click();
  secondToken = await dialog.locator("textarea.token-text").inputValue();
  assert.match(await dialog.locator(".reveal-headline").innerText(), /^Read and send until \d{2}:\d{2} · Demo room$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await main.locator(".request-card").waitFor({ state: "detached" });

  await tablet.locator("[data-action=new-token]").click();
  await tablet.fill("#new-token-input", secondToken);
  await tablet.getByRole("button", { name: "Switch to this token" }).click();
  await tablet.locator(".limited-headline", { hasText: /^Read and send until/ }).waitFor();
  // The old token revoked itself.
  assert.equal((await gw(env.gateway.url, "GET", "/_mxscope/v1/whoami", firstToken)).json["org.mxscope.error"], "token_revoked");
  await tablet.locator(".room-item", { hasText: "Demo room" }).click();
  assert.match(await tablet.locator("#composer-input").getAttribute("placeholder"), /^Message /);
  await tablet.fill("#composer-input", "Now I can answer, Bob");
  await tablet.keyboard.press("Enter");
  await tablet.locator("li.message:not(.pending)", { hasText: "Now I can answer, Bob" }).waitFor();
  const ev = await bobSees("Now I can answer, Bob");
  assert.ok(ev, "the message reached the room");
  assert.equal(ev.content["org.mxscope.token"]?.name, "Kitchen tablet", "the gateway labels what the device sent");
});

test("the main device revokes the device, with the consequence shown first; the device loses access", { skip }, async () => {
  // The old token revoked itself when the device switched: it moves to "Revoked and expired".
  await main.waitForFunction(() => document.querySelectorAll(".token-list[data-section=active] > .token-card").length === 1, null, { timeout: 10_000 });
  const card = main.locator(".token-list[data-section=active] > .token-card", { hasText: "Kitchen tablet" });
  await card.getByText(/Read and send until/).waitFor();
  await card.getByRole("button", { name: "Revoke Kitchen tablet" }).click();
  const confirm = main.getByRole("dialog", { name: "Revoke “Kitchen tablet”?" });
  assert.match(await confirm.innerText(), /loses access at once/);
  assert.match(await confirm.innerText(), /sealed: no token can have been made from it/);
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await main.locator(".token-list[data-section=ended] .token-card", { hasText: "Kitchen tablet" }).first().waitFor({ state: "attached" });

  // Its next /sync is refused: the device shows why, on the token sign-in screen.
  await tablet.locator(".login-card .notice.error", { hasText: "This device's access was revoked from your main device" }).waitFor({ timeout: 15_000 });
  await screenshot(tablet, "device-revoked");
  assert.equal(await tablet.evaluate(() => localStorage.getItem("mxscope.web.login")), null, "the device forgot the token");
  const r = await gw(env.gateway.url, "GET", "/_matrix/client/v3/sync?timeout=0", secondToken);
  assert.equal(r.status, 401);
  assert.equal(r.json["org.mxscope.error"], "token_revoked");
  // The main device is untouched.
  assert.equal((await gw(env.gateway.url, "GET", "/_mxscope/v1/whoami", await main.evaluate(() => mxscopeWeb.login.rootToken))).status, 200);
  assert.deepEqual([...main.errors, ...tablet.errors], []);
});
