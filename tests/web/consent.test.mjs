// The load-consent step in the web client: a widget someone else added to the room asks, in its
// own place, before anything is fetched from its server; the person's own widgets load as before;
// "Always load widgets from <domain>" is remembered for this login and listed (and removable) in
// Permissions. Real Chromium, the real Synapse; bob adds his widgets through the client-server API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skipReason, startEnv, newPage, signIn, screenshot, widgetFrame, cs } from "./support/env.mjs";
import { EXAMPLE_WIDGETS, WIDGET_STATE_TYPE, widgetContent } from "../../web/widget-catalog.mjs";

const skip = await skipReason();
let env, page, roomId, bob, aliceId, widgetHost;
const fetched = []; // every request the page made to the widget origin

before(async () => {
  if (skip) return;
  env = await startEnv({ tag: "c" });
  roomId = env.demo.roomId;
  widgetHost = new URL(env.web.widgetOrigin).host;
  bob = await cs("POST", "/_matrix/client/v3/login", null, { type: "m.login.password", identifier: { type: "m.id.user", user: env.bob.user }, password: env.bob.password });
  aliceId = `@${env.alice.user}:localhost`;
  page = await newPage(env);
  page.on("request", (r) => r.url().startsWith(env.web.widgetOrigin) && fetched.push(r.url()));
});

after(async () => {
  if (bob) await cs("POST", "/_matrix/client/v3/logout", bob.access_token, {}).catch(() => {});
  await env?.close();
});

/** bob puts an example widget in the room (`claim`: the creatorUserId its content claims). */
async function bobAdds(key, { id = `bob-${key}`, name, claim } = {}) {
  const ex = EXAMPLE_WIDGETS.find((w) => w.key === key);
  const content = widgetContent({ id, name: name ?? ex.name, url: env.web.widgetOrigin + ex.path, creatorUserId: claim ?? bob.user_id });
  await cs("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${WIDGET_STATE_TYPE}/${encodeURIComponent(id)}`, bob.access_token, content);
  await dock().locator(`.widget-item[data-widget-id="${id}"]`).waitFor();
}

const dock = () => page.locator(`.room-dock[data-room-id="${roomId}"]`);
const card = (name) => dock().locator(".widget-card", { hasText: name });
const consent = (name) => page.getByRole("region", { name: `Load “${name}”?` });
const prompt = () => page.locator("dialog.mxs-prompt");
const session = (name) => page.evaluate((n) => { const s = mxscopeWeb.widgets.live().find((x) => x.content.name === n); return s && { state: s.w.state, loadReason: s.w.loadReason }; }, name);
const trusted = () => page.locator('[data-section="trusted"] li');

async function openPermissions() {
  await page.getByRole("link", { name: /Permissions/ }).first().click();
  await page.locator("#perm-title").waitFor();
}

async function openRoom() {
  await page.locator(".room-item", { hasText: "Demo room" }).click();
  await dock().waitFor();
}

test("a widget someone else added shows who added it, its domain and the room, and nothing is fetched from its origin", { skip }, async () => {
  await signIn(page, env);
  await openRoom();
  await bobAdds("notifier");
  await dock().getByRole("button", { name: "Open Notifier" }).click();
  const ask = consent("Notifier");
  await ask.waitFor();
  assert.equal(await ask.locator('[data-fact="added-by"]').innerText(), `Bob (${bob.user_id})`);
  assert.equal(await ask.locator('[data-fact="domain"]').innerText(), widgetHost);
  assert.equal(await ask.locator('[data-fact="room"]').innerText(), "Demo room");
  assert.match(await ask.locator('[data-fact="shares"]').innerText(), new RegExp(`Loading it tells ${widgetHost.replace(/\./g, "\\.")}`));
  assert.ok(await ask.evaluate((el) => el.contains(document.activeElement)), "focus moves to the question");
  assert.match(await card("Notifier").locator(".widget-status").innerText(), /Not loaded/);
  assert.equal(await prompt().count(), 0, "no permission prompt before it is loaded");
  assert.equal(await card("Notifier").locator("iframe").count(), 0);
  assert.deepEqual(fetched, [], "the widget's origin has had no request");
  assert.deepEqual(await session("Notifier"), { state: "consent", loadReason: null });
  await screenshot(page, "load-consent");
});

test("“Don't load” leaves it unloaded, and still nothing is fetched", { skip }, async () => {
  await consent("Notifier").getByRole("button", { name: "Don't load" }).click();
  await consent("Notifier").waitFor({ state: "detached" });
  assert.match(await card("Notifier").innerText(), /Notifier isn't loaded\. You chose not to load it/);
  assert.equal(await session("Notifier"), undefined, "the session is closed");
  assert.equal(await page.evaluate(() => mxscopeWeb.widgets.ended[0].reason), "declined");
  assert.equal(page.frames().filter((f) => f.url().startsWith(env.web.widgetOrigin)).length, 0);
  await page.waitForTimeout(300);
  assert.deepEqual(fetched, []);
});

test("“Load widget” loads it, and its permission prompt follows", { skip }, async () => {
  await card("Notifier").getByRole("button", { name: "Open again" }).click();
  await consent("Notifier").getByRole("button", { name: "Load widget" }).click();
  await prompt().waitFor();
  assert.ok(fetched.some((u) => u.includes("/examples/widgets/notifier/")), "loaded after consent");
  assert.equal(await prompt().locator('[data-fact="added-by"]').innerText(), `Bob (${bob.user_id})`);
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await widgetFrame(page, "notifier");
  assert.deepEqual(await session("Notifier"), { state: "ready", loadReason: "you_agreed" });
  assert.match(await card("Notifier").locator(".widget-status").innerText(), /Allowed while it's open/);
  assert.equal(await trusted().count(), 0, "one load trusts no domain");
});

test("the person's own widget loads without the card", { skip }, async () => {
  const before = fetched.length;
  await dock().getByRole("button", { name: "+ Add widget" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a widget" });
  await dialog.getByRole("radio", { name: /Room admin tool/ }).check();
  await dialog.getByRole("button", { name: "Add widget" }).click();
  await dialog.waitFor({ state: "detached" });
  await dock().getByRole("button", { name: "Open Room admin tool" }).click();
  await prompt().waitFor();
  assert.equal(await page.locator(".mxs-load").count(), 0);
  assert.ok(fetched.length > before, "fetched at once");
  assert.equal((await session("Room admin tool")).loadReason, "added_by_you");
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await widgetFrame(page, "dangerous");
});

test("a widget whose content claims the person as its creator still asks (the event's sender added it)", { skip }, async () => {
  await bobAdds("hud", { claim: aliceId });
  assert.match(await dock().locator('.widget-item[data-widget-id="bob-hud"]').innerText(), /added by Bob/);
  const before = fetched.length;
  await dock().getByRole("button", { name: "Open Room HUD" }).click();
  await consent("Room HUD").waitFor();
  assert.equal(await consent("Room HUD").locator('[data-fact="added-by"]').innerText(), `Bob (${bob.user_id})`);
  assert.equal(fetched.length, before);
});

test("“Always load widgets from” is remembered, listed in Permissions, survives a reload and can be removed", { skip }, async () => {
  const ask = consent("Room HUD");
  await ask.getByRole("checkbox", { name: `Always load widgets from ${widgetHost}` }).check();
  await ask.getByRole("button", { name: "Load widget" }).click();
  await prompt().waitFor();
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await widgetFrame(page, "hud");

  await openPermissions();
  assert.equal(await trusted().count(), 1);
  assert.match(await trusted().innerText(), new RegExp(widgetHost.replace(/\./g, "\\.")));
  await page.reload();
  await page.locator(".shell:not([data-loading])").waitFor();
  await openPermissions();
  assert.equal(await trusted().count(), 1, "kept across reloads, with this login's grants");

  // Another of bob's widgets from that domain now loads without asking.
  await openRoom();
  await bobAdds("notifier", { id: "bob-notifier-2", name: "Second notifier" });
  await dock().getByRole("button", { name: "Open Second notifier" }).click();
  await prompt().waitFor();
  assert.equal(await page.locator(".mxs-load").count(), 0);
  assert.equal((await session("Second notifier")).loadReason, "trusted_origin");
  await prompt().getByRole("button", { name: "Allow selected" }).click();
  await widgetFrame(page, "notifier");
  await card("Second notifier").getByRole("button", { name: "Close Second notifier" }).click();

  await openPermissions();
  await trusted().getByRole("button", { name: `Stop trusting ${widgetHost}` }).click();
  await page.locator('[data-section="trusted"] .empty-card').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "perm-trusted", "focus stays in the section");
  assert.deepEqual(await page.evaluate(() => mxscopeWeb.widgets.trustedDomains()), []);

  await openRoom();
  await card("Second notifier").getByRole("button", { name: "Open again" }).click();
  await consent("Second notifier").waitFor();
  assert.deepEqual(page.errors, []);
});
