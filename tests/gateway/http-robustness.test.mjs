// The gateway's own HTTP/1.1 server against hostile bytes, over real sockets: a few hundred
// mutations (fixed seed) of three real requests, plus the shapes a parser must refuse. Every
// answer must be well-formed HTTP/1.1 (a Matrix error body for 4xx/5xx) or a closed connection;
// nothing malformed may reach the homeserver (a strict Node HTTP server between the gateway and
// Synapse checks every request it forwards); afterwards the gateway still serves whoami.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import http from "node:http";
import { startGateway, registerOnSynapse, unique, login, createRoom, call, freePort, sleep, HS } from "./helpers.mjs";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
const WHOAMI = "/_matrix/client/v3/account/whoami";
const SEED = 0x6d78736f;  // fixed: the same mutations every run
const MUTANTS = 360;

let gw, upstream, userId, root, room;
const password = "pw-" + unique("p");
const forwarded = [];   // every request the gateway sent to the homeserver
const malformedUpstream = [];  // what the strict parser between them refused, and why

// mulberry32: a small seeded PRNG.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A strict HTTP/1.1 server (Node's llhttp, not the lenient parser) that forwards to Synapse.
function startUpstream(port) {
  const hs = new URL(HS);
  const server = http.createServer((req, res) => {
    forwarded.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders });
    const up = http.request({ host: hs.hostname, port: hs.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
    });
    up.on("error", () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  server.on("clientError", (err, sock) => {
    if (err.code !== "ECONNRESET") malformedUpstream.push(err.code || String(err));
    sock.destroy();
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

before(async () => {
  upstream = await startUpstream(await freePort());
  gw = await startGateway({
    homeserver: `http://127.0.0.1:${upstream.address().port}`,
    args: ["--max-body-bytes", "65536", "--client-timeout", "2"],
  });
  const user = unique("robust");
  userId = await registerOnSynapse(user, password);
  root = (await login(gw, user, password)).access_token;
  room = await createRoom(gw, root, { name: "robustness" });
});

after(async () => {
  await gw?.stop();
  gw?.cleanup();
  await new Promise((r) => (upstream ? upstream.close(r) : r()));
});

// Sends `bytes`, half-closes (so an unfinished request ends instead of waiting for the client
// timeout) and collects everything until the gateway closes. "timeout" if it does not in `ms`.
async function exchange(bytes, ms = 8000) {
  const sock = connect(gw.port, "127.0.0.1");
  const chunks = [];
  let closed = false;
  sock.on("data", (d) => chunks.push(d));
  sock.on("error", () => {});
  const done = new Promise((r) => sock.on("close", () => { closed = true; r(); }));
  await new Promise((r) => sock.on("connect", r));
  sock.end(bytes);
  await Promise.race([done, sleep(ms)]);
  sock.destroy();
  return { data: Buffer.concat(chunks), closed };
}

// Reads the answers in `data`: each must be a complete HTTP/1.1 response (Content-Length framing;
// 4xx/5xx with a Matrix error body). Returns their statuses, or throws saying what is wrong.
function readAnswers(data, headOnly) {
  const statuses = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf("\r\n\r\n", at, "latin1");
    if (end < 0) throw new Error(`an unfinished answer head: ${JSON.stringify(data.subarray(at, at + 200).toString("latin1"))}`);
    const head = data.subarray(at, end).toString("latin1");
    const lines = head.split("\r\n");
    const m = /^HTTP\/1\.1 (\d{3}) [A-Za-z][A-Za-z -]*$/.exec(lines[0]);
    if (!m) throw new Error(`a bad status line: ${JSON.stringify(lines[0])}`);
    const status = Number(m[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const hm = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?([\t\x20-\x7e]*)$/.exec(l);
      if (!hm) throw new Error(`a bad header line: ${JSON.stringify(l)}`);
      headers[hm[1].toLowerCase()] = hm[2];
    }
    at = end + 4;
    if (status < 200) { statuses.push(status); continue; }  // 100 Continue
    const bodiless = status === 204 || status === 304;
    if (!bodiless && !/^\d+$/.test(headers["content-length"] ?? "")) throw new Error(`no Content-Length: ${head}`);
    const length = bodiless || headOnly ? 0 : Number(headers["content-length"]);
    if (at + length > data.length) throw new Error(`a body shorter than its Content-Length: ${head}`);
    const body = data.subarray(at, at + length).toString("utf8");
    at += length;
    if (status >= 400 && !headOnly) {
      let json;
      try { json = JSON.parse(body); } catch {}
      if (!json || typeof json.errcode !== "string" || !/^M_/.test(json.errcode) || typeof json.error !== "string")
        throw new Error(`a ${status} without a Matrix error body: ${body.slice(0, 200)}`);
    }
    statuses.push(status);
  }
  return statuses;
}

// ---- the requests and their mutations ----
function bases() {
  const auth = `Authorization: Bearer ${root}\r\n`;
  const body = JSON.stringify({ msgtype: "m.text", body: "robust" });
  return [
    `GET ${WHOAMI} HTTP/1.1\r\nHost: gw\r\n${auth}\r\n`,
    `PUT /_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/${unique("t")} HTTP/1.1\r\nHost: gw\r\n${auth}` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    `POST /_matrix/client/v3/user/${encodeURIComponent(userId)}/filter HTTP/1.1\r\nHost: gw\r\n${auth}` +
      `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n1\r\n}\r\n0\r\n\r\n`,
  ];
}

function mutations(rand) {
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const int = (n) => Math.floor(rand() * n);
  const insertAt = (s, i, x) => s.slice(0, i) + x + s.slice(i);
  const headEnd = (s) => s.indexOf("\r\n\r\n");
  const headerLines = (s) => s.slice(0, headEnd(s)).split("\r\n").slice(1);
  return {
    "bit flip": (s) => {
      const b = Buffer.from(s, "latin1");
      for (let k = 1 + int(3); k > 0; k--) b[int(b.length)] ^= 1 << int(8);
      return b;
    },
    truncation: (s) => s.slice(0, int(s.length)),
    "duplicated header": (s) => {
      const l = pick(headerLines(s));
      return insertAt(s, headEnd(s) + 2, l + "\r\n");
    },
    "oversized header": (s) => insertAt(s, headEnd(s) + 2, `X-Big: ${"a".repeat(pick([8190, 8200, 70000]))}\r\n`),
    "too many headers": (s) => insertAt(s, headEnd(s) + 2, Array.from({ length: 95 + int(10) }, (_, i) => `X-H${i}: v\r\n`).join("")),
    "bad chunk size": (s) => {
      const head = s.slice(0, headEnd(s) + 4).replace(/Content-Length: \d+\r\n/, "").replace("Transfer-Encoding: chunked\r\n", "");
      const bad = pick(["zz", "-1", "0x2", "ffffffffffffff", "2 2", "", "1;" + "e".repeat(9000), "3", "1\n"]);
      return head.replace("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n") + `${bad}\r\n{}\r\n0\r\n\r\n`;
    },
    "content-length and transfer-encoding": (s) => insertAt(s, headEnd(s) + 2,
      pick(["Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length: +2\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding : chunked\r\n"])),
    "obs-fold": (s) => {
      const i = s.indexOf("\r\n", s.indexOf("\r\n") + 2);
      return insertAt(s, i, pick(["\r\n folded", "\r\n\tfolded", "\r\n Transfer-Encoding: chunked"]));
    },
    "bare LF": (s) => {
      const crlfs = [...s.slice(0, headEnd(s) + 4).matchAll(/\r\n/g)].map((m) => m.index);
      const i = pick(crlfs);
      return s.slice(0, i) + "\n" + s.slice(i + 2);
    },
    "NUL byte": (s) => insertAt(s, int(headEnd(s) + 1), "\0"),
    "control character": (s) => insertAt(s, s.indexOf("Host: gw") + 6, pick(["\x01", "\x7f", "\x1b[2J", "\r"])),
    "absolute-form target": (s) => s.replace(/^(\S+) \//, (m, meth) => `${meth} ${pick(["http://127.0.0.1/", "https://evil.example/", "evil/"])}`),
    "asterisk target": (s) => s.replace(/^\S+ \S+/, pick(["OPTIONS *", "GET *"])),
    CONNECT: () => pick(["CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n", "CONNECT /_matrix/client/v3/account/whoami HTTP/1.1\r\n\r\n"]),
    "other method": (s) => s.replace(/^\S+/, pick(["TRACE", "get", "PROPFIND", "G ET", "GET\t"])),
    "HTTP/0.9": () => `GET ${WHOAMI}\r\n`,
    "bad version": (s) => s.replace(" HTTP/1.1\r\n", pick([" HTTP/2.0\r\n", " HTTP/1.2\r\n", " http/1.1\r\n", " HTTP/1.1 \r\n", "  HTTP/1.1\r\n"])),
    "HTTP/2 preface": () => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\x00\x00\x12\x04\x00\x00\x00\x00\x00",
    "random bytes": () => Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256))),
    "oversized head": (s) => insertAt(s, headEnd(s) + 2, Array.from({ length: 9 }, (_, i) => `X-F${i}: ${"b".repeat(8000)}\r\n`).join("")),
  };
}

test("hostile request bytes get a well-formed answer or a close, never reach the homeserver malformed, and the gateway keeps serving", async (t) => {
  const rand = rng(SEED);
  const muts = mutations(rand);
  const names = Object.keys(muts);
  const cases = [];
  for (let i = 0; i < MUTANTS; i++) {
    const name = names[i % names.length];
    const base = bases()[Math.floor(rand() * 3)];
    cases.push({ name, bytes: muts[name](base) });
  }
  // Unmutated, to prove the checks can pass: each must be answered 2xx.
  for (const b of bases()) cases.push({ name: "unmutated", bytes: b });

  const outcomes = {};  // outcome -> count
  const byMutation = {};
  const failures = [];
  const concurrency = 12;
  for (let i = 0; i < cases.length; i += concurrency) {
    await Promise.all(cases.slice(i, i + concurrency).map(async ({ name, bytes }) => {
      const raw = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "latin1");
      const { data, closed } = await exchange(raw);
      let outcome;
      if (!closed) outcome = "no close (timeout)";
      else {
        try {
          const st = readAnswers(data, raw.subarray(0, 5).toString("latin1") === "HEAD ");
          outcome = st.length === 0 ? "closed without an answer" : st.join("+");
        } catch (e) {
          outcome = "malformed answer";
          failures.push(`${name}: ${e.message}\n  request: ${JSON.stringify(raw.subarray(0, 300).toString("latin1"))}`);
        }
      }
      if (outcome === "no close (timeout)") failures.push(`${name}: the gateway neither answered nor closed`);
      if (name === "unmutated" && !/^2\d\d$/.test(outcome)) failures.push(`unmutated request answered ${outcome}`);
      outcomes[outcome] = (outcomes[outcome] || 0) + 1;
      (byMutation[name] ||= {})[outcome] = (byMutation[name][outcome] || 0) + 1;
    }));
  }
  t.diagnostic(`${cases.length} requests; outcomes: ${Object.entries(outcomes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} x${v}`).join(", ")}`);
  for (const [name, o] of Object.entries(byMutation))
    t.diagnostic(`  ${name}: ${Object.entries(o).map(([k, v]) => `${k} x${v}`).join(", ")}`);
  t.diagnostic(`${forwarded.length} requests reached the homeserver, ${malformedUpstream.length} malformed`);
  assert.deepEqual(failures, [], failures.join("\n"));

  // The homeserver only ever saw well-formed requests.
  assert.deepEqual(malformedUpstream, [], "the strict parser in front of Synapse refused something");
  for (const r of forwarded) {
    assert.ok(METHODS.includes(r.method), `method ${r.method} reached the homeserver`);
    assert.match(r.url, /^\/_matrix\//, `target ${r.url} reached the homeserver`);
    for (const v of r.rawHeaders) assert.doesNotMatch(v, /[\0\r\n]/, "a header with CR, LF or NUL reached the homeserver");
    const names = r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    assert.ok(!(names.includes("content-length") && names.includes("transfer-encoding")), "both framings reached the homeserver");
  }

  // Still alive and serving.
  assert.equal(gw.proc.exitCode, null, "the gateway exited");
  const r = await call(gw.url, "GET", WHOAMI, { token: root });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user_id, userId);
});
