// The web client's pieces that need no browser: remembered grants listed and revoked per login,
// the demo server's two origins (each serves only its own files), and the widget catalogue.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GrantStore, MemoryStorage } from "../../widget-host/grants.mjs";
import { ScopedStorage } from "../../web/lib/store.mjs";
import { startWeb } from "../../web/serve.mjs";
import { EXAMPLE_WIDGETS, widgetContent } from "../../web/widget-catalog.mjs";

const ROOM = "!demo:localhost";
const notifier = { id: "n1", url: "https://widgets.example/notifier/index.html?room=$matrix_room_id&b=2&a=1" };
const hud = { id: "h1", url: "https://widgets.example/hud/index.html" };

test("remembered grants are listed with where they apply, and each can be revoked alone", () => {
  let now = 1_000_000;
  const grants = new GrantStore({ storage: new MemoryStorage(), now: () => now });
  grants.put(notifier, ROOM, { capabilities: ["org.matrix.msc2762.send.event:m.room.message#m.text"], duration: "hour" });
  grants.put(hud, ROOM, { capabilities: [], duration: "month" });
  grants.put(hud, "!other:localhost", { capabilities: ["x"], duration: "session" }); // never stored
  const list = grants.list().sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(list.map((g) => [g.origin, g.path, g.roomId]), [
    ["https://widgets.example", "/hud/index.html", ROOM],
    ["https://widgets.example", "/notifier/index.html?a=1&b=2&room=$matrix_room_id", ROOM],
  ]);
  assert.equal(list[1].key, grants.keyOf(notifier, ROOM));
  grants.forgetKey(list[1].key);
  assert.equal(grants.get(notifier, ROOM), null);
  assert.ok(grants.get(hud, ROOM));
  now += 31 * 24 * 3600 * 1000; // expired grants drop out of the list
  assert.deepEqual(grants.list(), []);
});

test("one login's grants are invisible to another login on the same browser", () => {
  const shared = new MemoryStorage();
  const alice = new GrantStore({ storage: new ScopedStorage(shared, "@alice:localhost") });
  const bob = new GrantStore({ storage: new ScopedStorage(shared, "@bob:localhost") });
  alice.put(notifier, ROOM, { capabilities: ["c"], duration: "hour" });
  assert.equal(alice.list().length, 1);
  assert.equal(bob.list().length, 0);
  assert.equal(bob.get(notifier, ROOM), null);
  new ScopedStorage(shared, "@alice:localhost").clear(); // what logging out does
  assert.equal(alice.list().length, 0);
  assert.equal(shared.length, 0);
});

test("trusted widget domains are kept per login, like grants, and go with the login at logout", () => {
  const shared = new MemoryStorage();
  const alice = new GrantStore({ storage: new ScopedStorage(shared, "@alice:localhost") });
  const bob = new GrantStore({ storage: new ScopedStorage(shared, "@bob:localhost") });
  alice.trustOrigin("https://widgets.example/notifier/index.html");
  assert.deepEqual(alice.trustedOrigins(), ["https://widgets.example"]);
  assert.equal(bob.trustsOrigin("https://widgets.example"), false);
  new ScopedStorage(shared, "@alice:localhost").clear(); // what logging out does
  assert.deepEqual(alice.trustedOrigins(), []);
});

test("the demo server: the client origin serves the app, the widget origin only the widgets", async () => {
  const web = await startWeb({ homeserver: "http://127.0.0.1:9", demoUsers: [{ user: "alice", password: "alicepass" }] });
  try {
    const get = (origin, p) => fetch(origin + p).then(async (r) => [r.status, r.headers.get("content-type"), await r.text()]);
    const [s1, t1, html] = await get(web.clientOrigin, "/");
    assert.equal(s1, 200);
    assert.match(t1, /text\/html/);
    assert.match(html, /importmap/);
    const [, , config] = await get(web.clientOrigin, "/config.json");
    assert.deepEqual(JSON.parse(config), { homeserver: "http://127.0.0.1:9", widgetOrigin: web.widgetOrigin, demo: { users: [{ user: "alice", password: "alicepass" }] } });
    assert.equal((await get(web.clientOrigin, "/widget-host/index.mjs"))[0], 200);
    assert.match((await get(web.clientOrigin, "/vendor/matrix-widget-api.mjs"))[2], /export const \{ .*ClientWidgetApi/);
    for (const p of ["/serve.mjs", "/demo-setup.mjs", "/node_modules/matrix-widget-api/package.json", "/../package.json", "/%2e%2e/package.json", "/examples/widgets/hud/index.html"]) {
      assert.equal((await get(web.clientOrigin, p))[0], 404, `client origin must not serve ${p}`);
    }
    assert.equal((await get(web.widgetOrigin, "/examples/widgets/hud/index.html"))[0], 200);
    assert.equal((await get(web.widgetOrigin, "/vendor/matrix-widget-api/api.min.js"))[0], 200);
    for (const p of ["/", "/app.mjs", "/config.json", "/widget-host/index.mjs"]) {
      assert.equal((await get(web.widgetOrigin, p))[0], 404, `widget origin must not serve ${p}`);
    }
  } finally {
    await web.close();
  }
});

test("the example widgets become Element-style room widget content", () => {
  assert.deepEqual(EXAMPLE_WIDGETS.map((w) => w.key), ["notifier", "hud", "dangerous"]);
  const c = widgetContent({ id: "w1", name: "Notifier", url: "http://127.0.0.1:8471/x", creatorUserId: "@alice:localhost", summary: "s" });
  assert.deepEqual(c, { id: "w1", type: "m.custom", url: "http://127.0.0.1:8471/x", name: "Notifier", creatorUserId: "@alice:localhost", waitForIframeLoad: true, data: { title: "s" } });
});
