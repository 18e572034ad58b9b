// Load-consent trust rules in Node (fake DOM and client): by who added the widget (only the state
// event's sender counts), the same widget approved in another room, and per-domain trust that
// never applies to integration-manager or wrapper hosts. Also what the capability prompt shows.
import "./support/fake-dom.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeHost, embedWidget, scriptedPrompter, issuerAndRoot, ROOM, OTHER } from "./support/setup.mjs";
import { FakeClient } from "./support/fake-client.mjs";
import { WidgetHost, roomAdmins, WRAPPER_ORIGINS } from "../../widget-host/widget-host.mjs";
import { sharedData } from "../../widget-host/url-template.mjs";

const TEXT = "org.matrix.msc2762.send.event:m.room.message#m.text";
const ADMIN = "@admin:example.org";
const MOD = "@mod:example.org";

const stateClient = (roomVersion = "10") =>
  new FakeClient({
    state: [
      { type: "m.room.create", state_key: "", room_id: ROOM, sender: "@creator:example.org", content: { room_version: roomVersion } },
      { type: "m.room.power_levels", state_key: "", room_id: ROOM, sender: "@creator:example.org", content: { users: { [ADMIN]: 100, [MOD]: 50 }, users_default: 0 } },
    ],
  });

test("trustAddedBy: a widget whose state event the rule vouches for loads without asking; a forged creatorUserId does not count", async () => {
  const seen = [];
  const env = makeHost({ loadConsent: true, trustAddedBy: (userId, roomId, client) => (seen.push([userId, roomId, client]), userId === ADMIN) });
  const trusted = await embedWidget(env, { capabilities: [TEXT], sender: ADMIN });
  assert.equal(trusted.loaded, true);
  assert.equal(trusted.w.loadReason, "trusted_adder");
  assert.equal(env.prompter.loadRequests.length, 0);
  assert.deepEqual(seen[0], [ADMIN, ROOM, env.client], "asked with the sender, the room and the client");
  trusted.w.close();

  const forged = await embedWidget(env, { capabilities: [TEXT], sender: "@bob:example.org", creatorUserId: ADMIN });
  assert.equal(forged.loaded, false, "the content's claim is not who sent the event");
  assert.equal(env.prompter.loadRequests.at(-1).addedBy, "@bob:example.org");
  const claimOnly = await embedWidget(env, { capabilities: [TEXT], creatorUserId: ADMIN });
  assert.equal(claimOnly.loaded, false, "no sender: nothing to vouch for");
  assert.ok(!seen.some(([u]) => u !== ADMIN && u !== "@bob:example.org"), "the rule never hears the claim");
  assert.throws(() => makeHost({ trustAddedBy: "room_admins" }), /trustAddedBy must be a function/);
});

test("roomAdmins(): the sender's power level in the room, read through the client", async () => {
  for (const [sender, options, version, loads] of [
    [ADMIN, {}, "10", true],
    [MOD, {}, "10", false],
    [MOD, { minLevel: 50 }, "10", true],
    ["@nobody:example.org", { minLevel: 50 }, "10", false],
    ["@creator:example.org", {}, "10", false], // not in users: level 0 in room versions before 12
    ["@creator:example.org", {}, "12", true], // creators outrank everyone from room version 12
  ]) {
    const env = makeHost({ client: stateClient(version), loadConsent: true, trustAddedBy: roomAdmins(options) });
    const r = await embedWidget(env, { capabilities: [TEXT], sender });
    assert.equal(r.loaded, loads, `${sender} ${JSON.stringify(options)} v${version}`);
    assert.equal(env.client.names().includes("readState"), true);
    r.w.close();
  }
  const broken = new FakeClient();
  broken.readState = async () => {
    throw new Error("offline");
  };
  const env = makeHost({ client: broken, loadConsent: true, trustAddedBy: roomAdmins() });
  assert.equal((await embedWidget(env, { capabilities: [TEXT], sender: ADMIN })).loaded, false, "an error asks the person");
});

test("trustSameWidgetElsewhere: approved in another room loads without asking, but the capabilities are still asked here", async () => {
  for (const trustSameWidgetElsewhere of [true, false]) {
    const env = makeHost({ loadConsent: true, trustSameWidgetElsewhere, prompter: scriptedPrompter(() => ({ capabilities: [TEXT], duration: "hour" })) });
    env.prompter.loadAnswer = { load: true };
    const there = await embedWidget(env, { capabilities: [TEXT], roomId: OTHER, id: "there" });
    there.w.close();
    const here = await embedWidget(env, { capabilities: [TEXT], roomId: ROOM, id: "here" });
    assert.equal(here.w.loadReason, trustSameWidgetElsewhere ? "approved_elsewhere" : "you_agreed");
    assert.equal(env.prompter.loadRequests.length, trustSameWidgetElsewhere ? 1 : 2);
    assert.equal(env.prompter.requests.length, 2, "a grant is per room: asked here too");
    assert.deepEqual(env.prompter.requests[1].approvedElsewhere, ["Other"]);
    here.w.close();
    // Another path on the same origin is another widget.
    const other = await embedWidget(env, { capabilities: [TEXT], roomId: ROOM, id: "other", url: "https://widgets.example.net/other/index.html" });
    assert.equal(other.w.loadReason, "you_agreed");
    other.w.close();
  }
});

test("per-domain trust never applies to integration-manager or wrapper hosts", async () => {
  const wrapped = "https://scalar.vector.im/api/widgets/generic.html?url=https%3A%2F%2Fevil.example";
  assert.throws(() => makeHost({ loadConsent: true, trustedOrigins: ["https://scalar.vector.im/anything"] }), /wrapperOrigins/);
  const env = makeHost({ loadConsent: true });
  env.host.grants.trustOrigin("https://scalar.vector.im"); // e.g. stored by an older version
  env.prompter.loadAnswer = { load: true, trustOrigin: true };
  const r = await embedWidget(env, { capabilities: [TEXT], url: wrapped });
  assert.equal(env.prompter.loadRequests.length, 1, "a stored trust of a wrapper origin does not count");
  assert.equal(env.prompter.loadRequests[0].canTrustOrigin, false, "the card does not offer it");
  assert.equal(r.w.loadReason, "you_agreed");
  assert.ok(!env.host.grants.trustsOrigin("https://dimension.t2bot.io"));
  env.host.grants.untrustOrigin("https://scalar.vector.im");
  r.w.close();
  const again = await embedWidget(env, { capabilities: [TEXT], url: wrapped.replace("evil", "other") });
  assert.equal(env.prompter.loadRequests.length, 2);
  assert.deepEqual(env.host.grants.trustedOrigins(), [], "answering trustOrigin for a wrapper stores nothing");
  again.w.close();

  const plain = await embedWidget(env, { capabilities: [TEXT] });
  assert.equal(env.prompter.loadRequests.at(-1).canTrustOrigin, true);
  plain.w.close();
  assert.deepEqual([...WRAPPER_ORIGINS], ["https://scalar.vector.im", "https://scalar-staging.vector.im", "https://dimension.t2bot.io"]);
  const custom = makeHost({ loadConsent: true, wrapperOrigins: ["https://im.example.org"], trustedOrigins: ["https://scalar.vector.im"] });
  assert.equal(custom.host.canTrustOrigin("https://im.example.org/x"), false);
  assert.equal(custom.host.canTrustOrigin("https://scalar.vector.im"), true, "the option replaces the default list");
});

test("the capability prompt shows who added it, the domain, the type and what its address told the widget's server", async () => {
  const env = makeHost();
  const url = "https://widgets.example.net/w/index.html?u=$matrix_user_id&n=%24matrix_display_name&t=$org.matrix.msc2873.client_theme";
  const { w } = await embedWidget(env, { capabilities: [TEXT], url, type: "m.etherpad", sender: "@carol:example.org" });
  const req = env.prompter.requests[0];
  assert.equal(req.addedBy, "@carol:example.org");
  assert.equal(req.domain, "widgets.example.net");
  assert.equal(req.type, "m.etherpad");
  assert.deepEqual(req.shares, ["your user ID", "your display name", "your theme", "the widget's ID", "the address of this page"]);
  assert.equal(req.followUp, false);
  assert.deepEqual(req.approvedElsewhere, []);
  w.close();
});

test("sharedData names exactly the template variables the URL uses", () => {
  const base = ["the widget's ID", "the address of this page"];
  assert.deepEqual(sharedData({ url: "https://w.example/x" }), base);
  assert.deepEqual(sharedData({ url: "https://w.example/x?r=$matrix_room_id" }), ["the room ID", ...base]);
  assert.deepEqual(
    sharedData({ url: "https://w.example/$org.matrix.msc3819.matrix_device_id?a=$matrix_avatar_url&hs=$org.matrix.msc4039.matrix_base_url&l=$org.matrix.msc2873.client_language&c=$org.matrix.msc2873.client_id" }),
    ["your profile picture URL", "your device ID", "your homeserver's address", "your language", "which app you use", ...base],
  );
});

test("a WidgetHost without trust options keeps asking (defaults)", () => {
  const keys = issuerAndRoot();
  const host = new WidgetHost({ client: new FakeClient(), ...keys, window: globalThis, document: {}, parentUrl: "https://client.example/" });
  assert.equal(host.trustAddedBy, null);
  assert.equal(host.trustSameWidgetElsewhere, false);
  assert.equal(host.canTrustOrigin("https://scalar.vector.im"), false);
  host.dispose();
});
