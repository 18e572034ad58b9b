// Shared helpers for the gateway integration tests: start/stop a real mxscope-gateway in front of
// the real local Synapse (scripts/synapse.sh), register users, call it with fetch and with curl.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..");
export const HS = process.env.MXSCOPE_HS_URL || "http://127.0.0.1:18008";
export const BIN = process.env.MXSCOPE_GATEWAY_BIN || join(repo, "build-gateway", "gateway", "mxscope-gateway");
const execFileP = promisify(execFile);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A unique, lowercase name for users and rooms of this run.
let counter = 0;
const run = Date.now().toString(36);
export function unique(prefix) {
  counter += 1;
  return `${prefix}${run}${counter}`;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Starts a gateway (the binary `bin`). `dir` keeps the store and key files (pass the same dir to
// restart with the same state). Resolves once it answers.
export async function startGateway({ dir, homeserver = HS, args = [], port, bin = BIN } = {}) {
  dir = dir || mkdtempSync(join(tmpdir(), "mxscope-gw-"));
  port = port || (await freePort());
  const logFile = join(dir, "gateway.log");
  const argv = [
    "--homeserver", homeserver,
    "--listen", `127.0.0.1:${port}`,
    "--store", join(dir, "gateway.db"),
    "--issuer-key-file", join(dir, "issuer.key"),
    "--secret-key-file", join(dir, "secretbox.key"),
    ...args,
  ];
  const proc = spawn(bin, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`gateway exited during start:\n${log}`);
    try {
      const r = await fetch(`${url}/_mxscope/v1/keys`);
      if (r.ok) break;
    } catch {}
    await sleep(25);
  }
  const gw = {
    url, dir, port, proc, exited,
    log: () => log,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
  return gw;
}

// fetch against the gateway with a token; returns {status, json, text, headers}.
export async function call(base, method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    h["Content-Type"] = h["Content-Type"] || "application/json";
  }
  const r = await fetch(base + path, { method, headers: h, body: payload });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: r.status, json, text, headers: r.headers };
}

// curl, for the error cases: returns {status, json, text}. `args` are extra curl arguments.
export async function curl(url, args = [], { timeout = 20 } = {}) {
  const { stdout } = await execFileP("curl", ["-sS", "--max-time", String(timeout), "-o", "-", "-w", "\n%{http_code}", ...args, url],
    { maxBuffer: 64 * 1024 * 1024 }).catch((e) => ({ stdout: e.stdout || `\n000` }));
  const nl = stdout.lastIndexOf("\n");
  const text = stdout.slice(0, nl);
  const status = Number(stdout.slice(nl + 1));
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status, json, text };
}

// Registers a user directly on Synapse (open registration, m.login.dummy) and returns its name.
export async function registerOnSynapse(user, password) {
  let r = await call(HS, "POST", "/_matrix/client/v3/register", { body: { username: user, password, inhibit_login: true } });
  if (r.status === 401 && r.json?.session) {
    r = await call(HS, "POST", "/_matrix/client/v3/register",
      { body: { username: user, password, inhibit_login: true, auth: { type: "m.login.dummy", session: r.json.session } } });
  }
  if (r.status !== 200) throw new Error(`register ${user}: ${r.status} ${r.text}`);
  return r.json.user_id;
}

// Logs in through the gateway; returns the login response (access_token is the root token).
export async function login(gw, user, password) {
  const r = await call(gw.url, "POST", "/_matrix/client/v3/login",
    { body: { type: "m.login.password", identifier: { type: "m.id.user", user }, password } });
  if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${r.text}`);
  return r.json;
}

// Mints a subtoken from `token` through the gateway's convenience endpoint.
export async function mint(gw, token, caveats) {
  const r = await call(gw.url, "POST", "/_mxscope/v1/mint", { token, body: caveats });
  if (r.status !== 200) throw new Error(`mint: ${r.status} ${r.text}`);
  return r.json;
}

export async function createRoom(gw, token, body = {}) {
  const r = await call(gw.url, "POST", "/_matrix/client/v3/createRoom", { token, body });
  if (r.status !== 200) throw new Error(`createRoom: ${r.status} ${r.text}`);
  return r.json.room_id;
}

let txn = 0;
export function sendMessage(gw, token, room, body, msgtype = "m.text") {
  txn += 1;
  return call(gw.url, "PUT",
    `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${run}-${txn}`,
    { token, body: { msgtype, body } });
}

// Real homeserver access tokens of a user, read from Synapse's own database (to check that they
// never leave the gateway). Empty when the database cannot be read.
export async function realTokensOf(userId) {
  const db = process.env.MXSCOPE_SYNAPSE_DB || "/var/tmp/mxscope-synapse/data/homeserver.db";
  if (!existsSync(db)) return [];
  try {
    const { stdout } = await execFileP("python3", ["-c",
      "import sqlite3,sys\n" +
      "c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro',uri=True,timeout=5)\n" +
      "print('\\n'.join(r[0] for r in c.execute('select token from access_tokens where user_id=?',(sys.argv[2],))))",
      db, userId]);
    return stdout.split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

// Lists a room in the homeserver's public room directory. The local Synapse keeps its default
// room_list_publication_rules, which let nobody publish through the API, so the test writes the
// flag Synapse's directory reads (rooms.is_public) into its database. Throws when it cannot.
export async function publishOnSynapse(roomId) {
  const db = process.env.MXSCOPE_SYNAPSE_DB || "/var/tmp/mxscope-synapse/data/homeserver.db";
  const { stdout } = await execFileP("python3", ["-c",
    "import sqlite3,sys\n" +
    "c=sqlite3.connect(sys.argv[1],timeout=10)\n" +
    "n=c.execute('update rooms set is_public=1 where room_id=?',(sys.argv[2],)).rowcount\n" +
    "c.commit()\n" +
    "print(n)",
    db, roomId]);
  if (stdout.trim() !== "1") throw new Error(`could not publish ${roomId} in Synapse's directory`);
}

export function fileText(path) {
  return readFileSync(path, "utf8");
}
