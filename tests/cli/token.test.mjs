// `mxscope token mint / inspect / describe / list / revoke` against the real gateway and Synapse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mxscope, onTerminal, startGateway, registerOnSynapse, unique, scratch, noSecrets, call, createRoom, randomId } from "./helpers.mjs";

let gw, tmp, user, userId, env, root, room, roomB, alias;
const password = "pw-" + unique("p");
const roomName = "Backup alerts " + unique("r");

before(async () => {
  gw = await startGateway();
  tmp = scratch();
  user = unique("clitok");
  userId = await registerOnSynapse(user, password);
  env = { XDG_CONFIG_HOME: tmp.sub("xdg") };
  const r = await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"], { env, input: password });
  assert.equal(r.code, 0, r.stderr);
  root = JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME, "mxscope", "login.json"), "utf8")).token;
  const localAlias = unique("backups");
  room = await createRoom(gw.url, root, { name: roomName, room_alias_name: localAlias });
  alias = `#${localAlias}:localhost`;
  roomB = await createRoom(gw.url, root, { name: "Other room" });
});

after(async () => {
  await gw.stop();
  gw.cleanup();
  tmp.cleanup();
});

async function mint(args, opts = {}) {
  const r = await mxscope(["token", "mint", ...args], { env, ...opts, env: { ...env, ...(opts.env || {}) } });
  assert.equal(r.code, 0, `mint ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

async function inspect(token, args = []) {
  const r = await mxscope(["token", "inspect", "-", "--json", ...args], { env, input: token });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("mint from the stored login: the alias is resolved to the room id, and only the token is printed", async () => {
  const r = await mxscope(["token", "mint", "--room", alias, "--allow", "send-text", "--ttl", "1h", "--name", "backup", "--seal"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^mxs1_[A-Za-z0-9_-]+\n$/);
  assert.equal(r.stderr, "", "nothing else when stderr is not a terminal");
  const j = await inspect(r.stdout.trim());
  assert.deepEqual(j.scope.rooms, [room]);
  assert.deepEqual(j.scope.actions, ["send_message"]);
  assert.deepEqual(j.scope.events, [{ action: "send_message", type: "m.room.message", key: "m.text" }]);
  assert.equal(j.scope.name, "backup");
  assert.equal(j.sealed, true);
  assert.equal(j.user_id, userId);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(j.scope.not_after - (now + 3600)) <= 5);
  assert.equal(j.block_count, 2);
  assert.equal(j.status.time, "valid");
  assert.equal(j.status.signature, "verified", "checked against the gateway's published key");
});

test("on a terminal, mint also says on stderr what the new token allows (with the room's name)", async () => {
  const r = await onTerminal(["token", "mint", "--room", room, "--allow", "send-text", "--ttl", "1h"], { env });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^mxs1_[A-Za-z0-9_-]+\r?\n/);
  assert.match(r.output, /The new token \(id [0-9a-f]{12}\) can:/);
  assert.match(r.output, new RegExp(`- Send text messages in ${roomName} as you`));
  assert.match(r.output, /- Expires in (1 hour|59 minutes)/);
});

test("--allow takes SDK action names and shortcuts, comma-separated or repeated; --ttl understands 1h30m, 7d, 2w", async () => {
  const t = await mint(["--room", room, "--allow", "read,react", "--allow", "upload-media", "--ttl", "1h30m"]);
  const j = await inspect(t);
  assert.deepEqual(j.scope.actions, ["read_timeline", "read_state", "send_event", "upload_media"]);
  assert.deepEqual(j.scope.events, [
    { action: "read_timeline", type: "*" },
    { action: "read_state", type: "*" },
    { action: "send_event", type: "m.reaction" },
  ]);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(j.scope.not_after - (now + 5400)) <= 5);
  for (const [ttl, secs] of [["7d", 7 * 86400], ["2w", 14 * 86400], ["90s", 90]]) {
    const k = await inspect(await mint(["--allow", "read", "--ttl", ttl]));
    assert.ok(Math.abs(k.scope.not_after - (Math.floor(Date.now() / 1000) + secs)) <= 5, ttl);
  }
});

test("mint --json gives the token with its ids, scope and description; ids chain to the login", async () => {
  const r = await mxscope(["token", "mint", "--json", "--room", room, "--allow", "read"], { env });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).sort(), ["describe", "family_id", "parent_id", "scope", "token", "token_id"]);
  const rootInfo = await inspect(root);
  assert.equal(j.parent_id, rootInfo.token_id);
  assert.equal(j.family_id, rootInfo.token_id);
  const child = await inspect(j.token);
  assert.equal(child.token_id, j.token_id);
  assert.equal(child.parent_id, j.parent_id);
  assert.ok(j.describe.every((s) => s.kind && s.risk && s.text));
});

test("token describe prints the SDK's sentences: the same as the gateway's, with room names through the gateway", async () => {
  const t = await mint(["--room", room, "--allow", "read,send-text", "--name", "desc"]);
  // What the gateway (the native SDK's describe(), no room names) says about the token.
  const who = await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: t });
  assert.equal(who.status, 200);
  const sdkLines = who.json.describe.map((s) => s.text);
  const offline = await mxscope(["token", "describe", "-", "--offline"], { env, input: t });
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(offline.stdout.trim().split("\n"), sdkLines);
  assert.ok(sdkLines.some((l) => l.includes(room)), "by id when offline");
  // With the gateway configured: the same sentences with the room's name.
  const named = await mxscope(["token", "describe", "-"], { env, input: t });
  assert.equal(named.code, 0);
  assert.deepEqual(named.stdout.trim().split("\n"), sdkLines.map((l) => l.replaceAll(room, roomName)));
  // Without a gateway at all (no login, no MXSCOPE_GATEWAY): ids.
  const bare = await mxscope(["token", "describe", "-"], { env: { XDG_CONFIG_HOME: tmp.sub("xdg-bare") }, input: t });
  assert.deepEqual(bare.stdout.trim().split("\n"), sdkLines);
  const j = await mxscope(["token", "describe", "-", "--json", "--offline"], { env, input: t });
  assert.deepEqual(JSON.parse(j.stdout).describe, who.json.describe);
});

test("token inspect in text shows ids, blocks, expiry, signature and the sentences, never the token", async () => {
  const t = await mint(["--room", room, "--allow", "read", "--ttl", "30m", "--name", "insp"]);
  const r = await mxscope(["token", "inspect", "-"], { env, input: t });
  assert.equal(r.code, 0, r.stderr);
  for (const re of [/^user +@/m, /^token id +[0-9a-f]{32}$/m, /^parent id +[0-9a-f]{32}$/m, /^family id +[0-9a-f]{32} +\(the login\)$/m,
    /^issuer key +[0-9a-f]{8}$/m, /^sealed +no$/m, /^time +valid until /m, /^signature +verified/m,
    /^block 0 \(root\) +no restrictions$/m, /^block 1 +actions: read_timeline, read_state$/m, /name: insp/, /^It can:$/m,
    new RegExp(`Read messages and other events in ${roomName}`)])
    assert.match(r.stdout, re);
  noSecrets(assert, r);
  // The current token by default (the stored login): the root, with no restrictions.
  const d = await mxscope(["token", "inspect", "--offline"], { env });
  assert.match(d.stdout, /^block 0 \(root\) +no restrictions$/m);
  assert.match(d.stdout, /^signature +not checked/m);
});

test("token inspect/describe of a malformed or damaged token exit 3 naming the problem", async () => {
  const t = await mint(["--allow", "read"]);
  const flipped = t.slice(0, 20) + (t[20] === "A" ? "B" : "A") + t.slice(21);
  for (const [input, code] of [["hello", "malformed_token"], [flipped, "bad_checksum"], ["mxs1_", "malformed_token"]]) {
    for (const cmd of ["inspect", "describe"]) {
      const r = await mxscope(["token", cmd, "-", "--json"], { env, input });
      assert.equal(r.code, 3, `${cmd} ${code}`);
      assert.equal(JSON.parse(r.stderr).code, code);
      assert.match(JSON.parse(r.stderr).error, /from standard input is not a valid mxscope token/);
      noSecrets(assert, r);
    }
  }
  const empty = await mxscope(["token", "inspect", "-"], { env, input: "" });
  assert.equal(empty.code, 3);
  assert.match(empty.stderr, /no token on standard input/);
});

test("inspect of a token of another gateway says it was not issued there", async () => {
  const other = await startGateway();
  try {
    const xdg = tmp.sub("xdg-other");
    assert.equal((await mxscope(["login", "--gateway", other.url, "--user", user, "--password-stdin"], { env: { XDG_CONFIG_HOME: xdg }, input: password })).code, 0);
    const foreign = await mint(["--allow", "read"], { env: { XDG_CONFIG_HOME: xdg } });
    const j = await inspect(foreign);  // checked against `gw`, the gateway of `env`
    assert.equal(j.status.signature, "unknown_key");
    const c = await mxscope(["token", "inspect", "-", "--check"], { env, input: foreign });
    assert.equal(c.code, 3);
    assert.match(c.stderr, /not issued by this gateway/);
  } finally {
    await other.stop();
    other.cleanup();
  }
});

test("mint from a token on stdin ('-'), in MXSCOPE_TOKEN or in --token-file: always narrower than that parent", async () => {
  const parent = await mint(["--room", room, "--allow", "read,send-text", "--ttl", "2h"]);
  const pj = await inspect(parent);
  const fromStdin = await mint(["-", "--allow", "read", "--ttl", "10m"], { input: parent });
  const fromEnv = await mint(["--allow", "read_timeline"], { env: { MXSCOPE_TOKEN: parent } });
  const file = tmp.file("parent.token", parent + "\n");
  const fromFile = await mint(["--token-file", file, "--allow", "read"]);
  for (const t of [fromStdin, fromEnv, fromFile]) {
    const j = await inspect(t);
    assert.equal(j.parent_id, pj.token_id);
    assert.deepEqual(j.scope.rooms, [room]);
    assert.ok(j.scope.not_after <= pj.scope.not_after);
  }
  assert.deepEqual((await inspect(fromEnv)).scope.actions, ["read_timeline"]);
  // A scoped parent needs no --allow (it keeps its actions); --ttl alone narrows it.
  const shorter = await mint(["-", "--ttl", "5m"], { input: parent });
  assert.deepEqual((await inspect(shorter)).scope.actions, pj.scope.actions);
});

test("mint refuses to widen (exit 2): more actions, other rooms, a longer life, or a sealed parent", async () => {
  const parent = await mint(["--room", room, "--allow", "read", "--ttl", "1h"]);
  for (const [args, code] of [
    [["--allow", "send-text"], "scope_too_broad"],
    [["--room", roomB], "scope_too_broad"],
    [["--ttl", "2h"], "scope_too_broad"],
    [["--allow", "account"], "scope_too_broad"],
  ]) {
    const r = await mxscope(["token", "mint", "-", "--json", ...args], { env, input: parent });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stderr).code, code);
    noSecrets(assert, r);
  }
  const sealed = await mint(["-", "--seal"], { input: parent });
  const r = await mxscope(["token", "mint", "-", "--allow", "read_timeline"], { env, input: sealed });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the parent token is sealed/);
});

test("mint usage errors exit 1: the root needs --allow, unknown actions, unknown aliases, bad room ids, nothing to restrict", async () => {
  const cases = [
    [[], /say what the new token may do with --allow/],
    [["--ttl", "1h"], /say what the new token may do with --allow/],
    [["--allow", "fly"], /unknown action 'fly'/],
    [["--allow", ","], /name at least one action/],
    [["--allow", "read", "--room", "#nope-" + unique("x") + ":localhost"], /the alias #nope.* does not exist/],
    [["--allow", "read", "--room", "general"], /expected a room id .* or an alias/],
    [["--allow", "read", "--room", "#general"], /needs a server part/],
    [["--allow", "read", "--name", ""], /--name: 1 to 255 bytes/],
  ];
  for (const [args, re] of cases) {
    const r = await mxscope(["token", "mint", ...args], { env });
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const scoped = await mint(["--allow", "read"]);
  const r = await mxscope(["token", "mint", "-"], { env, input: scoped });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nothing to restrict/);
});

test("mint --qr draws a QR code with UTF-8 half blocks instead of printing the token", async () => {
  for (const flag of ["--qr", "--qr-invert"]) {
    const r = await mxscope(["token", "mint", "--room", room, "--allow", "read", "--ttl", "1h", flag], { env });
    assert.equal(r.code, 0, r.stderr);
    noSecrets(assert, r);
    const lines = r.stdout.replace(/\n$/, "").split("\n");
    const width = [...lines[0]].length;
    assert.ok(width >= 25 && width <= 120, `width ${width}`);
    for (const l of lines) {
      assert.equal([...l].length, width, "a square block of equal lines");
      assert.match(l, /^[ \u2580\u2584\u2588]+$/u);
    }
    assert.equal(lines.length, Math.ceil(width / 2), "two modules per line");
    // The quiet zone: light all around (drawn for dark terminals, blank when inverted).
    if (flag === "--qr") assert.match(lines[0], /^\u2588+$/u);
    else assert.match(lines[0], /^ +$/u);
  }
});

// The modules of a half-block QR drawing (true = dark) as a PGM image, scaled up for a decoder.
function qrToPgm(text, invert) {
  const rows = [];
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const top = [], bottom = [];
    for (const ch of line) {
      // Drawn glyph parts are light modules (dark with --qr-invert).
      const t = ch === "\u2588" || ch === "\u2580", b = ch === "\u2588" || ch === "\u2584";
      top.push(invert ? t : !t);
      bottom.push(invert ? b : !b);
    }
    rows.push(top, bottom);
  }
  const scale = 6, border = 4;
  const w = (rows[0].length + 2 * border) * scale, h = (rows.length + 2 * border) * scale;
  const px = Buffer.alloc(w * h, 255);
  rows.forEach((row, y) => row.forEach((dark, x) => {
    if (!dark) return;
    for (let dy = 0; dy < scale; dy++)
      px.fill(0, ((y + border) * scale + dy) * w + (x + border) * scale, ((y + border) * scale + dy) * w + (x + border + 1) * scale);
  }));
  return Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), px]);
}

function hasZbar() {
  try { execFileSync("zbarimg", ["--version"], { stdio: "ignore" }); return true; } catch { return false; }
}

test("the --qr code scans back to a valid token with the scope asked for (zbarimg)", { skip: !hasZbar() && "zbarimg not installed (apt-get install zbar-tools)" }, async () => {
  for (const flag of ["--qr", "--qr-invert"]) {
    // Only the QR is printed: it must decode to a whole token (checksum, signature) with the scope asked for.
    const r = await mxscope(["token", "mint", "--room", room, "--allow", "read", "--name", "qr" + flag, flag], { env });
    assert.equal(r.code, 0, r.stderr);
    const img = join(tmp.dir, `qr${flag}.pgm`);
    writeFileSync(img, qrToPgm(r.stdout, flag === "--qr-invert"));
    const decoded = execFileSync("zbarimg", ["--raw", "-q", img], { encoding: "utf8" }).trim();
    assert.match(decoded, /^mxs1_[A-Za-z0-9_-]+$/);
    const j = await inspect(decoded);  // parses: the checksum matches
    assert.equal(j.scope.name, "qr" + flag);
    assert.deepEqual(j.scope.rooms, [room]);
    assert.equal(j.status.signature, "verified");
  }
});

test("token list shows the login's tokens that were used, with uses, last use and status; --json has the gateway's list", async () => {
  const t = await mint(["--room", room, "--allow", "read,send-text", "--name", "lister"]);
  for (let i = 0; i < 2; i++)
    assert.equal((await mxscope(["send", "--room", room, `list ${i}`], { env: { ...env, MXSCOPE_TOKEN: t } })).code, 0);
  const id = (await inspect(t)).token_id;
  const r = await mxscope(["token", "list"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^TOKEN ID +NAME +USES +LAST USED +STATUS$/m);
  const line = r.stdout.split("\n").find((l) => l.startsWith(id.slice(0, 12)));
  assert.ok(line, r.stdout);
  assert.match(line, /^[0-9a-f]{12} +lister +2 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +active$/);
  noSecrets(assert, r);
  const l = await mxscope(["token", "list", "-l"], { env });
  assert.match(l.stdout, new RegExp(`- Send text messages in ${room.replace(/[.*+?^${}()|[\]\\!]/g, "\\$&")} as you`));
  const j = JSON.parse((await mxscope(["token", "list", "--json"], { env })).stdout);
  const e = j.tokens.find((x) => x.token_id === id);
  assert.equal(e.uses, 2);
  assert.equal(e.name, "lister");
  assert.equal(e.revoked, false);
  assert.ok(Date.now() - e.last_used < 60000);
  // The token itself sees only itself (and what was made from it).
  const own = JSON.parse((await mxscope(["token", "list", "--json"], { env: { ...env, MXSCOPE_TOKEN: t } })).stdout);
  assert.deepEqual(own.tokens.map((x) => x.token_id), [id]);
});

test("token revoke by id prefix, by full id (--json) and by token on stdin; the revoked tokens stop working (exit 3)", async () => {
  const a = await mint(["--room", room, "--allow", "send-text", "--name", "rev-a"]);
  const b = await mint(["--room", room, "--allow", "send-text", "--name", "rev-b"]);
  const c = await mint(["--room", room, "--allow", "send-text", "--name", "rev-c"]);
  const child = await mint(["-", "--name", "rev-a-child"], { input: a });
  for (const t of [a, b, child]) assert.equal((await mxscope(["send", "--room", room, "hi"], { env: { ...env, MXSCOPE_TOKEN: t } })).code, 0);
  const [ia, ib] = [(await inspect(a)).token_id, (await inspect(b)).token_id];

  const r = await mxscope(["token", "revoke", ia.slice(0, 10)], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Revoked token ${ia} and every token made from it`));
  const rj = await mxscope(["token", "revoke", ib, "--json"], { env });
  assert.equal(rj.code, 0, rj.stderr);
  assert.deepEqual({ ...JSON.parse(rj.stdout), family_id: undefined },
    { revoked: ib, ended_login: false, forgot_stored_login: false, family_id: undefined });
  // Revoking by the token itself works even if the gateway never saw it, and needs no login.
  const rs = await mxscope(["token", "revoke", "-", "--gateway", gw.url], { env: { XDG_CONFIG_HOME: tmp.sub("xdg-none") }, input: c });
  assert.equal(rs.code, 0, rs.stderr);

  for (const t of [a, b, c, child]) {
    const s = await mxscope(["send", "--room", room, "after"], { env: { ...env, MXSCOPE_TOKEN: t } });
    assert.equal(s.code, 3);
    assert.match(s.stderr, /This token has been revoked/);
  }
  const list = JSON.parse((await mxscope(["token", "list", "--json"], { env })).stdout);
  for (const id of [ia, ib]) assert.equal(list.tokens.find((x) => x.token_id === id).revoked, true);
  const text = (await mxscope(["token", "list"], { env })).stdout;
  assert.match(text.split("\n").find((l) => l.startsWith(ia.slice(0, 12))), /revoked$/);
});

test("token revoke errors: unknown id (1), bad target (1), another login's token by id (2), damaged token (3), no gateway (4)", async () => {
  const unknown = await mxscope(["token", "revoke", randomId()], { env });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /has not seen a token with this id/);
  const prefix = await mxscope(["token", "revoke", "abcdef"], { env });
  assert.equal(prefix.code, 1);
  assert.match(prefix.stderr, /no token of this login has an id starting with abcdef/);
  for (const bad of ["xyz", "abc", "A".repeat(32), "a".repeat(33)]) {
    const r = await mxscope(["token", "revoke", bad], { env });
    assert.equal(r.code, 1, bad);
  }
  // A second login of the same user: its tokens are not made from this login's root.
  const xdg2 = tmp.sub("xdg-second");
  assert.equal((await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"], { env: { XDG_CONFIG_HOME: xdg2 }, input: password })).code, 0);
  const foreign = await mint(["--allow", "read"], { env: { XDG_CONFIG_HOME: xdg2 } });
  const foreignId = (await inspect(foreign)).token_id;
  assert.equal((await mxscope(["whoami"], { env: { ...env, MXSCOPE_TOKEN: foreign } })).code, 0);  // the gateway sees it
  const r = await mxscope(["token", "revoke", foreignId, "--json"], { env });
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stderr).code, "not_a_descendant");
  assert.match(JSON.parse(r.stderr).error, /refused: A token may revoke only itself and the tokens made from it/);
  // Whoever holds the token itself can revoke it, whatever the current login.
  const own = await mxscope(["token", "revoke", "-"], { env, input: foreign });
  assert.equal(own.code, 0, own.stderr);
  assert.equal((await mxscope(["whoami"], { env: { ...env, MXSCOPE_TOKEN: foreign } })).code, 3);
  const damaged = await mxscope(["token", "revoke", "-"], { env, input: foreign.slice(0, -3) });
  assert.equal(damaged.code, 3);
  const offline = await mxscope(["token", "revoke", randomId(), "--gateway", "http://127.0.0.1:9"], { env });
  assert.equal(offline.code, 4);
});

test("revoking the login's root id ends the login and forgets the stored token", async () => {
  const xdg = tmp.sub("xdg-end");
  assert.equal((await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"], { env: { XDG_CONFIG_HOME: xdg }, input: password })).code, 0);
  const file = join(xdg, "mxscope", "login.json");
  const rootId = (await inspect(JSON.parse(readFileSync(file, "utf8")).token)).token_id;
  const r = await mxscope(["token", "revoke", rootId, "--json"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.ended_login, true);
  assert.equal(j.forgot_stored_login, true);
  const w = await mxscope(["whoami"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(w.code, 3);
});
