// Notifier: asks only to send text messages in its room, and sends them.
import { boot, show } from "../shared/boot.mjs";

const w = boot({
  capabilities: ["org.matrix.msc2762.send.event:m.room.message#m.text"],
  onReady: (_api, state) => show("status", `Ready. Approved: ${state.approved?.join(", ") || "nothing"}`),
});

const send = (body, extra = {}) =>
  w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.text", body, ...extra }));

document.getElementById("send").addEventListener("click", async () => {
  const r = await send(document.getElementById("text").value);
  show("status", r.ok ? `Sent ${r.value.event_id}` : `Refused: ${r.error}`);
});

// Hooks for tests and curious developers (the console): each returns {ok, value|error}.
globalThis.widget = {
  ...w,
  send,
  sendNotice: (body) => w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.notice", body })),
  sendToRoom: (roomId, body) => w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.text", body }, roomId)),
  setTopic: (topic) => w.call(() => w.api.sendStateEvent("m.room.topic", "", { topic })),
  readMessages: () => w.call(() => w.api.readRoomEvents("m.room.message", 10)),
  openId: () => w.call(() => w.api.requestOpenIDConnectToken()),
};
