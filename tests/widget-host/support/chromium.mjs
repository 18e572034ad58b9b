// The Chromium side of the widget host's end-to-end tests: Debian's headless Chromium through
// playwright-core, the host page (pages/host.html) started against the real Synapse, and the wait
// for a widget's handshake.
import { chromium } from "playwright-core";
import { HS, synapseUp } from "./synapse.mjs";

const CHROMIUM = process.env.MXSCOPE_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The `skip` of every end-to-end test: a reason when Synapse is down (unless MXSCOPE_E2E_REQUIRED=1). */
export const e2eSkip = process.env.MXSCOPE_E2E_REQUIRED !== "1" && !(await synapseUp()) ? "Synapse is not running (scripts/synapse.sh start)" : false;

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * Opens the host page of `hostOrigin` in `page` and starts the host as `login` (a /login answer)
 * in `roomId`; `options` go to the WidgetHost (pages/host.mjs).
 */
export async function startHostPage(page, hostOrigin, { login, roomId, roomName, ...options }) {
  await page.goto(`${hostOrigin}/tests/widget-host/pages/host.html`);
  await page.waitForFunction(() => typeof globalThis.startHost === "function", null, { timeout: 10_000 });
  await page.evaluate((cfg) => globalThis.startHost(cfg), {
    baseUrl: HS, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id, roomId, roomName, ...options,
  });
}

/**
 * The widget's frame, once the widget itself says its handshake is done. Polls on a timer, not
 * Playwright's default requestAnimationFrame: earlier clicks in the permissions panel scroll the
 * page, so a new widget's iframe can sit above the viewport, and Chromium does not render (so
 * runs no rAF callbacks in) an off-screen cross-origin frame once it has noticed it is off screen.
 * rAF polling can then stop after its first check, and a widget that became ready a few ms after
 * that check "times out" although its handshake finished at once.
 */
export async function readyFrame(page, id) {
  for (let i = 0; i < 200; i++) {
    const f = page.frames().find((fr) => fr.url().includes(`widgetId=${encodeURIComponent(id)}`));
    if (f) {
      await f.waitForFunction(() => globalThis.widget?.state?.ready === true, null, { timeout: 10_000, polling: 25 });
      return f;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no frame for ${id}`);
}
