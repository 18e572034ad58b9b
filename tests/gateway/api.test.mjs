// The gateway's own API, /_mxscope/v1/: issuer keys, whoami, mint, the tokens of a login with
// their last use and activity log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, registerOnSynapse, unique, login, mint, call, createRoom, sendMessage, freePort, sleep, BIN, HS } from "./helpers.mjs";

let gw, root, room, userId;
const password = "pw-" + unique("p");
const get = (path, token) => call(gw.url, "GET", path, { token });

before(async () => {
  gw = await startGateway();
  const user = unique("apiuser");
  userId = await registerOnSynapse(user, password);
  root = (await login(gw, user, password)).access_token;
  room = await createRoom(gw, root, { name: "api" });
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("keys: the issuer's public key, without authentication; it verifies the gateway's tokens", async () => {
  const r = await get("/_mxscope/v1/keys");
  assert.equal(r.status, 200);
  assert.equal(r.json.keys.length, 1);
  const [k] = r.json.keys;
  assert.match(k.public_key, /^mxpk1_[A-Za-z0-9_-]{43}$/);
  assert.match(k.key_id, /^[0-9a-f]{8}$/);
  assert.equal(k.issuer, true);
  const who = await get("/_mxscope/v1/whoami", root);
  assert.equal(who.status, 200);
  // A gateway that trusts this key (rotation, replicas) accepts the tokens' signatures.
  const g2 = await startGateway({ args: ["--trusted-key", k.public_key] });
  try {
    const r2 = await call(g2.url, "GET", "/_mxscope/v1/keys");
    assert.equal(r2.json.keys.length, 2);
    assert.ok(r2.json.keys.some((x) => x.public_key === k.public_key && x.issuer === false));
    // It has no session for this login, so the token is known-good but has no login there.
    const w = await call(g2.url, "GET", "/_matrix/client/v3/account/whoami", { token: root });
    assert.equal(w.status, 401);
    assert.equal(w.json["org.mxscope.error"], undefined, "the signature was accepted");
  } finally {
    await g2.stop();
    g2.cleanup();
  }
});

test("whoami describes the calling token: ids, user, device, scope and plain-language lines", async () => {
  const r = await get("/_mxscope/v1/whoami", root);
  assert.equal(r.json.user_id, userId);
  assert.equal(r.json.root, true);
  assert.equal(r.json.depth, 0);
  assert.equal(r.json.parent_id, null);
  assert.equal(r.json.token_id, r.json.family_id);
  assert.equal(r.json.scope.full_account, true);
  assert.ok(r.json.describe.some((l) => l.kind === "account"));
  const sub = await mint(gw, root, { actions: ["send_message"], rooms: [room], name: "describe-me", expires_in: 600 });
  const s = await get("/_mxscope/v1/whoami", sub.token);
  assert.equal(s.json.root, false);
  assert.equal(s.json.depth, 1);
  assert.equal(s.json.parent_id, r.json.token_id);
  assert.equal(s.json.family_id, r.json.family_id);
  assert.equal(s.json.token_id, sub.token_id);
  assert.deepEqual(s.json.scope.actions, ["send_message"]);
  assert.deepEqual(s.json.scope.rooms, [room]);
  assert.equal(s.json.name, "describe-me");
  assert.ok(s.json.scope.not_after > Date.now() / 1000);
  assert.ok(s.json.describe.some((l) => l.kind === "permission" && l.text.includes(room)));
});

test("mint narrows the caller's token and refuses to widen it", async () => {
  const a = await mint(gw, root, { actions: ["send_message", "read_timeline"], rooms: [room], seal: false });
  assert.match(a.token, /^mxs1_/);
  let r = await call(gw.url, "POST", "/_mxscope/v1/mint", { token: a.token, body: { actions: ["send_state"] } });
  assert.equal(r.status, 403);
  assert.equal(r.json.errcode, "M_FORBIDDEN");
  assert.equal(r.json["org.mxscope.error"], "scope_too_broad");
  r = await call(gw.url, "POST", "/_mxscope/v1/mint", { token: a.token, body: { actions: ["account"] } });
  assert.equal(r.status, 403);
  const sealed = await mint(gw, a.token, { actions: ["send_message"], seal: true });
  assert.equal(sealed.scope.sealed, true);
  r = await call(gw.url, "POST", "/_mxscope/v1/mint", { token: sealed.token, body: {} });
  assert.equal(r.status, 403);
  assert.equal(r.json["org.mxscope.error"], "token_sealed");
  for (const body of [{ actions: ["fly"] }, { rooms: ["not-a-room"] }, { bogus: 1 }, { name: 5 }, "[1,2]", "{"]) {
    r = await call(gw.url, "POST", "/_mxscope/v1/mint", { token: a.token, body });
    assert.equal(r.status, 400, JSON.stringify(body) + " " + r.text);
    assert.equal(r.json.errcode, "M_INVALID_PARAM");
  }
  // The sealed token still works for what it allows.
  assert.equal((await sendMessage(gw, sealed.token, room, "sealed")).status, 200);
});

test("tokens lists the family's tokens seen so far with last use, uses and an activity log", async () => {
  const child = await mint(gw, root, { actions: ["send_message", "identity"], rooms: [room], name: "lister" });
  const grand = await mint(gw, child.token, { actions: ["send_message"], name: "lister-grand" });
  const sibling = await mint(gw, root, { actions: ["identity"], name: "sibling" });
  const t0 = Date.now();
  assert.equal((await sendMessage(gw, child.token, room, "one")).status, 200);
  assert.equal((await sendMessage(gw, grand.token, room, "two")).status, 200);
  assert.equal((await call(gw.url, "GET", "/_matrix/client/v3/devices", { token: grand.token })).status, 403);
  assert.equal((await get("/_matrix/client/v3/account/whoami", sibling.token)).status, 200);
  await call(gw.url, "POST", "/_mxscope/v1/revoke", { token: root, body: { token_id: grand.token_id } });
  assert.equal((await sendMessage(gw, grand.token, room, "three")).status, 401);

  const all = await get("/_mxscope/v1/tokens?activity=10", root);
  assert.equal(all.status, 200);
  const byId = Object.fromEntries(all.json.tokens.map((t) => [t.token_id, t]));
  for (const t of [child, grand, sibling]) assert.ok(byId[t.token_id], "listed");
  const g = byId[grand.token_id];
  assert.equal(g.parent_id, child.token_id);
  assert.equal(g.depth, 2);
  assert.equal(g.name, "lister-grand");
  assert.equal(g.revoked, true);
  assert.equal(byId[child.token_id].revoked, false);
  assert.ok(g.uses >= 2);
  assert.ok(g.last_used >= t0 - 1000);
  assert.deepEqual(g.scope.actions, ["send_message"]);
  const outcomes = g.activity.map((a) => `${a.status} ${a.outcome}`);
  assert.ok(outcomes.some((o) => o.startsWith("200 forwarded")), outcomes.join("; "));
  assert.ok(outcomes.some((o) => o === "403 denied: root_only"), outcomes.join("; "));
  assert.ok(outcomes.some((o) => o === "401 rejected: token_revoked"), "the attempt after revocation is logged");
  assert.ok(g.activity.every((a) => !a.path.includes("?")), "no query strings in the log");

  // A subtoken sees itself and what was made from it, nothing else.
  const mine = await get("/_mxscope/v1/tokens", child.token);
  const ids = mine.json.tokens.map((t) => t.token_id).sort();
  assert.deepEqual(ids, [child.token_id, grand.token_id].sort());

  // One token's detail with its activity.
  const one = await get(`/_mxscope/v1/tokens/${grand.token_id}?limit=2`, child.token);
  assert.equal(one.status, 200);
  assert.equal(one.json.activity.length, 2);
  assert.equal((await get(`/_mxscope/v1/tokens/${sibling.token_id}`, child.token)).status, 404);
  assert.equal((await get(`/_mxscope/v1/tokens/${child.token_id}/activity`, root)).status, 200);
  assert.equal((await get(`/_mxscope/v1/tokens/xyz`, root)).status, 400);
});

test("configuration by file, overridden by flags; key files and store are private", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mxscope-conf-"));
  const filePort = await freePort();
  const flagPort = await freePort();
  writeFileSync(join(dir, "gateway.conf"), [
    "# mxscope-gateway configuration",
    `homeserver = ${HS}`,
    `listen = 127.0.0.1:${filePort}`,
    `store = ${join(dir, "state.db")}`,
    `issuer_key_file = ${join(dir, "issuer.key")}`,
    `secret_key_file = ${join(dir, "secretbox.key")}`,
    "public_url = https://matrix.example.org/",
    "access_log = false",
    "",
  ].join("\n"));
  const proc = spawn(BIN, ["--config", join(dir, "gateway.conf"), "--listen", `127.0.0.1:${flagPort}`], { stdio: "ignore" });
  try {
    let r;
    for (let i = 0; i < 100; i++) {
      try { r = await fetch(`http://127.0.0.1:${flagPort}/.well-known/matrix/client`); break; } catch { await sleep(25); }
    }
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { "m.homeserver": { base_url: "https://matrix.example.org" } });
    await assert.rejects(fetch(`http://127.0.0.1:${filePort}/_mxscope/v1/keys`), "the flag overrides the file");
    for (const f of ["issuer.key", "secretbox.key", "state.db"]) {
      assert.equal(statSync(join(dir, f)).mode & 0o077, 0, `${f} is private to the gateway`);
    }
    const v = await call(`http://127.0.0.1:${flagPort}`, "GET", "/_matrix/client/versions");
    assert.equal(v.status, 200, "the homeserver came from the file");
  } finally {
    proc.kill();
    await new Promise((res) => proc.on("exit", res));
    rmSync(dir, { recursive: true, force: true });
  }
});
