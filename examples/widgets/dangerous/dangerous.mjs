// Asks for dangerous things on purpose (see index.html); used by the prompt's tests.
import { boot, show } from "../shared/boot.mjs";

const w = boot({
  capabilities: [
    "org.matrix.msc2762.send.event:m.room.message#m.text",
    "org.matrix.msc2762.send.event:m.room.message",
    "org.matrix.msc2762.send.state_event:m.room.power_levels",
    "org.matrix.msc2762.send.state_event:m.room.member",
    "org.matrix.msc2762.receive.event:m.room.message",
    "org.matrix.msc2762.timeline:*",
    "org.example.make_coffee",
  ],
  onReady: (_api, state) => show("status", `Approved: ${state.approved?.join(", ") || "nothing"}`),
});

globalThis.widget = {
  ...w,
  sendText: (body) => w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.text", body })),
  sendNotice: (body) => w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.notice", body })),
  setPowerLevels: (content) => w.call(() => w.api.sendStateEvent("m.room.power_levels", "", content)),
  kick: (userId) => w.call(() => w.api.sendStateEvent("m.room.member", userId, { membership: "leave" })),
  readAll: () => w.call(() => w.api.readRoomEvents("m.room.message", 10, undefined, "*")),
};

// Buttons, so a person can see the refusals without a console. Harmless if allowed: the notice is
// text, the read only counts, and the member removed does not exist.
const nobody = () => `@nobody:${(w.state.roomId ?? "!x:localhost").split(":").slice(1).join(":")}`;
const tries = {
  "try-notice": () => globalThis.widget.sendNotice("A notice from the room admin tool"),
  "try-read-all": async () => {
    const r = await globalThis.widget.readAll();
    return r.ok ? { ok: true, value: `read ${r.value.length} message(s)` } : r;
  },
  "try-kick": () => globalThis.widget.kick(nobody()),
};
for (const [id, run] of Object.entries(tries)) {
  document.getElementById(id).addEventListener("click", async () => {
    const r = await run();
    show("result", r.ok ? `Done${typeof r.value === "string" ? `: ${r.value}` : ""}` : `Refused: ${r.error}`);
  });
}
