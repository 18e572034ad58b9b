import { test } from "node:test";
import assert from "node:assert/strict";
import { runTemplate, widgetUrl, grantKey } from "../../widget-host/url-template.mjs";
import { GrantStore, MemoryStorage } from "../../widget-host/grants.mjs";

const widget = {
  id: "w1",
  url: "https://widgets.example.org/poll/index.html?room=$matrix_room_id&user=$matrix_user_id&who=$matrix_display_name&wid=$matrix_widget_id&theme=$org.matrix.msc2873.client_theme&t=$matrix_access_token#frag",
  data: { matrix_room_id: "!lie:example.org", title: "Lunch" },
};

test("template variables are URI-encoded and client values override the widget's data", () => {
  const u = widgetUrl(widget, { roomId: "!r:example.org", userId: "@a b:example.org", parentUrl: "https://client.example/app?x=1" });
  assert.equal(u.searchParams.get("room"), "!r:example.org");
  assert.equal(u.searchParams.get("user"), "@a b:example.org");
  assert.equal(u.searchParams.get("who"), "@a b:example.org", "display name falls back to the user id");
  assert.equal(u.searchParams.get("wid"), "w1");
  assert.equal(u.searchParams.get("theme"), "light");
  assert.equal(u.searchParams.get("widgetId"), "w1");
  assert.equal(u.searchParams.get("parentUrl"), "https://client.example/app?x=1");
  assert.equal(u.hash, "#frag");
});

test("the access-token variable is empty unless the host passes a token (MSC3008 opt-in)", () => {
  const sneaky = { ...widget, data: { matrix_access_token: "stolen?" } };
  assert.equal(widgetUrl(sneaky, { roomId: "!r:x" }).searchParams.get("t"), "");
  assert.equal(widgetUrl(widget, { roomId: "!r:x", accessToken: "mxs1_abc" }).searchParams.get("t"), "mxs1_abc");
});

test("longer variable names win over their prefixes", () => {
  assert.equal(runTemplate("$a-$ab-$abc", { a: 1, ab: 2, abc: 3 }), "1-2-3");
  assert.equal(runTemplate("$unknown stays", {}), "$unknown stays");
});

test("only http and https widgets are embedded", () => {
  assert.throws(() => widgetUrl({ id: "x", url: "javascript:alert(1)" }, {}), /http/);
  assert.throws(() => widgetUrl({ id: "x", url: "data:text/html,hi" }, {}), /http/);
});

test("grant keys use origin + normalised template URL + room, never the widget id", () => {
  const a = grantKey({ id: "one", url: "https://w.example/p?b=2&a=1#x" }, "!r:x");
  const b = grantKey({ id: "two", url: "https://w.example/p?a=1&b=2" }, "!r:x");
  assert.equal(a, b, "same widget under a new id and reordered query is the same grant");
  assert.notEqual(a, grantKey({ id: "one", url: "https://w.example/p?a=1&b=2" }, "!other:x"), "another room is another grant");
  assert.notEqual(a, grantKey({ id: "one", url: "https://evil.example/p?a=1&b=2" }, "!r:x"), "another origin is another grant");
  assert.notEqual(a, grantKey({ id: "one", url: "https://w.example/q?a=1&b=2" }, "!r:x"), "another path is another grant");
});

test("grants expire, 'while it's open' is never stored, and forget removes them", () => {
  let now = 1_000_000;
  const storage = new MemoryStorage();
  const g = new GrantStore({ storage, now: () => now });
  const w = { id: "w", url: "https://w.example/x" };
  assert.equal(g.put(w, "!r:x", { capabilities: ["a"], duration: "session" }), null);
  assert.equal(g.get(w, "!r:x"), null);
  const stored = g.put(w, "!r:x", { capabilities: ["a"], decided: ["a", "b"], duration: "hour" });
  assert.equal(stored.expiresAt, now + 3600_000);
  assert.deepEqual(g.get({ id: "other-id", url: "https://w.example/x" }, "!r:x").decided, ["a", "b"]);
  now += 3600_000;
  assert.equal(g.get(w, "!r:x"), null, "expired at its expiry");
  assert.equal(storage.length, 0, "and removed");
  g.put(w, "!r:x", { capabilities: ["a"], duration: "month" });
  g.setOpenId(w, "!r:x", true);
  assert.equal(g.get(w, "!r:x").openid, true);
  g.forget(w, "!r:x");
  assert.equal(g.get(w, "!r:x"), null);
  assert.throws(() => g.put(w, "!r:x", { capabilities: [], duration: "forever" }), /duration/);
});

test("a corrupt stored grant reads as none", () => {
  const storage = new MemoryStorage();
  const g = new GrantStore({ storage });
  const w = { id: "w", url: "https://w.example/x" };
  storage.setItem(g.keyOf(w, "!r:x"), "{not json");
  assert.equal(g.get(w, "!r:x"), null);
});
