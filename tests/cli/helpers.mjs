// Helpers for the CLI tests: run the real `mxscope` binary against a real mxscope-gateway in front
// of the real local Synapse (scripts/synapse.sh), the way tests/gateway/helpers.mjs starts the gateway.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { call, startGateway as startGatewayBin } from "../gateway/helpers.mjs";

// The plumbing the gateway tests already have: one copy, shared.
export { sleep, unique, freePort, call, registerOnSynapse } from "../gateway/helpers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..");
export const HS = process.env.MXSCOPE_HS_URL || "http://127.0.0.1:18008";
export const CLI = process.env.MXSCOPE_CLI_BIN || join(repo, "build-cli", "cli", "mxscope");
export const GATEWAY_BIN = process.env.MXSCOPE_GATEWAY_BIN || join(repo, "build-cli", "gateway", "mxscope-gateway");

// A scratch directory removed by cleanup(); `sub` makes a subdirectory.
export function scratch(prefix = "mxscope-cli-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    sub(name) { const d = join(dir, name); mkdirSync(d, { recursive: true }); return d; },
    file(name, text, mode = 0o600) { const p = join(dir, name); writeFileSync(p, text); chmodSync(p, mode); return p; },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

// Starts a gateway built next to the CLI. Passing the `dir` of another gateway shares its store and keys.
export const startGateway = ({ dir, homeserver = HS } = {}) => startGatewayBin({ dir, homeserver, bin: GATEWAY_BIN });

export async function createRoom(gwUrl, token, body = {}) {
  const r = await call(gwUrl, "POST", "/_matrix/client/v3/createRoom", { token, body });
  if (r.status !== 200) throw new Error(`createRoom: ${r.status} ${r.text}`);
  return r.json.room_id;
}

// The last `limit` messages of a room (newest first), read through the gateway.
export async function messages(gwUrl, token, room, limit = 10) {
  const r = await call(gwUrl, "GET",
    `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/messages?dir=b&limit=${limit}`, { token });
  if (r.status !== 200) throw new Error(`messages: ${r.status} ${r.text}`);
  return r.json.chunk.filter((e) => e.type === "m.room.message");
}

// Runs the CLI with a clean environment: only PATH, HOME and what `env` adds (so that nothing
// from the developer's own environment, such as MXSCOPE_TOKEN, leaks into a test).
// Resolves to {code, stdout, stderr}; `input` is written to stdin (stdin is closed otherwise).
export function mxscope(args, { env = {}, input, bin = CLI, timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const fullEnv = { PATH: process.env.PATH, HOME: env.HOME || tmpdir(), LANG: "C.UTF-8" };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v;
    const p = spawn(bin, args, { env: fullEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8");  // decodes across chunk boundaries (QR half blocks are 3 bytes)
    p.stderr.setEncoding("utf8");
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => { p.kill("SIGKILL"); reject(new Error(`mxscope ${args.join(" ")}: timed out`)); }, timeout);
    p.on("error", (e) => { clearTimeout(timer); reject(e); });
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    p.stdin.on("error", () => {});
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

// Runs a shell command line (the cron case) with a minimal environment.
export function shell(line, { env = {}, timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const fullEnv = { PATH: `${dirname(CLI)}:/usr/bin:/bin`, HOME: env.HOME || tmpdir(), SHELL: "/bin/sh" };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v;
    const p = spawn("/bin/sh", ["-c", line], { env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8");  // decodes across chunk boundaries (QR half blocks are 3 bytes)
    p.stderr.setEncoding("utf8");
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => { p.kill("SIGKILL"); reject(new Error("shell: timed out")); }, timeout);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

// A 32-hex id that no token has.
export function randomId() {
  let s = "";
  for (let i = 0; i < 32; i++) s += "0123456789abcdef"[Math.floor(Math.random() * 16)];
  return s;
}

// Asserts that no output of a run carries token text (or `secrets`).
export function noSecrets(assert, r, secrets = []) {
  for (const stream of [r.stdout, r.stderr]) {
    assert.doesNotMatch(stream, /mxs1_[A-Za-z0-9_-]{8,}/, "token text in the output");
    for (const s of secrets) assert.ok(!stream.includes(s), "a secret in the output");
  }
}

// Runs the CLI in a pseudo-terminal (tests/cli/pty_run.py), answering the user and password
// prompts. Resolves to {code, output} (stdout and stderr together, as a terminal shows them).
export function onTerminal(args, { env = {}, user = "", password = "", bin = CLI } = {}) {
  return new Promise((resolve, reject) => {
    const fullEnv = { PATH: process.env.PATH, HOME: env.HOME || tmpdir(), LANG: "C.UTF-8", TERM: "dumb" };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v;
    const p = spawn("python3", [join(here, "pty_run.py"), user, password, bin, ...args], { env: fullEnv });
    let out = "", err = "";
    p.stdout.setEncoding("utf8");
    p.stderr.setEncoding("utf8");
    p.stdout.on("data", (d) => { out += d; });
    p.stderr.on("data", (d) => { err += d; });
    p.on("close", () => {
      try { resolve(JSON.parse(out)); } catch { reject(new Error(`pty_run: ${out}${err}`)); }
    });
  });
}
