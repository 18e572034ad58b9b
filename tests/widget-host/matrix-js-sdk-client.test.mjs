// The matrix-js-sdk adapter against a stub with matrix-js-sdk's method shapes: the exact arguments
// it passes. matrix-js-sdk-synapse.test.mjs drives the same adapter with a real MatrixClient.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MatrixJsSdkClient } from "../../widget-host/clients/matrix-js-sdk-client.mjs";
import { MatrixHttpError } from "../../widget-host/clients/fetch-client.mjs";

function stub() {
  const calls = [];
  const rec = (name, ret) => (...args) => (calls.push([name, ...args]), Promise.resolve(typeof ret === "function" ? ret(...args) : ret));
  return {
    calls,
    getUserId: () => "@a:x",
    getDeviceId: () => "D",
    getHomeserverUrl: () => "https://hs",
    getAccessToken: () => "secret",
    sendEvent: rec("sendEvent", { event_id: "$1" }),
    sendStateEvent: rec("sendStateEvent", { event_id: "$2" }),
    redactEvent: rec("redactEvent", { event_id: "$3" }),
    http: { authedRequest: rec("authedRequest", { chunk: [{ type: "m.room.message", event_id: "$m" }] }) },
    roomState: rec("roomState", [{ type: "m.room.name", state_key: "", content: { name: "N" } }]),
    getJoinedRooms: rec("getJoinedRooms", { joined_rooms: ["!r:x"] }),
    sendToDevice: rec("sendToDevice", {}),
    getOpenIdToken: rec("getOpenIdToken", { access_token: "o", expires_in: 1, matrix_server_name: "x", token_type: "Bearer" }),
    uploadContent: rec("uploadContent", { content_uri: "mxc://x/y" }),
    searchUserDirectory: rec("searchUserDirectory", { limited: false, results: [] }),
    turnServer: rec("turnServer", { uris: ["turn:x"], username: "u", password: "p" }),
    getRoom: () => ({ name: "Room", getAccountData: () => ({ getContent: () => ({ k: 1 }) }) }),
  };
}

test("the matrix-js-sdk adapter maps the host's calls onto MatrixClient methods", async () => {
  const mx = stub();
  const c = new MatrixJsSdkClient(mx);
  assert.deepEqual([c.userId, c.deviceId, c.baseUrl], ["@a:x", "D", "https://hs"]);
  assert.deepEqual(await c.sendEvent("!r:x", "m.room.message", { body: "b" }), { roomId: "!r:x", eventId: "$1" });
  assert.deepEqual(await c.sendStateEvent("!r:x", "m.room.topic", "", { topic: "t" }), { roomId: "!r:x", eventId: "$2" });
  assert.deepEqual(mx.calls.at(-1), ["sendStateEvent", "!r:x", "m.room.topic", { topic: "t" }, ""], "content before state key, as matrix-js-sdk wants");
  assert.equal((await c.readTimeline("!r:x", { limit: 5, types: ["m.room.message"] }))[0].room_id, "!r:x");
  assert.deepEqual(mx.calls.at(-1), ["authedRequest", "GET", "/rooms/!r%3Ax/messages", { dir: "b", limit: "5", filter: '{"types":["m.room.message"]}' }]);
  assert.equal((await c.readState("!r:x"))[0].room_id, "!r:x");
  assert.deepEqual(await c.joinedRooms(), ["!r:x"]);
  await c.sendToDevice("t", { "@b:x": { D: { a: 1 } } });
  assert.ok(mx.calls.at(-1)[2] instanceof Map && mx.calls.at(-1)[2].get("@b:x").get("D").a === 1);
  assert.equal((await c.uploadMedia(new Uint8Array(1), { contentType: "text/plain" })).contentUri, "mxc://x/y");
  assert.deepEqual(await c.readRoomAccountData("!r:x", "m.fully_read"), { k: 1 });
  assert.equal(await c.getRoomName("!r:x"), "Room");
});

test("matrix-js-sdk errors become MatrixHttpError with the homeserver's body", async () => {
  const mx = stub();
  mx.sendEvent = () => Promise.reject(Object.assign(new Error("nope"), { httpStatus: 403, data: { errcode: "M_FORBIDDEN", error: "nope" } }));
  await assert.rejects(new MatrixJsSdkClient(mx).sendEvent("!r:x", "t", {}), (e) => e instanceof MatrixHttpError && e.httpStatus === 403 && e.errcode === "M_FORBIDDEN");
});
