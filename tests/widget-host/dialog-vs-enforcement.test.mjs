// For every capability: what the dialog says (pinned here by a person), what the SDK allows with
// the token minted for that one approved row, and what matrix-widget-api enforces with the
// approved list must all agree. A wording or enforcement change fails here until both move.
import "./support/fake-dom.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WidgetEventCapability, EventDirection } from "matrix-widget-api";
import { mx, makeHost, embedWidget, scriptedPrompter, ROOM, OTHER } from "./support/setup.mjs";

const U = "org.matrix.msc2762.";
// Probes: [SDK request, how matrix-widget-api would decide it given the approved capabilities].
const lib = {
  room: (approved, room) => room === ROOM || approved.has(`${U}timeline:*`) || approved.has(`${U}timeline:${room}`),
  events: (approved) => WidgetEventCapability.findEventCapabilities([...approved]),
};
const msg = (room, key) => [
  { action: "send_message", roomId: room, eventType: "m.room.message", key },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsRoomEvent(EventDirection.Send, "m.room.message", key ?? null)),
];
const ev = (room, type) => [
  { action: "send_event", roomId: room, eventType: type },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsRoomEvent(EventDirection.Send, type)),
];
const st = (room, type, key) => [
  { action: "send_state", roomId: room, eventType: type, key },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsStateEvent(EventDirection.Send, type, key)),
];
const readMsg = (room, key) => [
  { action: "read_timeline", roomId: room, eventType: "m.room.message", key },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsRoomEvent(EventDirection.Receive, "m.room.message", key ?? null)),
];
const readSt = (room, type, key) => [
  { action: "read_state", roomId: room, eventType: type, key },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsStateEvent(EventDirection.Receive, type, key)),
];
const td = (dir, type) => [
  { action: dir === "send" ? "send_to_device" : "receive_to_device", eventType: type },
  (a) => lib.events(a).some((e) => e.matchesAsToDeviceEvent(dir === "send" ? EventDirection.Send : EventDirection.Receive, type)),
];
const simple = (action, cap) => [{ action }, (a) => a.has(cap)];
const acct = (room) => [
  { action: "read_room_account_data", roomId: room },
  (a) => lib.room(a, room) && lib.events(a).some((e) => e.matchesAsRoomAccountData(EventDirection.Receive, "m.fully_read")),
];

const PROBES = {
  text: msg(ROOM, "m.text"),
  notice: msg(ROOM, "m.notice"),
  emptyMsgtype: msg(ROOM, ""),
  textOther: msg(OTHER, "m.text"),
  reaction: ev(ROOM, "m.reaction"),
  sticker: ev(ROOM, "m.sticker"),
  redaction: ev(ROOM, "m.room.redaction"),
  topic: st(ROOM, "m.room.topic", ""),
  topicKeyed: st(ROOM, "m.room.topic", "k"),
  powerLevels: st(ROOM, "m.room.power_levels", ""),
  member: st(ROOM, "m.room.member", "@x:example.org"),
  poll: st(ROOM, "org.example.#poll", ""),
  readText: readMsg(ROOM, "m.text"),
  readNotice: readMsg(ROOM, "m.notice"),
  readTextOther: readMsg(OTHER, "m.text"),
  readMember: readSt(ROOM, "m.room.member", "@x:example.org"),
  readName: readSt(ROOM, "m.room.name", ""),
  sendInvite: td("send", "m.call.invite"),
  sendHangup: td("send", "m.call.hangup"),
  recvInvite: td("receive", "m.call.invite"),
  accountData: acct(ROOM),
  // Kind mismatches (matrix-widget-api#21): no row may allow a room event as state or back.
  topicAsEvent: ev(ROOM, "m.room.topic"),
  reactionAsState: st(ROOM, "m.reaction", ""),
  readNameAsEvent: [
    { action: "read_timeline", roomId: ROOM, eventType: "m.room.name" },
    (a) => lib.room(a, ROOM) && lib.events(a).some((e) => e.matchesAsRoomEvent(EventDirection.Receive, "m.room.name")),
  ],
  readTextAsState: readSt(ROOM, "m.room.message", ""),
  upload: simple("upload_media", "org.matrix.msc4039.upload_file"),
  download: simple("download_media", "org.matrix.msc4039.download_file"),
  navigate: simple("navigate", "org.matrix.msc2931.navigate"),
  directory: simple("user_directory", "org.matrix.msc3973.user_directory_search"),
  turn: simple("turn_servers", "town.robin.msc3846.turn_servers"),
  onScreen: simple("always_on_screen", "m.always_on_screen"),
};

// capability -> [what the dialog must say, risk, starts checked, probes it must allow (all others denied)]
// `extra` = capabilities approved alongside (for room rows, which extend other permissions).
const TABLE = [
  [`${U}send.event:m.room.message#m.text`, "Send text messages in Ops as you", "medium", true, ["text"]],
  [`${U}send.event:m.room.message#m.notice`, "Send notices (bot-style messages) in Ops as you", "medium", true, ["notice"]],
  [`${U}send.event:m.room.message`, "Send any kind of message in Ops that will appear to come from you", "high", false, ["text", "notice", "emptyMsgtype"]],
  // matrix-widget-api's requestCapabilityToSendMessage() with no msgtype emits this: it allows no real message.
  [`${U}send.event:m.room.message#`, "Send messages with an empty message type in Ops (ordinary messages are not included)", "medium", true, ["emptyMsgtype"]],
  ["m.send.event:m.room.message#m.text", "Send text messages in Ops as you", "medium", true, ["text"]],
  [`${U}send.event:m.reaction`, "React to messages in Ops as you", "low", true, ["reaction"]],
  ["m.sticker", "Post stickers in Ops as you", "low", true, ["sticker"], { lib: false }],
  [`${U}send.event:m.sticker`, "Post stickers in Ops as you", "low", true, ["sticker"]],
  [`${U}send.event:m.room.redaction`, "Delete messages in Ops as you", "high", false, ["redaction"]],
  [`${U}send.state_event:m.room.topic`, "Change the topic of Ops for everyone", "medium", true, ["topic", "topicKeyed"]],
  [`${U}send.state_event:m.room.topic#`, 'Change the topic of Ops for everyone', "medium", true, ["topic"]],
  [`${U}send.state_event:m.room.power_levels`, "Change who are admins and moderators in Ops", "critical", false, ["powerLevels"]],
  [`${U}send.state_event:m.room.member`, "Invite, remove or ban people in Ops, or make you leave", "high", false, ["member"]],
  [`${U}send.state_event:org.example.\\#poll#`, 'Change "org.example.#poll" settings in Ops for everyone (only the main entry)', "medium", true, ["poll"]],
  [`${U}receive.event:m.room.message#m.text`, "Read text messages in Ops", "high", false, ["readText"]],
  [`${U}receive.event:m.room.message`, "Read messages in Ops", "high", false, ["readText", "readNotice"]],
  [`${U}receive.state_event:m.room.member`, "See who is in Ops and when people join or leave", "medium", true, ["readMember"]],
  [`${U}receive.state_event:m.room.name#`, 'See the name of Ops', "low", true, ["readName"]],
  ["org.matrix.msc3819.send.to_device:m.call.invite", 'Send private device-to-device messages of type "m.call.invite" as you', "medium", true, ["sendInvite"]],
  ["org.matrix.msc3819.receive.to_device:m.call.invite", 'Receive private device-to-device messages of type "m.call.invite"', "medium", true, ["recvInvite"]],
  ["com.beeper.capabilities.receive.room_account_data:m.fully_read", "See your private settings for Ops", "medium", true, ["accountData"]],
  ["org.matrix.msc4039.upload_file", "Upload files to your server as you", "medium", true, ["upload"]],
  ["org.matrix.msc4039.download_file", "Download files and media from your server", "low", true, ["download"]],
  ["org.matrix.msc2931.navigate", "Open links to rooms, messages or people (you'll see where it takes you)", "low", true, ["navigate"]],
  ["org.matrix.msc3973.user_directory_search", "Search your server's user directory", "medium", true, ["directory"]],
  ["town.robin.msc3846.turn_servers", "Use your server's call relay (TURN) credentials", "low", true, ["turn"]],
  ["m.always_on_screen", "Keep running in a small window when you switch rooms", "low", true, ["onScreen"]],
  // Room rows extend the other rows they come with (here: send text).
  [`${U}timeline:${OTHER}`, "Also use the permissions above in Other", "high", false, ["text", "textOther"], { extra: [`${U}send.event:m.room.message#m.text`] }],
  [`${U}timeline:*`, "Also use the permissions above in every room you're in or invited to, now and in the future", "critical", false, ["text", "textOther"], { extra: [`${U}send.event:m.room.message#m.text`] }],
  // Not grantable: shown, never approved, nothing allowed.
  ["org.example.make_coffee", 'Unknown permission "org.example.make_coffee": it can\'t be granted', "critical", false, []],
  ["org.matrix.msc4157.send.delayed_event", 'Unknown permission "org.matrix.msc4157.send.delayed_event": it can\'t be granted', "critical", false, []],
  [`${U}send.event:`, `Unknown permission "${U}send.event:": it can't be granted`, "critical", false, []],
];

for (const [cap, text, risk, checked, allowedProbes, opts = {}] of TABLE) {
  test(`dialog and enforcement agree: ${cap}`, async () => {
    const everything = scriptedPrompter((req) => ({ capabilities: req.rows.filter((r) => r.grantable).map((r) => r.capability), duration: "session" }));
    const env = makeHost({ prompter: everything });
    const { w, notified } = await embedWidget(env, { capabilities: [...(opts.extra ?? []), cap] });
    const row = env.prompter.requests[0].rows.find((r) => r.capability === cap);
    assert.equal(row.text, text, "what the dialog says");
    assert.equal(row.risk, risk, "its risk");
    assert.equal(row.checked, checked, "whether it starts checked");

    const approved = new Set(notified.approved);
    assert.equal(approved.has(cap), row.grantable, "approved exactly when grantable and ticked");
    const v = env.verifier.verify(w.token, Date.now());
    const sdkAllowed = [];
    const libAllowed = [];
    for (const [name, [request, libDecides]] of Object.entries(PROBES)) {
      if (mx.authorize(v, request).allowed) sdkAllowed.push(name);
      if (libDecides(approved)) libAllowed.push(name);
    }
    assert.deepEqual(sdkAllowed.sort(), [...allowedProbes].sort(), "what the token allows = what the dialog said");
    if (opts.lib !== false) assert.deepEqual(libAllowed.sort(), [...allowedProbes].sort(), "what matrix-widget-api enforces = the same");
    w.close();
  });
}

test("every action the SDK can grant to a widget appears in the table", () => {
  const covered = new Set();
  for (const [cap] of TABLE) {
    const info = mx.parseCapability(cap);
    if (info.kind === "grant") covered.add(info.action);
  }
  const grantable = ["read_timeline", "read_state", "send_message", "send_event", "send_state", "send_to_device", "receive_to_device", "read_room_account_data", "upload_media", "download_media", "user_directory", "turn_servers", "navigate", "always_on_screen"];
  for (const a of grantable) assert.ok(covered.has(a), `${a} has a row`);
});
