// `mxscope login` / `logout` / `whoami` against the real gateway and Synapse: where and how the
// root token is stored, and every error exit of logging in and out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { statSync, existsSync, readFileSync, mkdirSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { mxscope, onTerminal, startGateway, registerOnSynapse, unique, scratch, noSecrets, HS, call } from "./helpers.mjs";

let gw, tmp, user, userId;
const password = "pw-" + unique("p");

before(async () => {
  gw = await startGateway();
  tmp = scratch();
  user = unique("cliuser");
  userId = await registerOnSynapse(user, password);
});

after(async () => {
  await gw.stop();
  gw.cleanup();
  tmp.cleanup();
});

const mode = (p) => statSync(p).mode & 0o777;

function login(env, extra = []) {
  return mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin", ...extra], { env, input: password + "\n" });
}

test("login stores the root token in $XDG_CONFIG_HOME/mxscope/login.json: file 0600, directories 0700", async () => {
  const xdg = join(tmp.dir, "xdg-new", "config");  // does not exist yet
  const r = await login({ XDG_CONFIG_HOME: xdg });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Logged in as ${userId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  noSecrets(assert, r, [password]);
  const file = join(xdg, "mxscope", "login.json");
  assert.equal(mode(file), 0o600);
  assert.equal(mode(join(xdg, "mxscope")), 0o700);
  assert.equal(mode(xdg), 0o700, "XDG directories the tool creates are 0700 too");
  const stored = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(stored.user_id, userId);
  assert.equal(stored.gateway, gw.url);
  assert.match(stored.token, /^mxs1_[A-Za-z0-9_-]+$/);
  assert.ok(!readFileSync(file, "utf8").includes(password), "the password is never stored");
  // The stored token is a working root token of the gateway.
  const who = await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: stored.token });
  assert.equal(who.status, 200);
  assert.equal(who.json.root, true);
});

test("login tightens an existing config directory that others can read to 0700", async () => {
  const xdg = tmp.sub("xdg-loose");
  mkdirSync(join(xdg, "mxscope"));
  chmodSync(join(xdg, "mxscope"), 0o755);
  const r = await login({ XDG_CONFIG_HOME: xdg });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(mode(join(xdg, "mxscope")), 0o700);
  assert.equal(mode(join(xdg, "mxscope", "login.json")), 0o600);
});

test("without XDG_CONFIG_HOME the login goes to ~/.config/mxscope; --json prints where", async () => {
  const home = tmp.sub("home");
  const r = await login({ HOME: home }, ["--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.config_file, join(home, ".config", "mxscope", "login.json"));
  assert.equal(out.user_id, userId);
  assert.equal(out.gateway, gw.url);
  assert.ok(out.device_id);
  assert.equal(mode(out.config_file), 0o600);
  // whoami uses the stored login and the gateway it remembers.
  const w = await mxscope(["whoami"], { env: { HOME: home } });
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, new RegExp(`user +${userId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.match(w.stdout, /the login's root token/);
  assert.match(w.stdout, /Full access to your account/);
  noSecrets(assert, w);
  const wj = await mxscope(["whoami", "--json"], { env: { HOME: home } });
  assert.equal(JSON.parse(wj.stdout).user_id, userId);
});

test("on a terminal, login asks for the user and the password, and does not echo the password", async () => {
  const xdg = tmp.sub("xdg-tty");
  const r = await onTerminal(["login", "--gateway", gw.url], { env: { XDG_CONFIG_HOME: xdg }, user, password });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /Matrix user: /);
  assert.match(r.output, new RegExp(`Password for ${user}: `));
  assert.ok(!r.output.includes(password), "the password is not echoed");
  assert.match(r.output, /Logged in as /);
  assert.equal(mode(join(xdg, "mxscope", "login.json")), 0o600);
  // Without a terminal and without --password-stdin there is nobody to ask: exit 1.
  const n = await mxscope(["login", "--gateway", gw.url, "--user", user], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(n.code, 1);
  assert.match(n.stderr, /--password-stdin/);
});

test("MXSCOPE_GATEWAY names the gateway for login", async () => {
  const xdg = tmp.sub("xdg-env");
  const r = await mxscope(["login", "--user", user, "--password-stdin"],
    { env: { XDG_CONFIG_HOME: xdg, MXSCOPE_GATEWAY: gw.url }, input: password });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(xdg, "mxscope", "login.json")));
});

test("a wrong password exits 2 (refused) and stores nothing", async () => {
  const xdg = tmp.sub("xdg-wrong");
  const r = await mxscope(["login", "--gateway", gw.url, "--user", user, "--password-stdin"],
    { env: { XDG_CONFIG_HOME: xdg }, input: "not-the-password\n" });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^mxscope: login refused: /);
  assert.ok(!r.stderr.includes("not-the-password"));
  assert.ok(!existsSync(join(xdg, "mxscope", "login.json")));
});

test("an unreachable gateway exits 4; a homeserver that is not a gateway exits 4 before any password is sent", async () => {
  const xdg = tmp.sub("xdg-unreach");
  const r = await mxscope(["login", "--gateway", "http://127.0.0.1:9", "--user", user, "--password-stdin"],
    { env: { XDG_CONFIG_HOME: xdg }, input: password });
  assert.equal(r.code, 4);
  assert.match(r.stderr, /cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
  const s = await mxscope(["login", "--gateway", HS, "--user", user, "--password-stdin"],
    { env: { XDG_CONFIG_HOME: xdg }, input: password });
  assert.equal(s.code, 4);
  assert.match(s.stderr, /is not an mxscope gateway/);
  assert.ok(!existsSync(join(xdg, "mxscope", "login.json")));
});

test("a gateway whose homeserver is down exits 4 with the gateway's message", async () => {
  const dead = await startGateway({ homeserver: "http://127.0.0.1:9" });
  try {
    const r = await mxscope(["login", "--gateway", dead.url, "--user", user, "--password-stdin"],
      { env: { XDG_CONFIG_HOME: tmp.sub("xdg-dead") }, input: password });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /cannot log in: the gateway answered 502 .*homeserver could not be reached/);
  } finally {
    await dead.stop();
    dead.cleanup();
  }
});

test("the config directory cannot be written: exit 5", async () => {
  const blocker = tmp.file("not-a-dir", "x");
  const r = await login({ XDG_CONFIG_HOME: blocker });  // a file where the directory should be
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /cannot create .*not-a-dir\/mxscope/);
});

test("logout ends the login at the gateway (its tokens stop working) and deletes the stored token", async () => {
  const xdg = tmp.sub("xdg-logout");
  assert.equal((await login({ XDG_CONFIG_HOME: xdg })).code, 0);
  const file = join(xdg, "mxscope", "login.json");
  const root = JSON.parse(readFileSync(file, "utf8")).token;
  const r = await mxscope(["logout"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Logged out .*every token made from it are revoked/);
  assert.ok(!existsSync(file));
  const who = await mxscope(["whoami", "--gateway", gw.url], { env: { XDG_CONFIG_HOME: xdg, MXSCOPE_TOKEN: root } });
  assert.equal(who.code, 3);
  assert.match(who.stderr, /revoked|ended/);
  noSecrets(assert, who);
  // Again: nothing to do, exit 0.
  const again = await mxscope(["logout"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /Not logged in/);
});

test("logout with the gateway unreachable exits 4 and keeps the login; --local forgets it without the gateway", async () => {
  const xdg = tmp.sub("xdg-logout-local");
  assert.equal((await login({ XDG_CONFIG_HOME: xdg })).code, 0);
  const file = join(xdg, "mxscope", "login.json");
  const r = await mxscope(["logout", "--gateway", "http://127.0.0.1:9"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(r.code, 4);
  assert.match(r.stderr, /mxscope logout --local/);
  assert.ok(existsSync(file));
  const root = JSON.parse(readFileSync(file, "utf8")).token;
  const l = await mxscope(["logout", "--local", "--json"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(l.code, 0);
  assert.deepEqual(JSON.parse(l.stdout), { logged_out: true, user_id: userId, local_only: true });
  assert.ok(!existsSync(file));
  // The gateway was not told: the root token still works.
  assert.equal((await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: root })).status, 200);
});

test("a stored login readable by others is used, with a warning naming the fix", async () => {
  const xdg = tmp.sub("xdg-warn");
  assert.equal((await login({ XDG_CONFIG_HOME: xdg })).code, 0);
  const file = join(xdg, "mxscope", "login.json");
  chmodSync(file, 0o644);
  const w = await mxscope(["whoami"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(w.code, 0);
  assert.match(w.stderr, /readable by other users; run: chmod 600 /);
});

test("whoami without any token exits 3 and says where a token can come from", async () => {
  const r = await mxscope(["whoami", "--gateway", gw.url], { env: { XDG_CONFIG_HOME: tmp.sub("xdg-empty") } });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /no token: set MXSCOPE_TOKEN, pass --token-file FILE, or log in first/);
});
