// A real mxscope gateway (gateway/, built by scripts/test-web.sh into build-gateway/) in front of
// the real local Synapse, for the web client's gateway-mode tests: its own store and keys in a
// temporary directory, a free loopback port. Started the way tests/gateway/helpers.mjs does.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "../../../web/serve.mjs";
import { HS } from "./env.mjs";

export const GATEWAY_BIN = process.env.MXSCOPE_GATEWAY_BIN ?? path.join(repoRoot, "build-gateway/gateway/mxscope-gateway");

export const gatewayBuilt = () => existsSync(GATEWAY_BIN);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a gateway; resolves once its token API answers. */
export async function startGateway({ homeserver = HS } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "mxscope-web-gw-"));
  const port = await freePort();
  const proc = spawn(
    GATEWAY_BIN,
    [
      "--homeserver", homeserver,
      "--listen", `127.0.0.1:${port}`,
      "--store", path.join(dir, "gateway.db"),
      "--issuer-key-file", path.join(dir, "issuer.key"),
      "--secret-key-file", path.join(dir, "secretbox.key"),
      "--activity-flush-ms", "100",
      "--access-log", "false",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  proc.stderr.on("data", (d) => (log += d));
  const exited = new Promise((r) => proc.on("exit", r));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`the gateway exited at start:\n${log}`);
    try {
      if ((await fetch(`${url}/_mxscope/v1/keys`)).ok) break;
    } catch {}
    if (i > 400) throw new Error(`the gateway did not answer at ${url}:\n${log}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** fetch against the gateway with a token: {status, json}. */
export async function gw(base, method, p, token, body) {
  const res = await fetch(base + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json().catch(() => ({})) };
}

/**
 * The gateway-mode environment: fresh alice and bob, their demo room (set up directly on Synapse,
 * as the demo does) plus a second room of alice's that limited tokens leave out, a gateway, the
 * client and widget servers pointed at the gateway, and a browser.
 */
export async function startGatewayEnv({ tag, limitedPollMs = 1500 }) {
  const { startWeb } = await import("../../../web/serve.mjs");
  const { setupDemo, DEMO_USERS, login } = await import("../../../web/demo-setup.mjs");
  const { register, launchBrowser, cs } = await import("./env.mjs");
  const run = `${tag}${Date.now().toString(36)}`;
  const users = DEMO_USERS.map((u) => ({ ...u, user: `${u.user}-${run}` }));
  for (const u of users) await register(u.user, u.password);
  const gateway = await startGateway();
  const web = await startWeb({ homeserver: HS, gateway: gateway.url, demoUsers: DEMO_USERS, extraConfig: { limitedPollMs } });
  const demo = await setupDemo({ homeserver: HS, widgetOrigin: web.widgetOrigin, users, alias: `demo-${run}`, widgets: false });
  const alice = await login(HS, users[0].user, users[0].password);
  const other = await cs("POST", "/_matrix/client/v3/createRoom", alice.access_token, { name: "Private notes", preset: "private_chat" });
  await cs("POST", "/_matrix/client/v3/logout", alice.access_token, {});
  const browser = await launchBrowser();
  return {
    gateway,
    web,
    demo,
    otherRoomId: other.room_id,
    users,
    alice: users[0],
    bob: users[1],
    browser,
    async close() {
      await browser.close().catch(() => {});
      await web.close();
      await gateway.stop();
    },
  };
}

/** A fresh browser context (its own storage: another device) with one page, errors reported. */
export async function newDevice(env, viewport = { width: 1280, height: 800 }) {
  const context = await env.browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.errors = [];
  page.on("pageerror", (e) => {
    page.errors.push(e.message);
    console.error("page error:", e.message);
  });
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && console.error("page console:", m.text()));
  return { context, page };
}

/** Decodes the QR code in an image file with zbarimg (zbar-tools); null when zbarimg is missing. */
export async function decodeQr(file) {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    execFile("zbarimg", ["-q", "--raw", file], { encoding: "utf8" }, (err, stdout) => {
      if (err?.code === "ENOENT") return resolve(null);
      if (err) return reject(new Error(`zbarimg found no QR code in ${file}`));
      resolve(stdout.replace(/\n$/, ""));
    });
  });
}

export const hasZbar = async () => {
  const { execFileSync } = await import("node:child_process");
  try {
    execFileSync("zbarimg", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
