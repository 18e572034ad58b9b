// Every error case, checked with curl against a real gateway and the real Synapse: bad, oversized,
// missing, foreign, expired and revoked tokens, denials, huge bodies, slow clients, the homeserver
// down or slow, the store unavailable. Each answer must be a Matrix error body; no answer and no
// log line may contain a secret.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, connect } from "node:net";
import { readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  startGateway, registerOnSynapse, unique, login, mint, call, curl, createRoom, freePort, sleep, realTokensOf, BIN,
} from "./helpers.mjs";

let gw, user, userId, root, room, otherRoom, sub;
const password = "pw-" + unique("p");
const answers = [];  // every answer body, checked for secrets at the end
const secrets = [];  // every token text handed out

async function c(path, args = [], opts) {
  const r = await curl(gw.url + path, args, opts);
  answers.push(r.text);
  return r;
}
const auth = (t) => ["-H", `Authorization: Bearer ${t}`];
const WHOAMI = "/_matrix/client/v3/account/whoami";

function matrixError(r, status, errcode) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.json, `a JSON body: ${r.text}`);
  if (errcode) assert.equal(r.json.errcode, errcode, r.text);
  else assert.match(r.json.errcode, /^M_/);
  assert.equal(typeof r.json.error, "string");
}

before(async () => {
  gw = await startGateway({ args: ["--max-body-bytes", "1048576", "--client-timeout", "2"] });
  user = unique("erruser");
  userId = await registerOnSynapse(user, password);
  root = (await login(gw, user, password)).access_token;
  room = await createRoom(gw, root, { name: "errors" });
  otherRoom = await createRoom(gw, root, { name: "elsewhere" });
  sub = await mint(gw, root, { actions: ["send_message", "read_timeline", "identity"], rooms: [room], name: "err-bot" });
  secrets.push(root, sub.token);
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("missing, non-bearer and empty Authorization: 401 M_MISSING_TOKEN", async () => {
  matrixError(await c(WHOAMI), 401, "M_MISSING_TOKEN");
  matrixError(await c(WHOAMI, ["-H", "Authorization: Basic YWxpY2U6cGFzcw=="]), 401, "M_MISSING_TOKEN");
  matrixError(await c(WHOAMI, ["-H", "Authorization: Bearer "]), 401, "M_MISSING_TOKEN");
  matrixError(await c(WHOAMI + "?access_token="), 401, "M_MISSING_TOKEN");
  matrixError(await c("/_mxscope/v1/tokens"), 401, "M_MISSING_TOKEN");
});

test("garbage, damaged, foreign-format and ambiguous tokens: 401 M_UNKNOWN_TOKEN", async () => {
  for (const bad of ["garbage", "mxs1_", "mxs1_!!!!", "mxs2_AAAA", "syt_YWxpY2U_realhomeservertoken_0000", "\u00e9t\u00e9"]) {
    const r = await c(WHOAMI, auth(bad));
    matrixError(r, 401, "M_UNKNOWN_TOKEN");
    assert.equal(r.json.soft_logout, false);
  }
  // One character changed: the checksum says it was damaged.
  const i = 40;
  const flipped = root.slice(0, i) + (root[i] === "A" ? "B" : "A") + root.slice(i + 1);
  const r = await c(WHOAMI, auth(flipped));
  matrixError(r, 401, "M_UNKNOWN_TOKEN");
  assert.equal(r.json["org.mxscope.error"], "bad_checksum");
  // Truncated.
  matrixError(await c(WHOAMI, auth(root.slice(0, root.length - 10))), 401, "M_UNKNOWN_TOKEN");
  // Two Authorization headers, or a header and a query parameter.
  matrixError(await c(WHOAMI, [...auth(root), "-H", `Authorization: Bearer ${sub.token}`]), 401, "M_UNKNOWN_TOKEN");
  matrixError(await c(WHOAMI + `?access_token=${sub.token}`, auth(root)), 401, "M_UNKNOWN_TOKEN");
  // The query parameter alone works (and is not passed on).
  const q = await c(WHOAMI + `?access_token=${root}`);
  assert.equal(q.status, 200);
  assert.equal(q.json.user_id, userId);
});

test("oversized Authorization headers are refused with a Matrix error, not a crash", async () => {
  const big = "mxs1_" + "A".repeat(7000);
  matrixError(await c(WHOAMI, auth(big)), 401, "M_UNKNOWN_TOKEN");
  const huge = "mxs1_" + "A".repeat(20000);
  const r = await c(WHOAMI, auth(huge));
  assert.ok([400, 401, 431].includes(r.status), `status ${r.status}`);
  assert.ok(r.json?.errcode, r.text);
  // Still serving.
  assert.equal((await c(WHOAMI, auth(root))).status, 200);
});

test("a token signed by another gateway's key: 401 M_UNKNOWN_TOKEN (unknown_key)", async () => {
  const other = await startGateway();
  try {
    const foreign = (await login(other, user, password)).access_token;
    secrets.push(foreign);
    const r = await c(WHOAMI, auth(foreign));
    matrixError(r, 401, "M_UNKNOWN_TOKEN");
    assert.equal(r.json["org.mxscope.error"], "unknown_key");
    const s = await c(WHOAMI, auth((await mint(other, foreign, { actions: ["identity"] })).token));
    assert.equal(s.json["org.mxscope.error"], "unknown_key");
  } finally {
    await other.stop();
    other.cleanup();
  }
});

test("expired, not-yet-valid and revoked tokens: 401 M_UNKNOWN_TOKEN with the reason", async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await mint(gw, root, { actions: ["identity"], not_after: now - 120 });
  let r = await c(WHOAMI, auth(expired.token));
  matrixError(r, 401, "M_UNKNOWN_TOKEN");
  assert.equal(r.json["org.mxscope.error"], "token_expired");
  const future = await mint(gw, root, { actions: ["identity"], not_before: now + 3600 });
  r = await c(WHOAMI, auth(future.token));
  assert.equal(r.json["org.mxscope.error"], "token_not_yet_valid");
  const shortLived = await mint(gw, root, { actions: ["identity"], expires_in: 3600 });
  assert.equal((await c(WHOAMI, auth(shortLived.token))).status, 200);
  const doomed = await mint(gw, root, { actions: ["identity"] });
  assert.equal((await c("/_mxscope/v1/revoke", [...auth(doomed.token), "-X", "POST", "-d", "{}"])).status, 200);
  r = await c(WHOAMI, auth(doomed.token));
  matrixError(r, 401, "M_UNKNOWN_TOKEN");
  assert.equal(r.json["org.mxscope.error"], "token_revoked");
});

test("denials: 403 M_FORBIDDEN with the SDK's reason; unknown and root-only endpoints refused to subtokens", async () => {
  const send = (rm, t, body = '{"msgtype":"m.text","body":"x"}') =>
    c(`/_matrix/client/v3/rooms/${encodeURIComponent(rm)}/send/m.room.message/${unique("t")}`, [...auth(t), "-X", "PUT", "-d", body]);
  assert.equal((await send(room, sub.token)).status, 200);
  let r = await send(otherRoom, sub.token);
  matrixError(r, 403, "M_FORBIDDEN");
  assert.equal(r.json["org.mxscope.reason"], "room_not_allowed");
  assert.match(r.json.error, /allows only rooms/);
  r = await c(`/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.topic`, [...auth(sub.token), "-X", "PUT", "-d", '{"topic":"x"}']);
  matrixError(r, 403, "M_FORBIDDEN");
  assert.equal(r.json["org.mxscope.reason"], "action_not_allowed");
  r = await c("/_matrix/client/v3/devices", auth(sub.token));
  matrixError(r, 403, "M_FORBIDDEN");
  assert.equal(r.json["org.mxscope.reason"], "root_only");
  for (const path of ["/_matrix/client/v3/createRoom", "/_matrix/client/v3/initialSync", "/_matrix/client/v3/events",
    "/_synapse/admin/v1/server_version", "/_matrix/client/v3/account/whoami/../../devices"]) {
    r = await c(path, [...auth(sub.token), "-X", path.includes("createRoom") ? "POST" : "GET", "-d", "{}", "--path-as-is"]);
    matrixError(r, 403, "M_FORBIDDEN");
    assert.equal(r.json["org.mxscope.reason"], "unknown_endpoint", path);
  }
  // Percent-encoded room ids are decoded before the room check.
  r = await c(`/_matrix/client/v3/rooms/${encodeURIComponent(otherRoom).replace("%3A", "%3a")}/messages`, auth(sub.token));
  matrixError(r, 403, "M_FORBIDDEN");
  // The root passes where subtokens do not.
  assert.equal((await c("/_matrix/client/v3/devices", auth(root))).status, 200);
  // A body that is not JSON still goes to the homeserver, which says so.
  r = await send(room, root, "not json");
  matrixError(r, 400, "M_NOT_JSON");
});

test("requests outside the client-server API: 404 M_UNRECOGNIZED", async () => {
  matrixError(await c("/"), 404, "M_UNRECOGNIZED");
  matrixError(await c("/_matrix/federation/v1/version"), 404, "M_UNRECOGNIZED");
  matrixError(await c("/_mxscope/v1/nothing", auth(root)), 404, "M_UNRECOGNIZED");
  // Open endpoints need no token and get none.
  const v = await c("/_matrix/client/versions");
  assert.equal(v.status, 200);
  assert.ok(Array.isArray(v.json.versions));
});

test("a huge body: 413 M_TOO_LARGE; the gateway keeps serving", async () => {
  const body = join(mkdtempSync(join(tmpdir(), "mxscope-body-")), "big.json");
  spawnSync("sh", ["-c", `head -c 3000000 /dev/zero | tr '\\0' 'a' > ${body}`]);
  const r = await c(`/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${unique("big")}`,
    [...auth(root), "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", `@${body}`]);
  matrixError(r, 413, "M_TOO_LARGE");
  assert.equal((await c(WHOAMI, auth(root))).status, 200);
});

test("a slow client is cut off after the client timeout without holding up others", async () => {
  const sock = connect(gw.port, "127.0.0.1");
  await new Promise((r) => sock.on("connect", r));
  sock.write("GET /_matrix/client/v3/account/whoami HTTP/1.1\r\nHost: x\r\nAuthor");  // and nothing more
  // The gateway gives up on the request when the client timeout passes: it answers 400 (with a
  // Matrix error body) or closes the connection.
  let received = "";
  const cutOff = new Promise((resolve) => {
    // Resolve once the whole answer is in: headers and Content-Length bytes of body (they may
    // arrive in separate packets).
    sock.on("data", (d) => {
      received += d.toString();
      const end = received.indexOf("\r\n\r\n");
      const length = /content-length:\s*(\d+)/i.exec(received);
      if (end >= 0 && (!length || received.length >= end + 4 + Number(length[1]))) resolve("answered");
    });
    sock.on("close", () => resolve("closed"));
  });
  sock.on("error", () => {});
  const t0 = Date.now();
  assert.equal((await c(WHOAMI, auth(root))).status, 200, "others are served meanwhile");
  const how = await Promise.race([cutOff, sleep(8000).then(() => "still waiting")]);
  const waited = Date.now() - t0;
  assert.notEqual(how, "still waiting", "the slow request was not cut off");
  assert.ok(waited >= 1500 && waited < 7000, `cut off after ${waited} ms`);
  if (how === "answered") {
    assert.match(received, /^HTTP\/1\.1 400/);
    assert.match(received, /"errcode":"M_UNKNOWN"/);
  }
  sock.destroy();
});

// Raw HTTP/1.1 on one connection: writes `parts` (strings or functions that write on their own),
// then collects what the gateway answers until it closes the connection or `ms` pass.
async function rawExchange(parts, ms = 6000) {
  const sock = connect(gw.port, "127.0.0.1");
  await new Promise((r, j) => { sock.on("connect", r); sock.on("error", j); });
  let received = "";
  sock.on("data", (d) => { received += d.toString("latin1"); });
  sock.on("error", () => {});
  const closed = new Promise((r) => sock.on("close", r));
  for (const p of parts) {
    if (sock.destroyed) break;
    if (typeof p === "function") await p(sock);
    else sock.write(p);
  }
  await Promise.race([closed, sleep(ms)]);
  sock.destroy();
  answers.push(received);
  return received;
}
// Status lines (an answer's body is followed directly by the next answer's status line).
const statuses = (text) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) [A-Z]/g)].map((m) => Number(m[1]));

test("request framing: smuggling shapes are refused, pipelined requests answered in order", async () => {
  const head = (extra) => `POST /_matrix/client/v3/user/${encodeURIComponent(userId)}/filter HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${root}\r\nContent-Type: application/json\r\n${extra}\r\n`;
  // Content-Length and Transfer-Encoding together, or two different lengths: ambiguous, refused.
  let got = await rawExchange([head("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "2\r\n{}\r\n0\r\n\r\n"]);
  assert.deepEqual(statuses(got), [400], got);
  got = await rawExchange([head("Content-Length: 2\r\nContent-Length: 3\r\n") + "{}x"]);
  assert.deepEqual(statuses(got), [400], got);
  got = await rawExchange([head("Transfer-Encoding: gzip, chunked\r\n") + "2\r\n{}\r\n0\r\n\r\n"]);
  assert.deepEqual(statuses(got), [400], got);
  // Two requests in one write: two answers, in order, on the same connection.
  const get = (path) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${root}\r\n\r\n`;
  got = await rawExchange([get(WHOAMI) + get("/_matrix/client/v3/nothing-here") + get(WHOAMI).replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n")]);
  assert.deepEqual(statuses(got), [200, 404, 200], got);
  assert.equal((got.match(new RegExp(`"user_id":"${userId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`, "g")) || []).length, 2, got);
  // A chunked body the homeserver accepts.
  got = await rawExchange([head("Transfer-Encoding: chunked\r\nConnection: close\r\n") + "1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"]);
  assert.deepEqual(statuses(got), [200], got);
  assert.match(got, /"filter_id"/);
});

test("chunked bodies cannot make the gateway buffer unbounded framing or trailers", async () => {
  const head = `PUT /_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${unique("chunk")} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${root}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  // 1-byte chunks, each with an 8 KB chunk extension: a 1 MiB body limit would otherwise let the
  // client push gigabytes of framing. Refused once the framing passes its allowance.
  const ext = ";" + "e".repeat(8000);
  let got = await rawExchange([head, async (sock) => {
    for (let i = 0; i < 400 && !sock.destroyed; i++) {
      if (!sock.write(`1${ext}\r\na\r\n`)) await new Promise((r) => sock.once("drain", r).once("close", r));
    }
  }]);
  assert.deepEqual(statuses(got), [413], got);
  assert.match(got, /"errcode":"M_TOO_LARGE"/);
  // Endless trailers after the last chunk: refused, not buffered forever.
  got = await rawExchange([head + "2\r\n{}\r\n0\r\n", async (sock) => {
    for (let i = 0; i < 200 && !sock.destroyed; i++) {
      if (!sock.write(`X-Trailer-${i}: ${"t".repeat(1000)}\r\n`)) await new Promise((r) => sock.once("drain", r).once("close", r));
    }
  }]);
  assert.deepEqual(statuses(got), [400], got);
  assert.equal((await c(WHOAMI, auth(root))).status, 200, "the gateway keeps serving");
});

test("homeserver down: 502 with a Matrix error body", async () => {
  const dead = await freePort();
  const g = await startGateway({ dir: gw.dir, homeserver: `http://127.0.0.1:${dead}` });
  try {
    let r = await curl(g.url + WHOAMI, auth(root));
    matrixError(r, 502, "M_UNKNOWN");
    r = await curl(g.url + "/_matrix/client/v3/login", ["-X", "POST", "-d", JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user }, password })]);
    matrixError(r, 502, "M_UNKNOWN");
    r = await curl(g.url + "/_matrix/client/versions");
    matrixError(r, 502, "M_UNKNOWN");
    // Token checks still happen first.
    r = await curl(g.url + WHOAMI, auth("garbage"));
    matrixError(r, 401, "M_UNKNOWN_TOKEN");
  } finally {
    await g.stop();
  }
});

test("homeserver too slow: 504 with a Matrix error body, within the upstream timeout", async () => {
  const held = [];
  const slow = createServer((s) => { held.push(s); s.on("error", () => {}); });  // accepts, never answers
  await new Promise((r) => slow.listen(0, "127.0.0.1", r));
  const g = await startGateway({ dir: gw.dir, homeserver: `http://127.0.0.1:${slow.address().port}`, args: ["--upstream-timeout", "1"] });
  try {
    const t0 = Date.now();
    const r = await curl(g.url + WHOAMI, auth(root));
    matrixError(r, 504, "M_UNKNOWN");
    assert.ok(Date.now() - t0 < 4000);
  } finally {
    await g.stop();
    held.forEach((s) => s.destroy());
    slow.close();
  }
});

test("store unavailable: 503, failing closed, and back when it returns", async () => {
  const g = await startGateway({ dir: gw.dir, args: ["--store-timeout-ms", "200", "--store-check-ms", "50"] });
  const db = join(gw.dir, "gateway.db");
  // Another process takes the store's write lock and keeps it.
  const locker = spawn("python3", ["-c",
    "import sqlite3,sys,time\n" +
    "c=sqlite3.connect(sys.argv[1],isolation_level=None,timeout=5)\n" +
    "c.execute('BEGIN EXCLUSIVE')\nprint('locked',flush=True)\nsys.stdin.read()\n", db], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    await new Promise((resolve) => locker.stdout.once("data", resolve));
    let r;
    for (let i = 0; i < 40; i++) {
      r = await curl(g.url + WHOAMI, auth(root));
      if (r.status === 503) break;
      await sleep(50);
    }
    matrixError(r, 503, "M_UNKNOWN");
    matrixError(await curl(g.url + "/_mxscope/v1/revoke", [...auth(sub.token), "-X", "POST", "-d", "{}"]), 503, "M_UNKNOWN");
    matrixError(await curl(g.url + "/_matrix/client/v3/login", ["-X", "POST", "-d",
      JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user }, password })]), 503, "M_UNKNOWN");
  } finally {
    locker.stdin.end();
    await new Promise((r) => locker.on("exit", r));
  }
  let r;
  for (let i = 0; i < 60; i++) {
    r = await curl(g.url + WHOAMI, auth(root));
    if (r.status === 200) break;
    await sleep(50);
  }
  assert.equal(r.status, 200, "serving again once the store is back");
  assert.equal((await curl(g.url + WHOAMI, auth(sub.token))).status, 200, "the refused revocation did not happen");
  await g.stop();
  assert.match(g.log(), /store unavailable/);
});

test("a store that cannot be opened stops the gateway from starting", async () => {
  const r = spawnSync(BIN, ["--store", "/nonexistent/dir/gateway.db", "--listen", "127.0.0.1:0",
    "--issuer-key-file", join(gw.dir, "issuer.key"), "--secret-key-file", join(gw.dir, "secretbox.key")], { encoding: "utf8", timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot start/);
  const bad = spawnSync(BIN, ["--no-such-flag", "1"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown setting/);
});

test("no secret in any answer or log line: root and subtokens, real tokens, key files", async () => {
  const real = await realTokensOf(userId);
  const keys = [readFileSync(join(gw.dir, "issuer.key"), "utf8").trim(), readFileSync(join(gw.dir, "secretbox.key"), "utf8").trim()];
  const log = gw.log();
  assert.ok(log.length > 1000, "the gateway logged");
  for (const s of [...secrets, ...real, ...keys]) {
    assert.ok(!log.includes(s), "a secret appears in the log");
    for (const a of answers) assert.ok(!a.includes(s), "a secret appears in an answer");
  }
  // The real token is stored encrypted.
  const db = readFileSync(join(gw.dir, "gateway.db"));
  const wal = (() => { try { return readFileSync(join(gw.dir, "gateway.db-wal")); } catch { return Buffer.alloc(0); } })();
  for (const t of real) {
    assert.ok(!db.includes(Buffer.from(t)) && !wal.includes(Buffer.from(t)), "a real token is stored in clear");
  }
  assert.ok(real.length > 0 || !process.env.CI, "Synapse's database was readable (real tokens checked)");
});
