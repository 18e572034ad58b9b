// The same client in a narrow window (400×800, a phone held upright): one screen at a time,
// nothing wider than the window, the widgets dock over the conversation, the prompt fits.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skipReason, startEnv, newPage, signIn, screenshot, widgetFrame } from "./support/env.mjs";

const skip = await skipReason();
const WIDTH = 400;
let env, page;

before(async () => {
  if (skip) return;
  env = await startEnv({ tag: "n" });
  page = await newPage(env, { width: WIDTH, height: 800 });
});

after(async () => {
  await env?.close();
});

/** Fails when anything makes the page scroll sideways. */
async function fitsWidth(what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= WIDTH, `${what}: the page is ${w}px wide in a ${WIDTH}px window`);
}

const visible = (sel) => page.locator(sel).isVisible();

test("narrow: rooms, then a room, then its widgets, one screen at a time", { skip }, async () => {
  await signIn(page, env);
  await page.locator(".room-item", { hasText: "Demo room" }).waitFor();
  assert.equal(await visible(".room-screen"), false, "the room list comes first");
  await fitsWidth("room list");

  await page.locator(".room-item", { hasText: "Demo room" }).click();
  await page.locator("ol.timeline").getByText("Welcome to the mxscope demo room.").waitFor();
  assert.equal(await visible(".sidebar"), false);
  assert.equal(await visible("#dock"), false, "widgets open on demand");
  await fitsWidth("room");

  await page.locator(".dock-toggle").click();
  const dock = page.locator(`.room-dock[data-room-id="${env.demo.roomId}"]`);
  await dock.getByRole("button", { name: "+ Add widget" }).click();
  const add = page.getByRole("dialog", { name: "Add a widget" });
  await add.getByRole("button", { name: "Add widget" }).click(); // the first example: the Notifier
  await dock.getByRole("button", { name: "Open Notifier" }).click();
  const prompt = page.locator("dialog.mxs-prompt");
  await prompt.waitFor();
  const box = await prompt.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= WIDTH, "the prompt fits the window");
  assert.ok(await prompt.getByRole("button", { name: "Allow selected" }).isVisible());
  await prompt.getByRole("button", { name: "Allow selected" }).click();
  const frame = await widgetFrame(page, "notifier");
  await fitsWidth("widgets dock");
  await screenshot(page, "narrow-widget");

  await frame.click("#send");
  await dock.getByRole("button", { name: "‹ Chat" }).click();
  await page.locator("li.message", { hasText: "Build finished: all green" }).waitFor();
  assert.equal(await page.evaluate(() => mxscopeWeb.widgets.live().length), 1, "hiding the dock keeps the widget open");
  await screenshot(page, "narrow-room");

  await page.getByRole("link", { name: "Back to rooms" }).first().click();
  await page.getByRole("link", { name: /Permissions/ }).click();
  await page.locator('[data-section="live"] .perm-card', { hasText: "Notifier" }).waitFor();
  await fitsWidth("permissions");
  await screenshot(page, "narrow-permissions");
  assert.deepEqual(page.errors, []);
});
