// The signed-in layout: sidebar (rooms, Permissions, Log out), the room screen (timeline,
// composer, widgets dock) and the Permissions screen. Built once per login; lists re-render,
// widget iframes are created once by the widget host and never moved (moving reloads them,
// removing one revokes its token).
import { h, fill, avatar, localpart } from "../lib/dom.mjs";
import { RoomView } from "./room.mjs";
import { Dock } from "./dock.mjs";
import { PermissionsView } from "./permissions.mjs";
import { confirmDialog, newRoomDialog } from "./dialogs.mjs";

const NARROW = "(max-width: 760px)";

export class Shell {
  /**
   * `extras` (all optional) lets a session type add to the shell without changing it:
   *   pages: [{name, label, icon, view, nav}]  more screens at #/<name>[/<arg>] (view: element, render(arg), tick())
   *   onUnknownRoom(roomId) -> true when it handled a room this session can't see
   *   composerHint(room) -> a placeholder for the composer, or null
   *   logoutDialog() -> confirmDialog options replacing the default ones
   *   profile: false  skips the display-name lookup
   *   dispose()  called when the shell goes
   */
  constructor({ root, matrix, widgets, config, onLogout, lastRoom, extras = {} }) {
    this.root = root;
    this.extras = extras;
    this.pages = new Map((extras.pages ?? []).map((p) => [p.name, p]));
    this.matrix = matrix;
    this.widgets = widgets;
    this.config = config;
    this.onLogout = onLogout;
    this.lastRoom = lastRoom;
    this.roomId = null;
    this.narrow = matchMedia(NARROW);

    this.roomList = h("ul.room-list", { "aria-label": "Rooms" });
    this.permCount = h("span.count", { hidden: true });
    this.permLink = h("a.nav-item", { href: "#/permissions", dataset: { nav: "permissions" } }, h("span.icon.shield", { "aria-hidden": "true" }), "Permissions", this.permCount);
    this.banner = h("div.banner", { role: "status", hidden: true });
    this.pageLinks = [...this.pages.values()]
      .filter((p) => p.nav !== false)
      .map((p) => h("a.nav-item", { href: `#/${p.name}`, dataset: { nav: p.name } }, h(`span.icon.${p.icon ?? "shield"}`, { "aria-hidden": "true" }), p.label));

    const me = matrix.userId;
    this.sidebar = h(
      "aside.sidebar",
      { "aria-label": "Navigation" },
      h("div.brand", h("span.logo", { "aria-hidden": "true" }), h("span", "mxscope"), h("span.brand-sub", "web")),
      (this.me = h("div.me", avatar(localpart(me), me, "sm"), h("div.me-text", h("strong", localpart(me)), h("span.muted", me)))),
      h(
        "div.sidebar-section",
        h("div.section-head", h("h2", "Rooms"), h("button.btn.small.ghost", { type: "button", "aria-label": "New room", onclick: () => this.newRoom() }, "+ New")),
        this.roomList,
      ),
      h(
        "nav.sidebar-foot",
        { "aria-label": "Account" },
        this.pageLinks,
        this.permLink,
        h("button.nav-item", { type: "button", dataset: { action: "logout" }, onclick: () => this.logout() }, h("span.icon.exit", { "aria-hidden": "true" }), "Log out"),
      ),
    );

    this.dock = new Dock({ matrix, widgets, shell: this });
    this.roomView = new RoomView({ matrix, widgets, shell: this, dock: this.dock });
    this.permissions = new PermissionsView({ matrix, widgets, shell: this });
    this.main = h("div.main", this.banner, this.roomView.element, this.permissions.element, [...this.pages.values()].map((p) => p.view.element));
    this.element = h("div.shell", { dataset: { screen: "rooms", loading: "true" } }, this.sidebar, this.main);
    fill(root, this.element);

    this.onSync = (ev) => this.#synced(ev.detail);
    this.onEcho = (ev) => ev.detail.roomId === this.roomId && this.roomView.renderTimeline();
    this.onStatus = (ev) => this.#status(ev.detail);
    this.onWidgets = () => this.#widgetsChanged();
    this.onHash = () => this.route();
    this.onMedia = () => this.route();
    matrix.addEventListener("sync", this.onSync);
    matrix.addEventListener("echo", this.onEcho);
    matrix.addEventListener("status", this.onStatus);
    widgets.addEventListener("change", this.onWidgets);
    addEventListener("hashchange", this.onHash);
    this.narrow.addEventListener("change", this.onMedia);
    this.tick = setInterval(() => {
      this.dock.tick();
      if (this.screen === "permissions") this.permissions.tick();
      this.pages.get(this.screen)?.view.tick?.();
    }, 1000);
    this.renderRooms();
    this.route();
    if (extras.profile !== false) matrix
      .request("GET", `/_matrix/client/v3/profile/${encodeURIComponent(me)}/displayname`)
      .then((r) => r.displayname && fill(this.me, avatar(r.displayname, me, "sm"), h("div.me-text", h("strong", r.displayname), h("span.muted", me))))
      .catch(() => {});
  }

  get screen() {
    return this.element.dataset.screen;
  }

  route() {
    const hash = location.hash.replace(/^#\/?/, "");
    const [what, ...rest] = hash.split("/");
    if (what === "permissions") return this.#show("permissions");
    if (this.pages.has(what)) return this.#show(what, null, rest.map(decodeURIComponent).join("/"));
    if (what === "room" && rest.length) {
      const id = decodeURIComponent(rest.join("/"));
      if (this.matrix.synced && !this.matrix.rooms.has(id)) {
        if (this.extras.onUnknownRoom?.(id)) return;
        location.replace("#/");
        return;
      }
      return this.#show("room", id);
    }
    // No room chosen: a wide window opens the last (or first) room; a narrow one lists rooms.
    if (!this.narrow.matches && this.matrix.synced) {
      const rooms = this.matrix.roomList();
      const last = this.lastRoom.get();
      const pick = rooms.find((r) => r.id === last) ?? rooms.find((r) => r.membership === "join") ?? rooms[0];
      if (pick) {
        location.replace(`#/room/${encodeURIComponent(pick.id)}`);
        return;
      }
    }
    this.#show("rooms");
  }

  #show(screen, roomId = null, arg = "") {
    this.element.dataset.screen = screen;
    if (screen === "room") {
      if (roomId !== this.roomId) {
        this.roomId = roomId;
        this.lastRoom.set(roomId);
        const room = this.matrix.rooms.get(roomId);
        if (room) room.unread = 0;
      }
      this.roomView.show(this.roomId);
      this.dock.show(this.roomId);
    } else if (screen === "permissions") {
      this.permissions.render();
    } else if (this.pages.has(screen)) {
      this.pages.get(screen).view.render(arg);
    }
    this.#title();
    this.renderRooms();
    this.permLink.toggleAttribute("aria-current", screen === "permissions");
    if (screen === "permissions") this.permLink.setAttribute("aria-current", "page");
    for (const a of this.pageLinks) {
      if (a.dataset.nav === screen) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  #title() {
    const room = this.roomId && this.matrix.rooms.get(this.roomId);
    const t = this.screen === "permissions" ? "Permissions" : this.pages.has(this.screen) ? this.pages.get(this.screen).label : this.screen === "room" && room ? room.name : "Rooms";
    document.title = `${t} · mxscope web`;
  }

  #synced({ initial, rooms }) {
    if (initial) {
      delete this.element.dataset.loading;
      this.route();
    }
    this.renderRooms();
    if (this.roomId && rooms.has(this.roomId)) {
      const room = this.matrix.rooms.get(this.roomId);
      if (room) room.unread = 0;
      if (room?.membership === "leave") {
        this.roomId = null;
        location.replace("#/");
        return;
      }
      this.roomView.show(this.roomId);
      this.dock.show(this.roomId);
      this.#title();
    }
    for (const id of rooms) if (id !== this.roomId) this.dock.refresh(id);
    if (this.screen === "permissions") this.permissions.render();
    if (this.pages.has(this.screen)) this.pages.get(this.screen).view.synced?.(rooms);
  }

  #status({ state, retryIn }) {
    if (state === "retrying") {
      this.banner.hidden = false;
      this.banner.className = "banner warn";
      this.banner.textContent = `Can't reach the homeserver. Trying again in ${retryIn} s…`;
    } else if (state === "connecting" && this.matrix.synced) {
      this.banner.hidden = false;
      this.banner.className = "banner";
      this.banner.textContent = "Reconnecting…";
    } else {
      this.banner.hidden = true;
    }
  }

  #widgetsChanged() {
    const n = this.widgets.live().filter((s) => s.w.state !== "consent").length;
    this.permCount.hidden = n === 0;
    this.permCount.textContent = String(n);
    this.permCount.setAttribute("aria-label", `${n} widget${n === 1 ? "" : "s"} with access`);
    this.dock.refreshAll();
    if (this.screen === "permissions") this.permissions.render();
  }

  renderRooms() {
    if (!this.matrix.synced) {
      fill(this.roomList, [1, 2, 3].map(() => h("li.skeleton", { "aria-hidden": "true" }, h("span"), h("span"))));
      this.roomList.setAttribute("aria-busy", "true");
      return;
    }
    this.roomList.removeAttribute("aria-busy");
    const rooms = this.matrix.roomList();
    if (!rooms.length) {
      fill(this.roomList, h("li.empty-line", "No rooms yet. Create one with “+ New”."));
      return;
    }
    fill(
      this.roomList,
      rooms.map((r) => {
        const last = [...r.timeline].reverse().find((e) => e.type === "m.room.message");
        const preview =
          r.membership === "invite"
            ? `Invited by ${r.inviter ? localpart(r.inviter) : "someone"}`
            : last
              ? `${last.sender === this.matrix.userId ? "You" : r.memberName(last.sender)}: ${last.content?.body ?? ""}`
              : r.topic || "No messages yet";
        const current = this.screen === "room" && r.id === this.roomId;
        return h(
          "li",
          h(
            "a.room-item",
            { href: `#/room/${encodeURIComponent(r.id)}`, "aria-current": current ? "page" : null, dataset: { roomId: r.id } },
            avatar(r.name, r.id),
            h("span.room-item-text", h("span.room-item-name", r.name), h("span.room-item-preview", preview)),
            r.membership === "invite" ? h("span.badge.accent", "Invite") : r.unread ? h("span.badge", { "aria-label": `${r.unread} unread` }, String(r.unread)) : null,
          ),
        );
      }),
    );
  }

  async newRoom() {
    const id = await newRoomDialog(this.matrix);
    if (id) {
      this.matrix.room(id).lastActive = Date.now();
      location.hash = `#/room/${encodeURIComponent(id)}`;
    }
  }

  async logout() {
    const n = this.widgets.live().length;
    const custom = this.extras.logoutDialog?.();
    const ok = await confirmDialog(custom ?? {
      title: "Log out?",
      text: `You're signed in as ${this.matrix.userId}. Logging out:`,
      details: [
        "revokes this login's root pass, and with it every widget pass made from it" + (n ? ` (${n} open widget${n === 1 ? "" : "s"} will close)` : ""),
        "ends the session on the homeserver",
        "deletes this browser's keys and remembered widget approvals and trusted widget domains for this login",
      ],
      confirm: "Log out",
      danger: true,
    });
    if (ok) await this.onLogout();
  }

  dispose() {
    clearInterval(this.tick);
    this.extras.dispose?.();
    this.matrix.removeEventListener("sync", this.onSync);
    this.matrix.removeEventListener("echo", this.onEcho);
    this.matrix.removeEventListener("status", this.onStatus);
    this.widgets.removeEventListener("change", this.onWidgets);
    removeEventListener("hashchange", this.onHash);
    this.narrow.removeEventListener("change", this.onMedia);
    for (const d of document.querySelectorAll("dialog")) d.remove();
  }
}
