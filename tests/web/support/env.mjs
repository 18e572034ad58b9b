// What the web client's end-to-end tests share: the real Synapse of scripts/synapse.sh, fresh demo
// users for each run (so the room list holds only what the test made), the client and widget
// servers on free loopback ports, and Debian's headless Chromium driven by playwright-core.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startWeb, repoRoot } from "../../../web/serve.mjs";
import { setupDemo, DEMO_USERS } from "../../../web/demo-setup.mjs";

export const HS = process.env.MXSCOPE_HS_URL ?? "http://127.0.0.1:18008";
export const CHROMIUM = process.env.MXSCOPE_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
// The README's pictures; MXSCOPE_SCREENSHOT_DIR sends them elsewhere (e.g. CI, to keep the tree clean).
export const SHOTS = process.env.MXSCOPE_SCREENSHOT_DIR ?? path.join(repoRoot, "docs/screenshots");

export async function synapseUp() {
  try {
    return (await fetch(`${HS}/_matrix/client/versions`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Skip reason when the suite cannot run here (unless MXSCOPE_E2E_REQUIRED=1 makes it fail). */
export async function skipReason() {
  if (process.env.MXSCOPE_E2E_REQUIRED === "1") return false;
  return (await synapseUp()) ? false : "Synapse is not running (scripts/synapse.sh start, or scripts/test-web.sh)";
}

export async function cs(method, p, token, body) {
  const res = await fetch(HS + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${method} ${p}: ${res.status} ${json.errcode ?? ""}`), { status: res.status, body: json });
  return json;
}

/** Registers a user through open registration (the test Synapse allows it, dummy auth). */
export async function register(username, password) {
  const body = { username, password, inhibit_login: true };
  let r = await fetch(`${HS}/_matrix/client/v3/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let json = await r.json();
  if (r.status === 401 && json.session) {
    r = await fetch(`${HS}/_matrix/client/v3/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, auth: { type: "m.login.dummy", session: json.session } }),
    });
    json = await r.json();
  }
  if (!r.ok) throw new Error(`register ${username}: ${r.status} ${json.errcode} ${json.error}`);
}

/**
 * Fresh alice and bob for this run (display names Alice and Bob), their demo room without widgets
 * (the tests add them through the client), both servers, and a browser.
 */
export async function startEnv({ tag }) {
  const run = `${tag}${Date.now().toString(36)}`;
  const users = DEMO_USERS.map((u) => ({ ...u, user: `${u.user}-${run}` }));
  for (const u of users) await register(u.user, u.password);
  const web = await startWeb({ homeserver: HS, demoUsers: DEMO_USERS });
  const demo = await setupDemo({ homeserver: HS, widgetOrigin: web.widgetOrigin, users, alias: `demo-${run}`, widgets: false });
  const browser = await launchBrowser();
  return {
    web,
    demo,
    users,
    alice: users[0],
    bob: users[1],
    browser,
    async close() {
      await browser.close().catch(() => {});
      await web.close();
    },
  };
}

/** Debian's headless Chromium, with the screenshot directory ready. */
export async function launchBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });
  return browser;
}

/** A page that reports the client's errors on the test's output. */
export async function newPage(env, viewport = { width: 1280, height: 800 }) {
  const page = await env.browser.newPage({ viewport });
  page.setDefaultTimeout(10_000); // every step here takes well under a second; fail fast
  page.errors = [];
  page.on("pageerror", (e) => {
    page.errors.push(e.message);
    console.error("page error:", e.message);
  });
  // Chromium logs every non-2xx fetch (a wrong password is a 403 by design); only real errors count.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && console.error("page console:", m.text()));
  return page;
}

export async function screenshot(page, name) {
  // Let transitions and fonts settle; the caret would blink into the picture otherwise.
  await page.evaluate(() => document.activeElement?.blur?.());
  await page.mouse.move(1, 1);
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

export async function signIn(page, env, user = env.alice) {
  await page.goto(env.web.clientOrigin + "/");
  await page.locator("#login-user").waitFor();
  await page.fill("#login-user", user.user);
  await page.fill("#login-password", user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".shell:not([data-loading])").waitFor({ timeout: 15_000 });
}

/** The iframe of an open example widget ("notifier", "hud", "dangerous"), once it is ready. */
export async function widgetFrame(page, kind, { timeout = 10_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().includes(`/examples/widgets/${kind}/`));
    if (f) {
      await f.waitForFunction(() => globalThis.widget?.state?.ready === true, null, { timeout });
      return f;
    }
    if (Date.now() > until) throw new Error(`no ${kind} widget frame`);
    await page.waitForTimeout(50);
  }
}

/** The login's access token, as the client stored it. */
export const storedLogin = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("mxscope.web.login")));

export async function messages(token, roomId, limit = 30) {
  return (await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${limit}`, token)).chunk;
}

