// One room: header, live timeline, composer (or an invitation card), and the widgets dock beside.
import { h, fill, avatar, timeLabel, localpart } from "../lib/dom.mjs";
import { WIDGET_STATE_TYPES } from "../widget-catalog.mjs";

const GROUP_MS = 5 * 60 * 1000;

export class RoomView {
  constructor({ matrix, widgets, shell, dock }) {
    this.matrix = matrix;
    this.widgets = widgets;
    this.shell = shell;
    this.dock = dock;
    this.roomId = null;

    this.title = h("h1.room-name");
    this.topic = h("p.room-topic");
    this.roomAvatar = h("span.room-avatar-slot");
    this.widgetToggle = h(
      "button.btn.small.dock-toggle",
      { type: "button", "aria-controls": "dock", "aria-expanded": "false", onclick: () => this.toggleDock() },
      h("span.icon.puzzle", { "aria-hidden": "true" }),
      h("span.label", "Widgets"),
      h("span.count"),
    );
    this.headerEl = h(
      "header.room-header",
      h("a.btn.small.ghost.back", { href: "#/", "aria-label": "Back to rooms" }, "‹ Rooms"),
      this.roomAvatar,
      h("div.room-heading", this.title, this.topic),
      this.widgetToggle,
    );
    this.list = h("ol.timeline", { "aria-label": "Messages", "aria-live": "polite", "aria-relevant": "additions" });
    this.scroller = h("div.timeline-scroll", { tabindex: "0" }, this.list);
    this.input = h("textarea#composer-input", {
      rows: 1,
      "aria-label": "Message",
      onkeydown: (ev) => {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          this.composer.requestSubmit();
        }
      },
      oninput: () => this.#grow(),
    });
    this.sendButton = h("button.btn.primary.send", { type: "submit" }, "Send");
    this.composer = h(
      "form.composer",
      {
        onsubmit: (ev) => {
          ev.preventDefault();
          const body = this.input.value.trim();
          if (!body || !this.roomId) return;
          this.input.value = "";
          this.#grow();
          this.stick = true;
          this.matrix.sendText(this.roomId, body);
        },
      },
      this.input,
      this.sendButton,
    );
    this.invite = h("div.invite-card", { hidden: true });
    this.pane = h("section.timeline-pane", { "aria-label": "Conversation" }, this.scroller, this.invite, this.composer);
    this.empty = h(
      "div.empty-state.no-room",
      h("div.empty-illustration", { "aria-hidden": "true" }),
      h("h2", "No room open"),
      h("p", "Pick a room from the list, or create one with “+ New”."),
    );
    this.loading = h("div.empty-state.loading-state", { role: "status" }, h("div.spinner", { "aria-hidden": "true" }), h("p", "Loading your rooms…"));
    this.element = h(
      "section.room-screen",
      { "aria-label": "Room" },
      this.loading,
      this.empty,
      this.headerEl,
      h("div.room-body", this.pane, dock.element),
    );
    this.stick = true;
    this.scroller.addEventListener("scroll", () => {
      const s = this.scroller;
      this.stick = s.scrollHeight - s.scrollTop - s.clientHeight < 60;
    });
  }

  #grow() {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight, 160) + "px";
  }

  toggleDock(open) {
    const el = this.shell.element;
    const now = open ?? el.dataset.dock !== "open";
    el.dataset.dock = now ? "open" : "closed";
    this.widgetToggle.setAttribute("aria-expanded", String(now));
  }

  show(roomId) {
    this.roomId = roomId;
    const room = roomId && this.matrix.rooms.get(roomId);
    this.element.dataset.state = !this.matrix.synced ? "loading" : room ? "room" : "empty";
    if (!room) return;
    const switched = roomId !== this.shownRoomId;
    this.shownRoomId = roomId;
    this.header();
    if (switched) {
      this.stick = true;
      this.input.value = "";
      this.#grow();
      this.input.placeholder = this.shell.extras?.composerHint?.(room) ?? `Message ${room.name}`;
      // Wide windows show the dock by default; narrow ones open it on demand.
      this.toggleDock(!this.shell.narrow.matches);
    }
    const invited = room.membership === "invite";
    this.invite.hidden = !invited;
    this.composer.hidden = invited;
    this.scroller.hidden = invited;
    if (invited) this.#renderInvite(room);
    else this.renderTimeline();
  }

  /** Name, topic, and the widget count on the dock toggle. */
  header() {
    const room = this.roomId && this.matrix.rooms.get(this.roomId);
    if (!room) return;
    this.title.textContent = room.name;
    this.topic.textContent = room.topic || (room.membership === "join" ? `${room.joinedCount} member${room.joinedCount === 1 ? "" : "s"}` : "");
    if (this.roomAvatar.dataset.name !== room.name) {
      this.roomAvatar.dataset.name = room.name;
      fill(this.roomAvatar, avatar(room.name, room.id));
    }
    const n = room.widgets.length;
    const open = this.widgets.live().filter((s) => s.roomId === room.id).length;
    const count = this.widgetToggle.querySelector(".count");
    count.textContent = n ? (open ? `${open} open` : String(n)) : "";
    count.hidden = !n;
    this.widgetToggle.hidden = room.membership !== "join";
  }

  #renderInvite(room) {
    const by = room.inviter ? localpart(room.inviter) : "Someone";
    const status = h("p.form-error", { role: "alert", hidden: true });
    const act = (fn, label) => async (ev) => {
      ev.target.disabled = true;
      try {
        await fn();
      } catch (e) {
        status.textContent = `Couldn't ${label}: ${e.message}`;
        status.hidden = false;
        ev.target.disabled = false;
      }
    };
    fill(
      this.invite,
      avatar(room.name, room.id, "lg"),
      h("h2", `${by} invited you to ${room.name}`),
      h("p.muted", "Join to read and send messages and to use the room's widgets."),
      status,
      h(
        "div.modal-actions.center",
        h("button.btn", { type: "button", onclick: act(() => this.matrix.leave(room.id), "decline") }, "Decline"),
        h("button.btn.primary", { type: "button", onclick: act(() => this.matrix.join(room.id), "join") }, "Join room"),
      ),
    );
  }

  renderTimeline() {
    const room = this.roomId && this.matrix.rooms.get(this.roomId);
    if (!room || room.membership !== "join") return;
    const items = [];
    let prev = null;
    let lines = null; // consecutive room changes share one line: "Alice created the room · Bob joined"
    for (const e of room.timeline) {
      if (e.type !== "m.room.message") {
        const text = this.#stateLine(room, e);
        if (!text) continue;
        if (lines && e.origin_server_ts - lines.last < GROUP_MS) {
          lines.texts.push(text);
          lines.last = e.origin_server_ts;
          lines.ids.push(e.event_id);
        } else {
          lines = { texts: [text], first: e.origin_server_ts, last: e.origin_server_ts, ids: [e.event_id] };
          items.push(lines);
        }
        prev = null;
        continue;
      }
      lines = null;
      const item = this.#event(room, e, prev);
      if (item) {
        item.dataset.key = `${e.event_id}|${e.pending ?? ""}|${item.classList.contains("continued")}`;
        items.push(item);
        prev = e.type === "m.room.message" ? e : null;
      }
    }
    for (const [i, it] of items.entries()) {
      if (it instanceof Node) continue;
      const li = h("li.event.notice-line", h("span", it.texts.join(" · ")), h("time", { datetime: new Date(it.last).toISOString() }, timeLabel(it.last)));
      li.dataset.key = it.ids.join(",");
      items[i] = li;
    }
    if (!items.length) {
      fill(this.list, h("li.timeline-empty", h("p", "No messages yet."), h("p.muted", "Say hello, or open a widget and let it post for you.")));
    } else {
      // Keep the nodes that did not change (selection, focus), replace from the first difference.
      const old = [...this.list.children];
      let i = 0;
      while (i < old.length && i < items.length && old[i].dataset.key === items[i].dataset.key) i++;
      for (const n of old.slice(i)) n.remove();
      this.list.append(...items.slice(i));
    }
    if (this.stick) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  #event(room, e, prev) {
    if (e.unsigned?.redacted_because && !Object.keys(e.content ?? {}).length) {
      return h("li.event.notice-line", `${room.memberName(e.sender)} deleted a message`);
    }
    return this.#message(room, e, prev);
  }

  #message(room, e, prev) {
    const c = e.content ?? {};
    const who = room.memberName(e.sender);
    const label = typeof c["io.mxscope.label"] === "string" ? c["io.mxscope.label"] : null;
    const continued =
      prev && prev.sender === e.sender && e.origin_server_ts - prev.origin_server_ts < GROUP_MS && !label && typeof prev.content?.["io.mxscope.label"] !== "string";
    let body;
    switch (c.msgtype) {
      case "m.emote":
        body = h("p.body.emote", `* ${who} ${c.body ?? ""}`);
        break;
      case "m.notice":
        body = h("p.body.notice", c.body ?? "");
        break;
      case "m.text":
      case undefined:
        body = h("p.body", c.body ?? "");
        break;
      default:
        body = h("p.body.unsupported", `${c.body ?? "(attachment)"} `, h("span.muted", `(${c.msgtype.replace(/^m\./, "")}, not shown here)`));
    }
    const state =
      e.pending === "sending"
        ? h("span.msg-state", "Sending…")
        : e.pending === "failed"
          ? h("span.msg-state.failed", "Not sent. ", h("button.linklike", { type: "button", onclick: () => this.matrix.retry(room.id, e.event_id) }, "Retry"))
          : null;
    return h(
      `li.event.message${continued ? ".continued" : ""}${e.pending ? ".pending" : ""}`,
      { dataset: { eventId: e.event_id, sender: e.sender } },
      continued ? h("span.avatar-gap") : avatar(who, e.sender),
      h(
        "div.message-main",
        continued
          ? null
          : h(
              "div.message-head",
              h("strong.sender", who),
              label
                ? h("span.via", { title: `Posted through a widget's own scoped pass, named “${label}”` }, h("span.icon.puzzle", { "aria-hidden": "true" }), `via ${label.replace(/^widget:\s*/, "")}`)
                : null,
              h("time", { datetime: new Date(e.origin_server_ts).toISOString() }, timeLabel(e.origin_server_ts)),
            ),
        body,
        state,
      ),
    );
  }

  #stateLine(room, e) {
    const who = room.memberName(e.sender);
    const c = e.content ?? {};
    const prev = e.unsigned?.prev_content ?? {};
    switch (e.type) {
      case "m.room.create":
        return `${who} created the room`;
      case "m.room.name":
        return c.name ? `${who} named the room “${c.name}”` : `${who} removed the room name`;
      case "m.room.topic":
        return c.topic ? `${who} set the topic` : `${who} removed the topic`;
      case "m.room.member": {
        const target = c.displayname || prev.displayname || localpart(e.state_key);
        if (c.membership === "join") {
          if (prev.membership === "join") return prev.displayname !== c.displayname && c.displayname ? `${localpart(e.state_key)} is now called ${c.displayname}` : null;
          // The creator joining their own new room says nothing new.
          if (room.stateEvent("m.room.create")?.sender === e.state_key && !prev.membership) return null;
          return `${target} joined`;
        }
        if (c.membership === "invite") return `${who} invited ${target}`;
        if (c.membership === "leave") return e.sender === e.state_key ? (prev.membership === "invite" ? `${target} declined the invitation` : `${target} left`) : `${who} removed ${target}`;
        if (c.membership === "ban") return `${who} banned ${target}`;
        return null;
      }
      default:
        if (WIDGET_STATE_TYPES.includes(e.type)) {
          if (c.url) return prev.url ? `${who} updated the widget ${c.name || e.state_key}` : `${who} added the widget ${c.name || e.state_key}`;
          return `${who} removed the widget ${prev.name || e.state_key}`;
        }
        return null;
    }
  }
}
