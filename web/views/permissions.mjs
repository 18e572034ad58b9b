// The Permissions screen: every widget pass alive now (what it can do in plain language, time
// left, what it did, Revoke), the remembered approvals (each revocable), the widget domains that
// load without asking (each removable), recently ended widgets (whose passes the verifier now
// refuses), and this login.
import { h, fill, avatar, clock, duration, dateTime, localpart } from "../lib/dom.mjs";
import { sessionStatus } from "./dock.mjs";
import { RISK } from "./token-ui.mjs";

const EVENT_WORDS = {
  "m.room.message": "messages",
  "m.room.power_levels": "who the admins and moderators are",
  "m.room.member": "membership (invite, remove, ban)",
  "m.room.topic": "the topic",
  "m.room.name": "the room name",
  "m.room.avatar": "the room picture",
  "m.room.encryption": "encryption settings",
  "m.reaction": "reactions",
  "m.sticker": "stickers",
};
const MSGTYPE_WORDS = { "m.text": "text messages", "m.notice": "notices", "m.emote": "emotes", "m.image": "images", "m.file": "files" };

const REASONS = {
  action_not_allowed: "you didn't allow that",
  event_not_allowed: "you didn't allow that kind of event",
  room_not_allowed: "outside the room you allowed",
  room_required: "outside the room you allowed",
  token_revoked: "its pass is revoked",
  token_expired: "its pass has expired",
  no_token: "it has no approved permissions",
  unsupported: "this client doesn't support that",
  declined: "you declined",
};

/** One of a kind: "a text message", "a notice", "an “org.example.x” event". */
const ONE = { "m.text": "a text message", "m.notice": "a notice", "m.emote": "an emote", "m.image": "an image", "m.file": "a file" };
const one = (eventType, key) => (eventType === "m.room.message" ? ONE[key] ?? "a message" : eventType === "m.reaction" ? "a reaction" : `an “${eventType}” event`);

const what = (eventType, key) => (eventType === "m.room.message" && key ? MSGTYPE_WORDS[key] ?? `“${key}” messages` : EVENT_WORDS[eventType] ?? (eventType ? `“${eventType}” events` : "events"));

export class PermissionsView {
  constructor({ matrix, widgets, shell }) {
    this.matrix = matrix;
    this.widgets = widgets;
    this.shell = shell;
    this.collapsed = new Set(); // activity logs a person collapsed (keyed by widget session)
    this.live = h("div.perm-list", { dataset: { section: "live" } });
    this.remembered = h("div.perm-list", { dataset: { section: "remembered" } });
    this.trusted = h("div.perm-list", { dataset: { section: "trusted" } });
    this.ended = h("div.perm-list", { dataset: { section: "ended" } });
    this.loginBox = h("div.perm-login");
    this.element = h(
      "section.permissions-screen",
      { "aria-labelledby": "perm-title" },
      h(
        "header.page-head",
        h("a.btn.small.ghost.back", { href: "#/", "aria-label": "Back to rooms" }, "‹ Rooms"),
        h("div", h("h1#perm-title", "Permissions"), h("p.lede", "Each widget acts with its own pass: only what you allowed, only in its room, for minutes at a time. Revoke one and the widget loses access at once.")),
      ),
      h("div.page-body", h("section.perm-section", { "aria-labelledby": "perm-live" }, h("h2#perm-live", "Widgets with access now"), this.live),
        h("section.perm-section", { "aria-labelledby": "perm-remembered" }, h("h2#perm-remembered", "Remembered approvals"), h("p.muted.section-lede", "Widgets you allowed for a while. They open without asking until the time runs out or you revoke it."), this.remembered),
        h("section.perm-section", { "aria-labelledby": "perm-trusted" }, h("h2#perm-trusted", "Widget domains you trust"), h("p.muted.section-lede", "Widgets from these domains load without asking first, whoever added them. They still ask before they can do anything."), this.trusted),
        h("section.perm-section", { "aria-labelledby": "perm-ended" }, h("h2#perm-ended", "Recently closed"), this.ended),
        h("section.perm-section", { "aria-labelledby": "perm-login" }, h("h2#perm-login", "This login"), this.loginBox)),
    );
    widgets.addEventListener("activity", () => this.shell.screen === "permissions" && this.renderLive());
  }

  roomName(id) {
    return this.matrix.rooms.get(id)?.name ?? id;
  }

  /** Room ids in SDK text, replaced with room names. */
  names(text) {
    return String(text ?? "").replace(/![A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-:[\]]+/g, (id) => (this.matrix.rooms.has(id) ? this.roomName(id) : id));
  }

  render() {
    this.renderLive();
    this.renderRemembered();
    this.renderTrusted();
    this.renderEnded();
    this.renderLogin();
  }

  tick() {
    const now = Date.now();
    for (const el of this.element.querySelectorAll("[data-until]")) {
      const left = Number(el.dataset.until) - now;
      el.textContent = left > 0 ? duration(left) : "now";
    }
    for (const card of this.live.querySelectorAll(".perm-card")) {
      const s = this.widgets.session(card.dataset.roomId, card.dataset.widgetId);
      const st = s && card.querySelector(".perm-status-text");
      if (st) st.textContent = sessionStatus(s.w, now).text;
    }
  }

  renderLive() {
    // A widget still asking whether to load has no access (its card is in the room).
    const sessions = this.widgets.live().filter((s) => s.w.state !== "consent");
    if (!sessions.length) {
      fill(this.live, h("div.empty-card", h("p", h("strong", "No widget has access right now.")), h("p.muted", "Open a widget in a room; while it's open it shows up here with exactly what it may do.")));
      return;
    }
    fill(this.live, sessions.map((s) => this.#liveCard(s)));
  }

  #liveCard(s) {
    const { w, roomId, content } = s;
    const key = `${roomId}|${s.widgetId}|${s.openedAt}`;
    const st = sessionStatus(w);
    const sentences = w.sentences();
    const can = sentences.filter((x) => x.kind === "permission");
    // The pass's own expiry is the status line's "renews in"; the other limits are listed.
    const limits = sentences.filter((x) => x.kind !== "permission" && x.kind !== "time");
    let host = "";
    try {
      host = new URL(content.url).host;
    } catch {}
    const activity = [...w.activity].reverse().slice(0, 50);
    const details = h(
      "details.activity",
      { open: !this.collapsed.has(key), ontoggle: (ev) => (ev.target.open ? this.collapsed.delete(key) : this.collapsed.add(key)) },
      h("summary", h("h4", `What it did (${w.activity.length})`)),
      activity.length ? h("ol.activity-list", activity.map((a) => this.#activity(a))) : h("p.muted", "Nothing yet."),
    );
    const body = h(
      "div.perm-card-body",
      h(
        "div",
        can.length
          ? h("div.can", h("h4", "It can"), h("ul.sentences", can.map((x) => h("li", { dataset: { risk: x.risk } }, h(`span.risk.risk-${x.risk}`, RISK[x.risk] ?? x.risk), h("span", this.names(x.text))))))
          : w.token
            ? h("p.muted", "It can't do anything: you allowed nothing it asked for.")
            : h("p.muted", "Nothing yet: it is waiting for your answer."),
        limits.length ? h("ul.limits", limits.map((x) => h("li", this.names(x.text)))) : null,
      ),
      details,
    );
    return h(
      "article.perm-card",
      { dataset: { widgetId: s.widgetId, roomId }, "aria-label": `${content.name} in ${this.roomName(roomId)}` },
      h(
        "header.perm-card-head",
        avatar(content.name || host, content.url),
        h("div.perm-card-title", h("h3", content.name || host), h("p.muted", `in ${this.roomName(roomId)} · from ${host} · added by ${this.matrix.rooms.get(roomId)?.memberName(content.creatorUserId) ?? content.creatorUserId}`)),
        h("button.btn.danger.small", { type: "button", dataset: { action: "revoke" }, "aria-label": `Revoke ${content.name}'s access`, onclick: () => w.revoke() }, "Revoke"),
      ),
      h(
        "p.perm-status",
        { dataset: { tone: st.tone } },
        h("span.perm-status-text", st.text),
        w.token && w.state !== "closed" ? h("span.muted", " · current pass renews in ", h("span", { dataset: { until: String(w.tokenExpiresAt) } }, duration(w.tokenExpiresAt - Date.now()))) : null,
      ),
      body,
    );
  }

  #activity(a) {
    const text = a.allowed ? this.#did(a) : this.#refused(a);
    return h(`li${a.allowed ? "" : ".refused"}`, h("time", clock(a.at)), h("span.activity-text", text));
  }

  #did(a) {
    const sum = a.summary ?? a.action;
    let m;
    // The host's summaries: "m.room.message (m.text) in !room", "read 3 m.room.message (m.text) event(s) in !room".
    if (a.action === "send_event" && (m = /^(\S+?)(?: \[(.*)\])?(?: \((\S+)\))? in (\S+)$/.exec(sum))) {
      return m[2] !== undefined ? `Changed ${what(m[1])} in ${this.names(m[4])}` : `Sent ${one(m[1], m[3])} in ${this.names(m[4])}`;
    }
    if ((m = /^read (\d+) (\S+)(?: \((\S+)\))? event\(s\) in (\S+)$/.exec(sum))) return `Read ${m[1]} ${what(m[2], m[3])} in ${this.names(m[4])}`;
    if (a.action === "capabilities") return sum.replace(/^approved/, "You approved").replace(/^declined every permission/, "You declined every permission").replace(/permission\(s\)/, "permissions").replace(/^remembered approval/, "Opened with a remembered approval");
    if (a.action === "close") return sum.replace(/^closed \((\w+)\); its token is revoked$/, (_, r) => `Closed (${r === "revoked" ? "you revoked it" : r === "closed" ? "you closed it" : r}); its pass is revoked`);
    if (a.action === "load") return sum.replace(/^you chose to load it$/, "You chose to load it").replace(/^loaded; widgets from (\S+) now load without asking$/, (_, o) => `You chose to load it, and to always load widgets from ${o.replace(/^https?:\/\//, "")}`);
    if (a.action === "get_token") return "Took its pass (to use with its own server)";
    return this.names(sum);
  }

  #refused(a) {
    const r = a.request ?? {};
    let tried;
    switch (r.action) {
      case "send_message":
        tried = `send ${what("m.room.message", r.key)}`;
        break;
      case "send_event":
        tried = `send ${what(r.eventType)}`;
        break;
      case "send_state":
        tried = `change ${what(r.eventType)}`;
        break;
      case "read_timeline":
        tried = `read ${what(r.eventType, r.key)}`;
        break;
      case "read_state":
        tried = `read ${what(r.eventType)}`;
        break;
      default:
        tried = (r.action ?? a.action ?? "do something").replace(/_/g, " ");
    }
    const where = r.roomId ? ` in ${this.names(r.roomId)}` : "";
    const why = REASONS[a.reason] ?? this.names(a.detail ?? a.reason ?? "not allowed");
    return [h("strong", "Refused: "), `tried to ${tried}${where} (${why})`];
  }

  renderRemembered() {
    const list = this.widgets.remembered();
    if (!list.length) {
      fill(this.remembered, h("div.empty-card", h("p.muted", "Nothing remembered. When you allow a widget for 1 hour or 30 days, it's listed here.")));
      return;
    }
    fill(
      this.remembered,
      list.map((g) =>
        h(
          "article.perm-card.compact",
          { dataset: { grantKey: g.key } },
          h(
            "header.perm-card-head",
            avatar(g.widgetName, g.where),
            h("div.perm-card-title", h("h3", g.widgetName), h("p.muted", `in ${g.roomName} · from ${g.where} · until ${dateTime(g.expiresAt)} (`, h("span", { dataset: { until: String(g.expiresAt) } }, duration(g.expiresAt - Date.now())), " left)")),
            h("button.btn.danger.small", { type: "button", dataset: { action: "forget" }, "aria-label": `Revoke the remembered approval of ${g.widgetName}`, onclick: () => this.widgets.forget(g.key) }, "Revoke"),
          ),
          g.lines.length
            ? h("ul.sentences", g.lines.map((x) => h("li", { dataset: { risk: x.risk } }, h(`span.risk.risk-${x.risk}`, RISK[x.risk] ?? x.risk), h("span", this.names(x.text)))))
            : h("p.muted", "Remembered: allow nothing it asks for."),
        ),
      ),
    );
  }

  renderTrusted() {
    const list = this.widgets.trustedDomains();
    if (!list.length) {
      fill(this.trusted, h("div.empty-card", h("p.muted", "None. A widget someone else adds asks before it loads; tick “Always load widgets from …” there to list its domain here.")));
      return;
    }
    fill(
      this.trusted,
      h(
        "ul.trusted-list",
        list.map((d) =>
          h(
            "li",
            { dataset: { origin: d.origin } },
            h("span.trusted-domain", d.host),
            h("button.btn.small", { type: "button", dataset: { action: "untrust" }, "aria-label": `Stop trusting ${d.host}`, onclick: () => this.#untrust(d.origin) }, "Remove"),
          ),
        ),
      ),
    );
  }

  #untrust(origin) {
    this.widgets.untrust(origin);
    // The button is gone: keep keyboard focus in the section instead of dropping it to the page.
    const head = this.element.querySelector("#perm-trusted");
    head.setAttribute("tabindex", "-1");
    head.focus();
  }

  renderEnded() {
    const ended = this.widgets.ended;
    if (!ended.length) {
      fill(this.ended, h("div.empty-card", h("p.muted", "Widgets you close or revoke are listed here, with proof that their pass no longer works.")));
      return;
    }
    fill(
      this.ended,
      h(
        "ul.ended-list",
        ended.map((s) => {
          const verdict = s.w.token ? this.widgets.verify(s.w.token) : "no_token";
          const why = { declined: "you chose not to load it", revoked: "you revoked it", closed: "you closed it", removed: "it left the page or the room", unload: "the page closed", expired: "its approval expired" }[s.reason] ?? s.reason;
          return h(
            "li",
            { dataset: { widgetId: s.widgetId, verdict } },
            h("strong", s.content.name),
            h("span.muted", ` in ${this.roomName(s.roomId)} · closed at ${clock(s.closedAt)} (${why}) · `),
            verdict === "ok"
              ? h("span.warn-text", "its pass is still accepted")
              : h("span.ok-text", verdict === "no_token" ? "it never had a pass" : `its pass is now refused (${{ token_revoked: "revoked", token_expired: "expired" }[verdict] ?? verdict})`),
          );
        }),
      ),
    );
  }

  renderLogin() {
    const m = this.matrix;
    fill(
      this.loginBox,
      h(
        "div.perm-card.compact",
        h(
          "header.perm-card-head",
          avatar(localpart(m.userId), m.userId),
          h("div.perm-card-title", h("h3", m.userId), h("p.muted", `device ${m.deviceId} · ${new URL(m.baseUrl).host}`)),
          h("button.btn.small", { type: "button", onclick: () => this.shell.logout() }, "Log out"),
        ),
        h(
          "p",
          this.widgets.login.mode === "gateway"
            ? "The gateway issued this login's root pass when you signed in (the homeserver's own token stays in the gateway). Every widget pass above is derived from it, like the tokens under Devices & tokens; logging out revokes it and, with it, every pass ever made from it."
            : "This browser made a root pass for this login when you signed in. Every widget pass above is derived from it; logging out revokes it and, with it, every pass ever made from it.",
        ),
      ),
    );
  }
}
