// Revocation through the gateway against real Synapse: effective on the next request, the
// self/descendant rule, logout, and persistence across restart and kill -9.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startGateway, registerOnSynapse, unique, login, mint, call, createRoom, sendMessage, sleep,
} from "./helpers.mjs";

let gw, user, root, room;
const password = "pw-" + unique("p");

const whoami = (token, g = gw) => call(g.url, "GET", "/_matrix/client/v3/account/whoami", { token });
const revoke = (token, body = {}, g = gw) => call(g.url, "POST", "/_mxscope/v1/revoke", { token, body });

function assertRevoked(r, what) {
  assert.equal(r.status, 401, `${what}: expected 401, got ${r.status} ${r.text}`);
  assert.equal(r.json.errcode, "M_UNKNOWN_TOKEN");
  assert.equal(r.json["org.mxscope.error"], "token_revoked");
}

before(async () => {
  gw = await startGateway();
  user = unique("revuser");
  await registerOnSynapse(user, password);
  root = (await login(gw, user, password)).access_token;
  room = await createRoom(gw, root, { name: "revocation" });
});

after(async () => {
  await gw.stop();
  gw.cleanup();
});

test("revoking a parent kills a grandchild on the very next request; siblings and the root live on", async () => {
  const child = await mint(gw, root, { actions: ["send_message", "identity"], rooms: [room], name: "child" });
  const sibling = await mint(gw, root, { actions: ["identity"], name: "sibling" });
  const grandchild = await mint(gw, child.token, { actions: ["send_message"], name: "grandchild" });
  assert.equal((await sendMessage(gw, grandchild.token, room, "before")).status, 200);

  const r = await revoke(root, { token_id: child.token_id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.revoked, child.token_id);
  assert.equal(r.json.ended_login, false);

  assertRevoked(await sendMessage(gw, grandchild.token, room, "after"), "grandchild");
  assertRevoked(await whoami(child.token), "child");
  assert.equal((await whoami(sibling.token)).status, 200);
  assert.equal((await whoami(root)).status, 200);
});

test("a token may revoke itself and its descendants, never its parent or a stranger", async () => {
  const child = await mint(gw, root, { actions: ["identity"], name: "c" });
  const grand = await mint(gw, child.token, { name: "g" });
  const other = await mint(gw, root, { actions: ["identity"], name: "o" });

  // Upwards and sideways: refused.
  let r = await revoke(grand.token, { token_id: child.token_id });
  assert.equal(r.status, 403);
  assert.equal(r.json.errcode, "M_FORBIDDEN");
  assert.equal(r.json["org.mxscope.reason"], "not_a_descendant");
  r = await revoke(grand.token, { token: other.token });
  assert.equal(r.status, 403);
  const rootId = (await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: root })).json.token_id;
  r = await revoke(child.token, { token_id: rootId });
  assert.equal(r.status, 403, "a child cannot end the login");
  assert.equal((await whoami(child.token)).status, 200);

  // An id the gateway has never seen cannot be proven to be a descendant.
  const unseen = await mint(gw, child.token, { name: "never used" });
  r = await revoke(child.token, { token_id: unseen.token_id });
  assert.equal(r.status, 404);
  // ...but the token itself proves it.
  r = await revoke(child.token, { token: unseen.token });
  assert.equal(r.status, 200);
  assertRevoked(await whoami(unseen.token), "unseen");

  // Downwards by id once seen, and itself with no argument.
  assert.equal((await whoami(grand.token)).status, 200);
  r = await revoke(child.token, { token_id: grand.token_id });
  assert.equal(r.status, 200);
  assertRevoked(await whoami(grand.token), "grand");
  r = await revoke(other.token);
  assert.equal(r.status, 200);
  assert.equal(r.json.revoked, other.token_id);
  assertRevoked(await whoami(other.token), "other");

  // Bad arguments.
  r = await revoke(root, { token_id: "not-hex" });
  assert.equal(r.status, 400);
  assert.equal(r.json.errcode, "M_INVALID_PARAM");
  r = await revoke(root, { token: "mxs1_garbage" });
  assert.equal(r.status, 400);
});

test("the root may revoke any token of its login, but nothing of another login", async () => {
  const mine = await mint(gw, root, { actions: ["identity"] });
  const grand = await mint(gw, mine.token, {});
  assert.equal((await revoke(root, { token: grand.token })).status, 200);
  assertRevoked(await whoami(grand.token), "grand");
  assert.equal((await whoami(mine.token)).status, 200);

  const root2 = (await login(gw, user, password)).access_token;  // a second login: another family
  const theirs = await mint(gw, root2, { actions: ["identity"] });
  assert.equal((await whoami(theirs.token)).status, 200);
  let r = await revoke(root, { token_id: theirs.token_id });
  assert.equal(r.status, 403);
  r = await revoke(root, { token: theirs.token });
  assert.equal(r.status, 403);
  assert.equal((await whoami(theirs.token)).status, 200);
});

test("a subtoken's /logout ends only that subtoken; the root's /logout ends the real session and the family", async () => {
  const l1 = await login(gw, user, password);
  const l2 = await login(gw, user, password);
  const sub = await mint(gw, l1.access_token, { actions: ["identity"] });
  const sub2 = await mint(gw, l1.access_token, { actions: ["identity"] });
  let r = await call(gw.url, "POST", "/_matrix/client/v3/logout", { token: sub.token, body: {} });
  assert.equal(r.status, 200);
  assertRevoked(await whoami(sub.token), "sub after its logout");
  assert.equal((await whoami(l1.access_token)).status, 200, "the login lives on");
  r = await call(gw.url, "POST", "/_matrix/client/v3/logout/all", { token: sub2.token, body: {} });
  assert.equal(r.status, 403, "a subtoken cannot log every session out");

  r = await call(gw.url, "POST", "/_matrix/client/v3/logout", { token: l1.access_token, body: {} });
  assert.equal(r.status, 200, r.text);
  assertRevoked(await whoami(l1.access_token), "root after logout");
  assertRevoked(await whoami(sub2.token), "subtoken after the root's logout");
  // The homeserver's session is gone too: the device no longer exists.
  const devices = await call(gw.url, "GET", "/_matrix/client/v3/devices", { token: l2.access_token });
  assert.equal(devices.status, 200);
  const ids = devices.json.devices.map((d) => d.device_id);
  assert.ok(!ids.includes(l1.device_id), "the real session was logged out");
  assert.ok(ids.includes(l2.device_id));

  // Revoking a root by id through the token API ends its login the same way.
  const l3 = await login(gw, user, password);
  const who3 = await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: l3.access_token });
  r = await revoke(l3.access_token, { token_id: who3.json.family_id });
  assert.equal(r.status, 200);
  assert.equal(r.json.ended_login, true);
  assertRevoked(await whoami(l3.access_token), "root revoked by id");
  const d2 = await call(gw.url, "GET", "/_matrix/client/v3/devices", { token: l2.access_token });
  assert.ok(!d2.json.devices.some((d) => d.device_id === l3.device_id));
});

test("revocations survive a restart and a kill -9; sessions survive too", async () => {
  const dir = gw.dir;
  const a = await mint(gw, root, { actions: ["identity"], name: "revoked before restart" });
  const keep = await mint(gw, root, { actions: ["identity"], name: "kept" });
  assert.equal((await revoke(root, { token_id: (await call(gw.url, "GET", "/_mxscope/v1/whoami", { token: a.token })).json.token_id })).status, 200);
  await gw.stop("SIGTERM");
  gw = await startGateway({ dir });
  assertRevoked(await whoami(a.token), "after a clean restart");
  assert.equal((await whoami(keep.token)).status, 200, "the session was restored from the store");
  assert.equal((await whoami(root)).status, 200);

  const b = await mint(gw, root, { actions: ["identity"], name: "revoked before kill -9" });
  assert.equal((await revoke(b.token)).status, 200);
  await gw.stop("SIGKILL");
  gw = await startGateway({ dir });
  assertRevoked(await whoami(b.token), "after kill -9");
  assert.equal((await whoami(keep.token)).status, 200);
});

test("a revocation made by another gateway sharing the store is honoured", async () => {
  const other = await startGateway({ dir: gw.dir, args: [] , port: undefined });
  try {
    const t = await mint(gw, root, { actions: ["identity"] });
    assert.equal((await whoami(t.token)).status, 200);
    assert.equal((await whoami(t.token, other)).status, 200);
    assert.equal((await revoke(t.token, {}, other)).status, 200);
    assertRevoked(await whoami(t.token, other), "on the gateway that revoked");
    let ok = false;
    for (let i = 0; i < 40 && !ok; i++) {
      const r = await whoami(t.token);
      ok = r.status === 401;
      if (!ok) await sleep(50);
    }
    assert.ok(ok, "the first gateway picked the revocation up from the store");
  } finally {
    await other.stop();
  }
});
