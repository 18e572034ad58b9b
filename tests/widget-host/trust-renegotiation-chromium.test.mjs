// Real headless Chromium against the real Synapse: MSC2974 renegotiation shows one dialog per burst
// and does not re-prompt what the person just declined; the capability dialog shows the type and
// what the widget's address told its server; room admins (power levels read from Synapse) are a
// trust rule; wrapper hosts are never offered "Always load widgets from".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./support/serve.mjs";
import { login, createRoom, cs } from "./support/synapse.mjs";
import { e2eSkip, launchChromium, startHostPage, readyFrame } from "./support/chromium.mjs";

const skip = e2eSkip;
const U = "org.matrix.msc2762.";
const BOB = "@bob:localhost";

let servers, browser, alice, roomId, hostOrigin, widgetOrigin;

before(async () => {
  if (skip) return;
  servers = await startServers([0, 0]);
  [hostOrigin, widgetOrigin] = servers.origins;
  alice = await login("alice", "alicepass");
  roomId = await createRoom(alice.access_token, "Trust");
  // Bob is a room admin (power level 100); nobody else is.
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`;
  const pl = await cs("GET", path, alice.access_token);
  await cs("PUT", path, alice.access_token, { ...pl, users: { ...pl.users, [BOB]: 100 } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await servers?.close();
});

async function hostPage(options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await startHostPage(page, hostOrigin, { login: alice, roomId, roomName: "Trust", ...options });
  return { page, context };
}

const notifier = (id, query = "room=$matrix_room_id") => ({
  id,
  name: "Notifier",
  type: "io.example.notifier",
  url: `${widgetOrigin}/examples/widgets/notifier/index.html?${query}`,
  creatorUserId: "@carol:localhost",
});


test("renegotiation: a burst of requests is one dialog; re-asking what was declined shows none", { skip }, async () => {
  const { page, context } = await hostPage({});
  try {
    await page.evaluate((d) => hostApi.embed(d), notifier("n-reneg"));
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    // Item 3: the dialog shows who added it, the domain, the type, and what its address told the server.
    assert.equal(await dialog.locator('[data-fact="added-by"]').innerText(), "@carol:localhost");
    assert.equal(await dialog.locator('[data-fact="domain"]').innerText(), new URL(widgetOrigin).host);
    assert.equal(await dialog.locator('[data-fact="type"]').innerText(), "io.example.notifier");
    assert.equal(await dialog.locator('[data-fact="shares"]').innerText(), "the room ID, the widget's ID, the address of this page");
    await dialog.getByRole("button", { name: "Allow selected" }).click();
    await dialog.waitFor({ state: "detached" });
    const frame = await readyFrame(page, "n-reneg");
    assert.equal(await page.evaluate(() => globalThis.dialogsShown), 1);

    // Three requests in a row from the widget, as a widget adding features would send them.
    await frame.evaluate((U) => {
      const send = (capabilities) => globalThis.widget.api.transport.send("org.matrix.msc2974.request_capabilities", { capabilities });
      return Promise.all([send([`${U}send.event:m.reaction`]), send([`${U}send.event:m.room.message#m.notice`]), send([`${U}receive.event:m.room.message#m.text`])]);
    }, U);
    await dialog.waitFor();
    assert.match(await dialog.getByRole("heading").innerText(), /asks for more/);
    assert.equal(await dialog.locator("input[data-capability]").count(), 3, "one dialog with all three");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.evaluate(() => globalThis.dialogsShown), 2, "not one dialog per request");
    await dialog.getByRole("button", { name: "Deny all" }).click();
    await dialog.waitFor({ state: "detached" });

    // Asking again for a declined one: answered no, no dialog.
    const before = await page.evaluate(() => hostApi.widget("n-reneg").activity.length);
    await frame.evaluate((U) => globalThis.widget.api.transport.send("org.matrix.msc2974.request_capabilities", { capabilities: [`${U}send.event:m.reaction`] }), U);
    await page.waitForFunction((n) => hostApi.widget("n-reneg").activity.length > n, before, { timeout: 5_000, polling: 25 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.evaluate(() => globalThis.dialogsShown), 2, "no dialog for a re-ask of a declined permission");
    assert.equal(await page.locator("dialog.mxs-prompt").count(), 0);
    const approved = await frame.evaluate(() => globalThis.widget.state.approved);
    assert.deepEqual(approved, [`${U}send.event:m.room.message#m.text`]);
    assert.ok(await page.evaluate(() => hostApi.widget("n-reneg").activity.some((a) => a.reason === "declined_recently")));
  } finally {
    await context.close();
  }
});

test("trust rules in the page: room admins (power levels from Synapse) load at once; wrapper hosts are never offered per-domain trust", { skip }, async () => {
  const { page, context } = await hostPage({ loadConsent: true, trustRoomAdmins: true, wrapperOrigins: [widgetOrigin] });
  try {
    await page.evaluate(([d, sender]) => hostApi.embed(d, sender), [notifier("n-admin"), BOB]);
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Allow selected" }).click();
    await dialog.waitFor({ state: "detached" });
    await readyFrame(page, "n-admin");
    assert.equal(await page.evaluate(() => hostApi.widget("n-admin").loadReason), "trusted_adder");
    assert.equal(await page.locator(".mxs-load").count(), 0);

    await page.evaluate(([d, sender]) => hostApi.embed(d, sender), [notifier("n-carol"), "@carol:localhost"]);
    const card = page.getByRole("region", { name: "Load “Notifier”?" });
    await card.waitFor();
    assert.equal(await page.locator('iframe[data-widget-id="n-carol"]').count(), 0, "not an admin: asked first");
    assert.equal(await card.getByRole("checkbox").count(), 0, "a wrapper host is not offered \"Always load widgets from\"");
    assert.match(await card.locator('[data-fact="wrapper"]').innerText(), /can't be trusted as a whole/);
    await card.getByRole("button", { name: "Load widget" }).click();
    await page.getByRole("dialog").waitFor();
    assert.deepEqual(await page.evaluate(() => hostApi.host.grants.trustedOrigins()), []);
  } finally {
    await context.close();
  }
});
