// The widgets dock beside the timeline: the room's widgets (from room state), "Add a widget",
// and the open widgets, each in a card whose iframe the widget host owns. One container per
// room, kept for the whole login: switching rooms hides a dock, it never moves or rebuilds one.
import { h, fill, avatar, duration } from "../lib/dom.mjs";
import { EXAMPLE_WIDGETS, WIDGET_STATE_TYPE, newWidgetId, widgetContent } from "../widget-catalog.mjs";
import { modal, confirmDialog } from "./dialogs.mjs";

/** A widget session's status in a few words, for its card and the Permissions view. */
export function sessionStatus(w, now = Date.now()) {
  if (w.state === "closed") return { tone: "off", text: "Closed: its pass is revoked" };
  if (w.state === "consent") return { tone: "wait", text: "Not loaded: waiting for your answer" };
  if (!w.token) return w.state === "prompting" ? { tone: "wait", text: "Asking you for permission…" } : { tone: "wait", text: "Starting…" };
  const granted = w.approved.filter((c) => !/^(m\.capability\.screenshot|io\.element\.requires_client|visibility)$/.test(c)).length;
  if (!granted) return { tone: "off", text: "No permissions: you allowed nothing" };
  const left = w.grantExpiresAt === null || w.grantExpiresAt === Infinity ? null : w.grantExpiresAt - now;
  return { tone: "on", text: left === null ? "Allowed while it's open" : `Allowed for ${duration(left)} more` };
}

export class Dock {
  constructor({ matrix, widgets, shell }) {
    this.matrix = matrix;
    this.widgets = widgets;
    this.shell = shell;
    this.docks = new Map(); // roomId -> {element, list, frames, cards: Map<widgetId, card>}
    this.roomId = null;
    this.element = h("aside#dock.dock", { "aria-label": "Widgets" });
  }

  #dockFor(roomId) {
    let d = this.docks.get(roomId);
    if (d) return d;
    const list = h("ul.widget-list");
    const frames = h("div.widget-frames");
    const addButton = h("button.btn.small", { type: "button", dataset: { action: "add-widget" }, onclick: () => this.addWidget(roomId) }, "+ Add widget");
    const element = h(
      "div.room-dock",
      { dataset: { roomId }, hidden: true },
      h(
        "div.dock-head",
        h("button.btn.small.ghost.dock-close", { type: "button", onclick: () => this.shell.roomView.toggleDock(false) }, "‹ Chat"),
        h("h2", "Widgets"),
        addButton,
      ),
      list,
      frames,
    );
    this.element.appendChild(element);
    d = { element, list, frames, cards: new Map() };
    this.docks.set(roomId, d);
    return d;
  }

  show(roomId) {
    this.roomId = roomId;
    for (const [id, d] of this.docks) d.element.hidden = id !== roomId;
    if (roomId) {
      const d = this.#dockFor(roomId);
      d.element.hidden = false;
      this.refresh(roomId);
    }
  }

  refreshAll() {
    for (const id of this.docks.keys()) this.refresh(id);
    this.tick();
    if (this.roomId) this.shell.roomView.header();
  }

  /** Re-renders a room's widget list (never its open cards). */
  refresh(roomId) {
    const d = this.docks.get(roomId);
    const room = this.matrix.rooms.get(roomId);
    if (!d || !room) return;
    const items = room.widgets;
    const signature = JSON.stringify(items.map(({ id, content }) => [id, content.name, content.url, content.creatorUserId, !!this.widgets.session(roomId, id), room.memberName(content.creatorUserId)]));
    if (d.signature === signature) return;
    d.signature = signature;
    if (!items.length) {
      fill(
        d.list,
        h("li.empty-line.dock-empty", h("strong", "No widgets here yet."), " Add one: it gets no access until you open it and allow what it asks for."),
      );
    } else {
      fill(
        d.list,
        items.map(({ id, content }) => {
          const s = this.widgets.session(roomId, id);
          let host = "";
          try {
            host = new URL(content.url).host;
          } catch {}
          return h(
            "li.widget-item",
            { dataset: { widgetId: id } },
            avatar(content.name || host, content.url),
            h(
              "div.widget-item-text",
              h("span.widget-item-name", content.name || "Unnamed widget"),
              h("span.widget-item-meta", `${host} · added by ${room.memberName(content.creatorUserId)}`),
            ),
            s
              ? h("button.btn.small", { type: "button", dataset: { action: "close-widget" }, "aria-label": `Close ${content.name}`, onclick: () => s.w.close("closed") }, "Close")
              : h("button.btn.small.primary", { type: "button", dataset: { action: "open-widget" }, "aria-label": `Open ${content.name}`, onclick: () => this.open(roomId, content) }, "Open"),
            h(
              "button.icon-button",
              { type: "button", title: "Remove from room", "aria-label": `Remove ${content.name} from the room`, onclick: () => this.remove(roomId, content) },
              h("span.icon.trash", { "aria-hidden": "true" }),
            ),
          );
        }),
      );
    }
    // Widgets whose definition left the room close (their tokens are revoked).
    for (const s of this.widgets.live()) if (s.roomId === roomId && !items.some((i) => i.id === s.widgetId)) s.w.close("removed");
  }

  /**
   * Opens a room widget in a new card: a widget someone else added first asks, in the card, to
   * load at all; the permission prompt follows when it asks.
   */
  open(roomId, content) {
    const d = this.#dockFor(roomId);
    d.cards.get(content.id)?.element.remove();
    // Opened again: its "closed" notice gives way to the new card.
    for (const old of d.frames.querySelectorAll(".widget-card.closed")) if (old.dataset.widgetId === content.id) old.remove();
    const frame = h("div.widget-frame");
    const status = h("span.widget-status");
    const closeBtn = h("button.icon-button", { type: "button", title: "Close (revokes its pass)", "aria-label": `Close ${content.name}`, dataset: { action: "close-card" } }, h("span.icon.close", { "aria-hidden": "true" }));
    let host = "";
    try {
      host = new URL(content.url).host;
    } catch {}
    const element = h(
      "article.widget-card",
      { dataset: { widgetId: content.id }, "aria-label": content.name },
      h(
        "header.widget-card-head",
        h("div.widget-card-title", h("strong", content.name || "Widget"), h("span.muted", host)),
        h("a.btn.small.ghost", { href: "#/permissions", dataset: { action: "permissions" }, "aria-label": `Permissions of ${content.name || "this widget"}` }, "Permissions"),
        closeBtn,
      ),
      h("div.widget-card-status", status),
      frame,
    );
    d.frames.prepend(element);
    let w;
    try {
      w = this.widgets.open(roomId, content, frame);
    } catch (e) {
      fill(frame, h("p.form-error", { role: "alert" }, `This widget can't be opened: ${e.message}`));
      closeBtn.onclick = () => element.remove();
      return;
    }
    const card = { element, status, w, content };
    d.cards.set(content.id, card);
    closeBtn.onclick = () => w.close("closed");
    w.addEventListener("closed", (ev) => this.#closed(roomId, card, ev.detail?.reason));
    this.#status(card);
    this.refresh(roomId);
    return w;
  }

  #status(card) {
    const s = sessionStatus(card.w);
    card.status.textContent = s.text;
    card.status.dataset.tone = s.tone;
  }

  #closed(roomId, card, reason) {
    const d = this.docks.get(roomId);
    if (!d) return;
    const why =
      reason === "declined"
        ? "You chose not to load it: nothing was fetched from its server."
        : reason === "revoked" ? "You revoked its access." : reason === "expired" ? "Its approval expired." : reason === "removed" ? "It was removed from the room." : "You closed it.";
    card.element.classList.add("closed");
    fill(
      card.element,
      h(
        "div.widget-closed",
        { role: "status" },
        h("p", h("strong", card.content.name), reason === "declined" ? ` isn't loaded. ${why}` : ` is closed. ${why} Its pass no longer works.`),
        h(
          "div.row",
          reason !== "removed" ? h("button.btn.small", { type: "button", onclick: () => this.open(roomId, card.content) }, "Open again") : null,
          h("button.btn.small.ghost", { type: "button", onclick: () => card.element.remove() }, "Dismiss"),
        ),
      ),
    );
    d.cards.delete(card.content.id);
    this.refresh(roomId);
  }

  tick() {
    for (const d of this.docks.values()) for (const card of d.cards.values()) this.#status(card);
  }

  async remove(roomId, content) {
    const room = this.matrix.rooms.get(roomId);
    const ok = await confirmDialog({
      title: `Remove ${content.name || "this widget"}?`,
      text: `It disappears from ${room?.name ?? "the room"} for everyone, and closes wherever it is open.`,
      confirm: "Remove",
      danger: true,
    });
    if (!ok) return;
    try {
      const type = room?.widgets.find((w) => w.id === content.id)?.type ?? WIDGET_STATE_TYPE;
      await this.matrix.sendState(roomId, type, content.id, {});
    } catch (e) {
      await confirmDialog({ title: "Couldn't remove the widget", text: e.errcode === "M_FORBIDDEN" ? "You don't have permission to change widgets in this room." : e.message, confirm: "OK" });
    }
  }

  /** "Add a widget": one of the examples, or any widget URL. Sends the room widget state event. */
  addWidget(roomId) {
    const room = this.matrix.rooms.get(roomId);
    const widgetOrigin = this.shell.config.widgetOrigin;
    return modal({
      label: "Add a widget",
      className: "add-widget",
      build: (close) => {
        const choices = EXAMPLE_WIDGETS.map((w, i) =>
          h(
            "label.choice",
            h("input", { type: "radio", name: "widget-choice", value: w.key, checked: i === 0 }),
            h("span.choice-text", h("strong", w.name), h("span.muted", w.summary)),
          ),
        );
        const customRadio = h("input", { type: "radio", name: "widget-choice", value: "custom" });
        const customName = h("input#custom-widget-name", { placeholder: "My widget", maxlength: 80 });
        const customUrl = h("input#custom-widget-url", { type: "url", placeholder: "https://widgets.example.org/index.html?room=$matrix_room_id" });
        const enableCustom = () => (customRadio.checked = true);
        customName.addEventListener("focus", enableCustom);
        customUrl.addEventListener("focus", enableCustom);
        const error = h("p.form-error", { role: "alert", hidden: true });
        const submit = h("button.btn.primary", { type: "submit" }, "Add widget");
        const fail = (text) => {
          error.textContent = text;
          error.hidden = false;
          submit.disabled = false;
          submit.textContent = "Add widget";
        };
        return h(
          "form.modal-body",
          {
            onsubmit: async (ev) => {
              ev.preventDefault();
              error.hidden = true;
              const key = ev.target.querySelector("input[name=widget-choice]:checked")?.value;
              let name;
              let url;
              let summary;
              if (key === "custom") {
                name = customName.value.trim() || "Widget";
                try {
                  const u = new URL(customUrl.value.trim());
                  if (!/^https?:$/.test(u.protocol)) return fail("The widget address must start with https:// or http://.");
                  if (u.origin === location.origin) return fail("A widget can't be served from this client's own address: it could lift its own sandbox.");
                  url = customUrl.value.trim();
                } catch {
                  return fail("Enter the widget's full address (https://…).");
                }
              } else {
                const ex = EXAMPLE_WIDGETS.find((w) => w.key === key);
                if (!widgetOrigin) return fail("This client doesn't know where the example widgets are served. Use a widget address instead.");
                ({ name, summary } = ex);
                url = widgetOrigin + ex.path;
              }
              submit.disabled = true;
              submit.textContent = "Adding…";
              const id = newWidgetId(key === "custom" ? "widget" : key);
              try {
                await this.matrix.sendState(roomId, WIDGET_STATE_TYPE, id, widgetContent({ id, name, url, creatorUserId: this.matrix.userId, summary }));
                close(id);
              } catch (e) {
                fail(e.errcode === "M_FORBIDDEN" ? "You don't have permission to add widgets in this room (ask a moderator)." : `Couldn't add it: ${e.message}`);
              }
            },
          },
          h("h2", `Add a widget to ${room?.name ?? "this room"}`),
          h("p.muted", "Everyone in the room will see it. It gets no access until someone opens it and allows what it asks for."),
          h("fieldset.choices", h("legend", "Example widgets"), choices),
          h(
            "fieldset.choices",
            h("legend", "Or any widget"),
            h("label.choice", customRadio, h("span.choice-text", h("strong", "A widget address"), h("span.muted", "Any Matrix widget: it goes through the same prompt."))),
            h("div.custom-fields", h("label", { for: "custom-widget-name" }, "Name"), customName, h("label", { for: "custom-widget-url" }, "Address"), customUrl),
          ),
          error,
          h("div.modal-actions", h("button.btn", { type: "button", onclick: () => close(undefined) }, "Cancel"), submit),
        );
      },
    });
  }
}

