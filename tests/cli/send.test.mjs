// `mxscope send`: the backup-notification case (one cron line, a token from the environment or a
// file) against the real gateway and Synapse, and every way it can fail.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mxscope, onTerminal, shell, startGateway, registerOnSynapse, unique, scratch, noSecrets, call, createRoom, messages } from "./helpers.mjs";

let gw, tmp, user, env, root, room, otherRoom, alias, backupToken;
const password = "pw-" + unique("p");

before(async () => {
  gw = await startGateway();
  tmp = scratch();
  user = unique("clisend");
  await registerOnSynapse(user, password);
  env = { XDG_CONFIG_HOME: tmp.sub("xdg") };
  const r = await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"], { env, input: password });
  assert.equal(r.code, 0, r.stderr);
  root = JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME, "mxscope", "login.json"), "utf8")).token;
  const localAlias = unique("alerts");
  room = await createRoom(gw.url, root, { name: "Alerts", room_alias_name: localAlias });
  alias = `#${localAlias}:localhost`;
  otherRoom = await createRoom(gw.url, root, { name: "Elsewhere" });
  const m = await mxscope(["token", "mint", "--room", room, "--allow", "send-text", "--ttl", "1h", "--name", "backup", "--seal"], { env });
  assert.equal(m.code, 0, m.stderr);
  backupToken = m.stdout.trim();
});

after(async () => {
  await gw.stop();
  gw.cleanup();
  tmp.cleanup();
});

// A clean environment: no stored login, only what a cron job would have.
const cronEnv = () => ({ HOME: tmp.sub("cron-home-" + unique("h")) });

test("the cron one-liner: token from MXSCOPE_TOKEN, silent on success, the message arrives labelled with the token's name", async () => {
  const file = tmp.file("backup.token", backupToken + "\n");
  const body = "backup done " + unique("b");
  const line = `MXSCOPE_GATEWAY=${gw.url} MXSCOPE_TOKEN="$(cat ${file})" mxscope send --room '${room}' '${body}'`;
  const r = await shell(line, { env: cronEnv() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "", "nothing on stdout: cron mails nothing");
  assert.equal(r.stderr, "");
  const [last] = await messages(gw.url, root, room, 5);
  assert.equal(last.content.body, body);
  assert.equal(last.content.msgtype, "m.text");
  assert.deepEqual(last.content["org.mxscope.token"], { name: "backup" });
});

test("the cron one-liner with --token-file and a job: `job && mxscope send ...`", async () => {
  const file = tmp.file("backup2.token", backupToken);
  const body = "nightly " + unique("n");
  const r = await shell(`true && mxscope --gateway ${gw.url} send --token-file ${file} --room '${room}' ${body}`, { env: cronEnv() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, "");
  assert.equal((await messages(gw.url, root, room, 5))[0].content.body, body);
});

test("the message can come from standard input ('-' or a pipe); an alias works as the room; --json prints the event id", async () => {
  const s = await mxscope(["send", "--room", alias, "-", "--json"], { env: { ...env, MXSCOPE_TOKEN: backupToken }, input: "line one\nline two\n" });
  assert.equal(s.code, 0, s.stderr);
  const j = JSON.parse(s.stdout);
  assert.equal(j.room_id, room);
  assert.match(j.event_id, /^\$/);
  const [last] = await messages(gw.url, root, room, 5);
  assert.equal(last.event_id, j.event_id);
  assert.equal(last.content.body, "line one\nline two");
  const p = await shell(`echo piped | mxscope send --room '${room}'`, { env: { ...cronEnv(), MXSCOPE_GATEWAY: gw.url, MXSCOPE_TOKEN: backupToken } });
  assert.equal(p.code, 0, p.stderr);
  assert.equal((await messages(gw.url, root, room, 5))[0].content.body, "piped");
});

test("on a terminal, send prints the event id", async () => {
  const r = await onTerminal(["send", "--room", room, "interactive"], { env: { ...env, MXSCOPE_TOKEN: backupToken } });
  assert.equal(r.code, 0, r.output);
  const [last] = await messages(gw.url, root, room, 5);
  assert.equal(r.output.trim(), last.event_id);
});

test("--notice and --emote set the msgtype; with the stored root token any msgtype is allowed", async () => {
  const n = await mxscope(["send", "--room", room, "--notice", "a notice"], { env });
  assert.equal(n.code, 0, n.stderr);
  assert.equal((await messages(gw.url, root, room, 5))[0].content.msgtype, "m.notice");
  const e = await mxscope(["send", "--room", room, "--emote", "waves"], { env });
  assert.equal(e.code, 0, e.stderr);
  assert.equal((await messages(gw.url, root, room, 5))[0].content.msgtype, "m.emote");
});

test("refused (exit 2): another room, another msgtype, a room the user is not in; the message says why", async () => {
  const benv = { ...env, MXSCOPE_TOKEN: backupToken };
  const other = await mxscope(["send", "--room", otherRoom, "x"], { env: benv });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /^mxscope: cannot send the message to !.*: refused: block 1 allows only rooms /);
  assert.equal(other.stderr.trim().split("\n").length, 1);
  noSecrets(assert, other);
  const notice = await mxscope(["send", "--room", room, "--notice", "x", "--json"], { env: benv });
  assert.equal(notice.code, 2);
  assert.equal(JSON.parse(notice.stderr).code, "event_not_allowed");
  // The root token may post anywhere, but the homeserver refuses a room the user is not in.
  const sx = await mxscope(["send", "--room", "!notjoined" + unique("r") + ":localhost", "x", "--json"], { env });
  assert.equal(sx.code, 2, sx.stderr);
  assert.equal(JSON.parse(sx.stderr).code, "forbidden");
});

test("expired (exit 3): a clear message that says to mint a new token", async () => {
  // A token that expired an hour ago, minted through the gateway's token API.
  const m = await call(gw.url, "POST", "/_mxscope/v1/mint",
    { token: root, body: { rooms: [room], actions: ["send_message"], not_after: Math.floor(Date.now() / 1000) - 3600 } });
  assert.equal(m.status, 200, m.text);
  const r = await shell(`MXSCOPE_TOKEN=${m.json.token} mxscope send --room '${room}' 'backup done'`, { env: { ...cronEnv(), MXSCOPE_GATEWAY: gw.url } });
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^mxscope: cannot send the message to !.*: This token has expired \(mint a new one: mxscope token mint\)\n$/);
  noSecrets(assert, r);
  const j = await mxscope(["send", "--room", room, "x", "--json"], { env: { ...env, MXSCOPE_TOKEN: m.json.token } });
  assert.equal(JSON.parse(j.stderr).code, "token_expired");
  // inspect says so too, offline.
  const i = await mxscope(["token", "inspect", "-", "--json", "--offline"], { env, input: m.json.token });
  assert.equal(JSON.parse(i.stdout).status.time, "expired");
});

test("revoked (exit 3), and a token whose login has ended (exit 3)", async () => {
  const t = (await mxscope(["token", "mint", "--room", room, "--allow", "send-text"], { env })).stdout.trim();
  assert.equal((await mxscope(["token", "revoke", "-"], { env, input: t })).code, 0);
  const r = await mxscope(["send", "--room", room, "x", "--json"], { env: { ...env, MXSCOPE_TOKEN: t } });
  assert.equal(r.code, 3);
  assert.equal(JSON.parse(r.stderr).code, "token_revoked");
  assert.match(JSON.parse(r.stderr).error, /This token has been revoked/);

  // A separate login, logged out: every token made from it fails.
  const xdg = tmp.sub("xdg-ended");
  assert.equal((await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"], { env: { XDG_CONFIG_HOME: xdg }, input: password })).code, 0);
  const orphan = (await mxscope(["token", "mint", "--allow", "send-text"], { env: { XDG_CONFIG_HOME: xdg } })).stdout.trim();
  assert.equal((await mxscope(["logout"], { env: { XDG_CONFIG_HOME: xdg } })).code, 0);
  const o = await mxscope(["send", "--room", room, "x", "--gateway", gw.url], { env: { XDG_CONFIG_HOME: xdg, MXSCOPE_TOKEN: orphan } });
  assert.equal(o.code, 3);
  assert.match(o.stderr, /revoked|has ended/);
});

test("a bad token exits 3 before any network: malformed, damaged, empty token file, no token at all", async () => {
  const nowhere = { MXSCOPE_GATEWAY: "http://127.0.0.1:9", HOME: tmp.sub("bad-home") };
  const damaged = backupToken.slice(0, 30) + (backupToken[30] === "x" ? "y" : "x") + backupToken.slice(31);
  for (const [token, code] of [["hunter2", "malformed_token"], [damaged, "bad_checksum"], [backupToken.slice(0, 40), "bad_checksum"]]) {
    const r = await mxscope(["send", "--room", room, "x", "--json"], { env: { ...nowhere, MXSCOPE_TOKEN: token } });
    assert.equal(r.code, 3, r.stderr);
    const e = JSON.parse(r.stderr);
    assert.ok(e.code === code || e.code === "malformed_token", e.code);
    assert.match(e.error, /the token from MXSCOPE_TOKEN is not a valid mxscope token/);
    assert.ok(!r.stderr.includes(token), "the token is never echoed");
  }
  const empty = tmp.file("empty.token", "\n");
  const f = await mxscope(["send", "--room", room, "x", "--token-file", empty], { env: nowhere });
  assert.equal(f.code, 3);
  assert.match(f.stderr, /the token file .* is empty/);
  const none = await mxscope(["send", "--room", room, "x"], { env: nowhere });
  assert.equal(none.code, 3);
  assert.match(none.stderr, /no token: set MXSCOPE_TOKEN/);
});

test("a token file that cannot be read exits 5; one readable by others works with a warning", async () => {
  const r = await mxscope(["send", "--room", room, "x", "--token-file", join(tmp.dir, "missing.token")], { env: { MXSCOPE_GATEWAY: gw.url } });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /cannot read the token file .*missing\.token: No such file or directory/);
  const loose = tmp.file("loose.token", backupToken, 0o644);
  const w = await mxscope(["send", "--room", room, "loose", "--token-file", loose], { env: { MXSCOPE_GATEWAY: gw.url } });
  assert.equal(w.code, 0);
  assert.match(w.stderr, /readable by other users; run: chmod 600 /);
});

test("network and gateway errors exit 4: unreachable gateway, homeserver down behind the gateway, unknown alias is 1", async () => {
  const r = await mxscope(["send", "--room", room, "x"], { env: { MXSCOPE_GATEWAY: "http://127.0.0.1:9", MXSCOPE_TOKEN: backupToken } });
  assert.equal(r.code, 4);
  assert.match(r.stderr, /^mxscope: cannot reach the gateway at http:\/\/127\.0\.0\.1:9: connection failed/);
  noSecrets(assert, r);
  // A second gateway on the same store and keys, in front of a homeserver that is down: 502.
  const dead = await startGateway({ dir: gw.dir, homeserver: "http://127.0.0.1:9" });
  try {
    const d = await mxscope(["send", "--room", room, "x", "--json"], { env: { MXSCOPE_GATEWAY: dead.url, MXSCOPE_TOKEN: backupToken } });
    assert.equal(d.code, 4, d.stderr);
    const e = JSON.parse(d.stderr);
    assert.equal(e.code, "gateway_error");
    assert.match(e.error, /502.*homeserver could not be reached/);
  } finally {
    await dead.stop();
  }
  const a = await mxscope(["send", "--room", "#missing-" + unique("a") + ":localhost", "x"], { env: { MXSCOPE_GATEWAY: gw.url, MXSCOPE_TOKEN: backupToken } });
  assert.equal(a.code, 1);
  assert.match(a.stderr, /does not exist/);
  // Not a gateway at all (a plain web answer): 4, and the user is told what is wrong.
  const n = await mxscope(["send", "--room", room, "x"], { env: { MXSCOPE_GATEWAY: gw.url + "/nothing-here", MXSCOPE_TOKEN: backupToken } });
  assert.equal(n.code, 4);
  assert.match(n.stderr, /the gateway answered 404 M_UNRECOGNIZED/);
});
