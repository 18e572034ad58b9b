// The load-consent step in real headless Chromium against the real Synapse: with `loadConsent`,
// a widget someone else added, from an origin the person has not trusted, is not fetched at all
// until the person reads who added it, where it comes from and what loading it tells that server,
// and presses "Load widget". Widgets the person added, from origins they (or the host's policy)
// trusted, load without asking.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServers } from "./support/serve.mjs";
import { login, createRoom } from "./support/synapse.mjs";
import { e2eSkip, launchChromium, startHostPage, readyFrame } from "./support/chromium.mjs";

const skip = e2eSkip;

let servers, browser, alice, roomId, hostOrigin, widgetOrigin;

before(async () => {
  if (skip) return;
  servers = await startServers([0, 0]);
  [hostOrigin, widgetOrigin] = servers.origins;
  alice = await login("alice", "alicepass");
  roomId = await createRoom(alice.access_token, "Consent");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await servers?.close();
});

/** A fresh browser context (its own localStorage) with the host page started; records widget-origin requests. */
async function hostPage(options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const widgetRequests = [];
  page.on("request", (r) => r.url().startsWith(widgetOrigin) && widgetRequests.push(r.url()));
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await startHostPage(page, hostOrigin, { login: alice, roomId, roomName: "Consent", ...options });
  return { page, context, widgetRequests };
}

const def = (kind, id, creatorUserId = "@bob:localhost") => ({
  id,
  name: { notifier: "Notifier", hud: "Room HUD", dangerous: "Room admin tool" }[kind],
  type: "m.custom",
  url: `${widgetOrigin}/examples/widgets/${kind}/index.html?room=$matrix_room_id`,
  creatorUserId,
});

const iframeCount = (page, id) => page.locator(`iframe[data-widget-id="${id}"]`).count();

/** Answers the capability dialog with its defaults and waits for the widget's handshake. */
async function approveAndWaitReady(page, id) {
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Allow selected" }).click();
  await dialog.waitFor({ state: "detached" });
  await readyFrame(page, id);
}

test("a widget someone else added from an untrusted origin: nothing is fetched until the person agrees; declining closes it", { skip }, async () => {
  const { page, context, widgetRequests } = await hostPage({ loadConsent: true });
  try {
    await page.evaluate((d) => hostApi.embed(d), def("notifier", "n-declined"));
    const card = page.getByRole("region", { name: "Load “Notifier”?" });
    await card.waitFor();
    assert.equal(await card.locator('[data-fact="added-by"]').innerText(), "@bob:localhost");
    assert.equal(await card.locator('[data-fact="domain"]').innerText(), new URL(widgetOrigin).host);
    assert.equal(await card.locator('[data-fact="room"]').innerText(), "Consent");
    assert.equal(await card.locator('[data-fact="type"]').innerText(), "m.custom");
    assert.match(await card.locator('[data-fact="shares"]').innerText(), new RegExp(`^Loading it tells ${new URL(widgetOrigin).host.replace(/\./g, "\\.")}: the room ID, the widget's ID, the address of this page\\.`));
    // The card sits in the widget's own place, and nothing has been loaded yet.
    assert.equal(await page.locator('.widget [data-widget-id="n-declined"].mxs-load').count(), 1);
    assert.equal(await iframeCount(page, "n-declined"), 0);
    assert.equal(await page.evaluate(() => hostApi.state("n-declined")), "consent");
    assert.equal(await page.evaluate(() => hostApi.token("n-declined")), null);

    await card.getByRole("button", { name: "Don't load" }).click();
    await card.waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => hostApi.state("n-declined")), "closed");
    assert.equal(await iframeCount(page, "n-declined"), 0);
    assert.deepEqual(widgetRequests, [], "the widget's server heard nothing");
    assert.deepEqual(await page.evaluate(() => hostApi.widget("n-declined").activity.map((a) => [a.action, a.allowed])), [["load", false], ["close", true]]);

    // Agreeing loads it, and the capability prompt follows as usual.
    await page.evaluate((d) => hostApi.embed(d), def("notifier", "n-loaded"));
    await page.getByRole("region", { name: "Load “Notifier”?" }).getByRole("button", { name: "Load widget" }).click();
    await approveAndWaitReady(page, "n-loaded");
    assert.equal(await page.evaluate(() => hostApi.state("n-loaded")), "ready");
    assert.ok(widgetRequests.some((u) => u.includes("/examples/widgets/notifier/")));
    // Not trusted for next time: the same origin asks again.
    assert.deepEqual(await page.evaluate(() => hostApi.host.grants.trustedOrigins()), []);
    await page.evaluate((d) => hostApi.embed(d), def("hud", "h-asks"));
    await page.getByRole("region", { name: "Load “Room HUD”?" }).waitFor();
    assert.equal(await iframeCount(page, "h-asks"), 0);
  } finally {
    await context.close();
  }
});

test("trust rules: a widget the person added loads at once; \"Always load widgets from\" trusts the origin from then on", { skip }, async () => {
  const { page, context } = await hostPage({ loadConsent: true });
  try {
    await page.evaluate((d) => hostApi.embed(d), def("notifier", "n-mine", alice.user_id));
    assert.equal(await iframeCount(page, "n-mine"), 1, "added by the person: no consent step");
    assert.equal(await page.locator(".mxs-load").count(), 0);
    await approveAndWaitReady(page, "n-mine");

    // The content may claim anyone as its creator; only the state event's sender counts.
    await page.evaluate(([d, sender]) => hostApi.embed(d, sender), [def("notifier", "n-forged", alice.user_id), "@bob:localhost"]);
    const forged = page.getByRole("region", { name: "Load “Notifier”?" });
    await forged.waitFor();
    assert.equal(await forged.locator('[data-fact="added-by"]').innerText(), "@bob:localhost", "shows the sender, not the claim");
    assert.equal(await iframeCount(page, "n-forged"), 0, "a forged creatorUserId does not skip the consent step");
    await forged.getByRole("button", { name: "Don't load" }).click();
    // Without a sender at all, the claim is shown but does not count either.
    await page.evaluate((d) => hostApi.embed(d, null), def("notifier", "n-claim-only", alice.user_id));
    await page.getByRole("region", { name: "Load “Notifier”?" }).waitFor();
    assert.equal(await iframeCount(page, "n-claim-only"), 0);
    await page.getByRole("region", { name: "Load “Notifier”?" }).getByRole("button", { name: "Don't load" }).click();

    await page.evaluate((d) => hostApi.embed(d), def("hud", "h-trust"));
    const card = page.getByRole("region", { name: "Load “Room HUD”?" });
    await card.getByRole("checkbox", { name: `Always load widgets from ${new URL(widgetOrigin).host}` }).check();
    await card.getByRole("button", { name: "Load widget" }).click();
    await approveAndWaitReady(page, "h-trust");
    assert.deepEqual(await page.evaluate(() => hostApi.host.grants.trustedOrigins()), [widgetOrigin]);

    await page.evaluate((d) => hostApi.embed(d), def("dangerous", "d-trusted"));
    assert.equal(await iframeCount(page, "d-trusted"), 1, "trusted origin: loads without asking");
    assert.equal(await page.locator(".mxs-load").count(), 0);
    assert.equal(await page.evaluate(() => hostApi.widget("d-trusted").loadReason), "trusted_origin");
  } finally {
    await context.close();
  }
});

test("trust rules: origins in the host's trustedOrigins policy load without asking; without loadConsent nothing asks", { skip }, async () => {
  for (const options of [{ loadConsent: true, trustedOrigins: [widgetOrigin + "/anything"] }, {}]) {
    const { page, context } = await hostPage(options);
    try {
      await page.evaluate((d) => hostApi.embed(d), def("notifier", "n-policy"));
      assert.equal(await iframeCount(page, "n-policy"), 1, JSON.stringify(options));
      assert.equal(await page.locator(".mxs-load").count(), 0);
      assert.equal(await page.evaluate(() => hostApi.widget("n-policy").loadReason), options.loadConsent ? "trusted_origin" : "consent_off");
    } finally {
      await context.close();
    }
  }
});

test("a widget whose adder is unknown (no sender, no creatorUserId): the card says so, and it still loads after consent", { skip }, async () => {
  const { page, context } = await hostPage({ loadConsent: true });
  try {
    const { creatorUserId, ...anonymous } = def("notifier", "n-anonymous");
    void creatorUserId;
    await page.evaluate((d) => hostApi.embed(d, null), anonymous);
    const card = page.getByRole("region", { name: "Load “Notifier”?" });
    await card.waitFor();
    assert.equal(await card.locator('[data-fact="added-by"]').innerText(), "unknown");
    await card.getByRole("button", { name: "Load widget" }).click();
    await approveAndWaitReady(page, "n-anonymous");
    assert.equal(await page.evaluate(() => hostApi.state("n-anonymous")), "ready");
  } finally {
    await context.close();
  }
});
