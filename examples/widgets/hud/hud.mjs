// Room HUD: read-only. Asks to read text messages and the room's name; never sends anything.
import { boot, show } from "../shared/boot.mjs";

const w = boot({
  capabilities: [
    "org.matrix.msc2762.receive.event:m.room.message#m.text",
    "org.matrix.msc2762.receive.state_event:m.room.name",
  ],
  onReady: () => refresh(),
});

const list = document.getElementById("messages");
function render(events) {
  list.replaceChildren(
    ...events.map((e) => {
      const li = document.createElement("li");
      li.textContent = `${e.sender}: ${e.content?.body ?? ""}`;
      return li;
    }),
  );
}

async function refresh() {
  const r = await w.call(() => w.api.readRoomEvents("m.room.message", 20, "m.text"));
  if (r.ok) {
    render(r.value);
    show("status", `${r.value.length} message(s)`);
  } else show("status", `Refused: ${r.error}`);
  return r;
}
document.getElementById("refresh").addEventListener("click", refresh);

// Live events the host feeds (matrix-widget-api needs them acknowledged).
w.api.on("action:send_event", (ev) => {
  ev.preventDefault();
  w.api.transport.reply(ev.detail, {});
  refresh();
});

globalThis.widget = {
  ...w,
  refresh,
  trySend: (body) => w.call(() => w.api.sendRoomEvent("m.room.message", { msgtype: "m.text", body })),
  readNotices: () => w.call(() => w.api.readRoomEvents("m.room.message", 5, "m.notice")),
};
