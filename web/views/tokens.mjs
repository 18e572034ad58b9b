// The "Devices & tokens" screen (gateway mode): sign in on another device with limited access
// (rooms, read-only or read and send, a duration: a QR code and text), tokens for scripts and bots
// (rooms, actions, duration, copy), every token of this login's family with what it may do and its
// last use (the gateway's token list, plus the tokens minted here that were never used yet),
// revoking any of them with the consequence shown first, and the limited devices' requests for
// more access (step-up).
import * as mx from "mxscope";
import { h, fill, clock, timeLabel, duration, localpart } from "../lib/dom.mjs";
import { Gateway, MintedTokens, mintOffline, headline, roomsLabel, accessKind, untilLabel, requestsIn, decodeRequest, REQUEST_PATH } from "../lib/gateway.mjs";
import { modal, confirmDialog } from "./dialogs.mjs";
import { sentenceList, tokenReveal, signInLink, radios, checks, copyButton, ago, durationChoices } from "./token-ui.mjs";

const DEVICE_DURATIONS = durationChoices(900, 3600, 28800, 86400, 604800);
const SCRIPT_DURATIONS = [
  ...durationChoices(3600, 86400, 604800, 2592000, 31536000),
  { value: "0", label: "No expiry", hint: "Until you revoke it. Prefer a date: a forgotten token stays valid." },
];
// The CLI's --allow shortcuts (docs/cli.md), as choices.
const SCRIPT_PERMISSIONS = [
  { value: "read", label: "Read messages", hint: "and see the room's name and members" },
  { value: "send", label: "Send messages", hint: "any kind of message" },
  { value: "send-text", label: "Send text messages only" },
  { value: "send-notice", label: "Send notices only", hint: "what bots usually send" },
  { value: "react", label: "React to messages" },
  { value: "media", label: "Upload and download files" },
];
const REFRESH_MS = 3000;

/** Caveats from the script dialog's choices (the CLI's shortcut semantics). */
export function scriptCaveats({ permissions, rooms, seconds, name }, now = Date.now()) {
  const actions = new Set();
  const narrowed = []; // event patterns for narrowed actions
  const narrowedActions = new Set();
  for (const p of permissions) {
    if (p === "read") ["read_timeline", "read_state"].forEach((a) => actions.add(a));
    else if (p === "send") actions.add("send_message");
    else if (p === "send-text" || p === "send-notice") {
      actions.add("send_message");
      narrowed.push({ action: "send_message", type: "m.room.message", key: p === "send-text" ? "m.text" : "m.notice" });
      narrowedActions.add("send_message");
    } else if (p === "react") {
      actions.add("send_event");
      narrowed.push({ action: "send_event", type: "m.reaction" });
      narrowedActions.add("send_event");
    } else if (p === "media") ["upload_media", "download_media"].forEach((a) => actions.add(a));
  }
  // "Send messages" (any kind) wins over a narrower send choice.
  if (permissions.includes("send")) {
    narrowedActions.delete("send_message");
    for (let i = narrowed.length - 1; i >= 0; i--) if (narrowed[i].action === "send_message") narrowed.splice(i, 1);
  }
  const caveats = { actions: [...actions], name };
  if (rooms) caveats.rooms = rooms;
  if (seconds > 0) caveats.notAfter = now + seconds * 1000;
  if (narrowed.length) {
    // Event patterns apply to every event-bearing action: the others keep every type.
    const eventful = new Set(mx.actions.filter((a) => a.events !== "none").map((a) => a.name));
    caveats.events = [...narrowed, ...[...actions].filter((a) => eventful.has(a) && !narrowedActions.has(a)).map((a) => ({ action: a, type: "*" }))];
  }
  return caveats;
}

/** Caveats for a limited device: rooms, read-only or read and send, a duration. */
export function deviceCaveats({ rooms, send, seconds, name }, now = Date.now()) {
  return {
    actions: send ? ["read_timeline", "read_state", "send_message"] : ["read_timeline", "read_state"],
    rooms,
    notAfter: now + seconds * 1000,
    name,
  };
}

/** The gateway's scope JSON in the SDK's shape (times in ms). */
function scopeFromGateway(s) {
  if (!s) return null;
  return {
    fullAccount: !!s.full_account,
    actions: s.actions ?? [],
    rooms: s.rooms ?? null,
    events: s.events ?? null,
    notBefore: s.not_before ? s.not_before * 1000 : null,
    notAfter: s.not_after ? s.not_after * 1000 : null,
    name: s.name ?? null,
    sealed: !!s.sealed,
  };
}

const ACTION_PHRASES = {
  read_timeline: (r) => (r ? `read messages in ${r}` : "sync (receive new messages)"),
  read_state: (r) => `see the room details of ${r ?? "a room"}`,
  send_message: (r) => `send a message in ${r ?? "a room"}`,
  send_event: (r) => `send an event in ${r ?? "a room"}`,
  send_state: (r) => `change the settings of ${r ?? "a room"}`,
  redact: (r) => `delete a message in ${r ?? "a room"}`,
  join: (r) => `join ${r ?? "a room"}`,
  leave: (r) => `leave ${r ?? "a room"}`,
  invite: (r) => `invite someone to ${r ?? "a room"}`,
  identity: () => "look up a profile",
  account: () => "use a full-account feature",
};
const REASON_WORDS = {
  action_not_allowed: "not allowed by the token",
  room_not_allowed: "room outside the token",
  event_not_allowed: "kind of event outside the token",
  unknown_endpoint: "not available to limited tokens",
  token_revoked: "revoked",
  token_expired: "expired",
};

export class TokensView {
  constructor({ matrix, login, storage, shell }) {
    this.matrix = matrix;
    this.login = login;
    this.shell = shell;
    this.gateway = new Gateway({ baseUrl: login.baseUrl, token: login.rootToken });
    this.minted = new MintedTokens(storage);
    this.storage = storage;
    this.rootId = mx.inspect(login.rootToken).revocationIds[0];
    this.remote = []; // the gateway's list
    this.loaded = false;
    this.error = null;
    this.updatedAt = 0;
    this.lastFetch = 0;
    this.openActivity = new Set();

    this.requestsBox = h("div.perm-list", { dataset: { section: "requests" } });
    this.requestsSection = h("section.perm-section", { "aria-labelledby": "tok-requests", hidden: true }, h("h2#tok-requests", "Requests for more access"), h("p.muted.section-lede", "A device you signed in with limited access asked for more. Granting makes it a new token; nothing changes until you do."), this.requestsBox);
    this.activeBox = h("div.token-list", { dataset: { section: "active" } });
    this.endedBox = h("div.token-list", { dataset: { section: "ended" } });
    this.endedCount = h("span");
    this.status = h("p.muted.token-status", { role: "status" });
    this.pasteBox = this.#pasteRequest();
    this.loginBox = h("div");
    this.element = h(
      "section.tokens-screen.page-screen",
      { "aria-labelledby": "tokens-title" },
      h(
        "header.page-head",
        h("a.btn.small.ghost.back", { href: "#/", "aria-label": "Back to rooms" }, "‹ Rooms"),
        h(
          "div",
          h("h1#tokens-title", "Devices & tokens"),
          h("p.lede", "Give another device, a script or a bot only the access it needs, for as long as it needs it. Every token here is made from this login; revoke one and it stops working at once, with everything made from it."),
        ),
      ),
      h(
        "div.page-body",
        h(
          "div.token-actions",
          h("button.btn.primary", { type: "button", dataset: { action: "device" }, onclick: () => this.signInDevice() }, h("span.icon.device", { "aria-hidden": "true" }), "Sign in on another device…"),
          h("button.btn", { type: "button", dataset: { action: "script" }, onclick: () => this.newScriptToken() }, h("span.icon.key", { "aria-hidden": "true" }), "New token for a script or bot…"),
        ),
        this.requestsSection,
        h(
          "section.perm-section",
          { "aria-labelledby": "tok-active" },
          h("div.section-head-row", h("h2#tok-active", "Tokens in use"), this.status, h("button.btn.small.ghost", { type: "button", onclick: () => this.refresh() }, "Refresh")),
          this.activeBox,
        ),
        h("section.perm-section", { "aria-labelledby": "tok-ended" }, h("details.ended-tokens", h("summary", h("h2#tok-ended", "Revoked and expired ", this.endedCount)), this.endedBox)),
        h("section.perm-section", { "aria-labelledby": "tok-paste" }, h("h2#tok-paste", "A request sent another way"), this.pasteBox),
        h("section.perm-section", { "aria-labelledby": "tok-login" }, h("h2#tok-login", "This login"), this.loginBox),
      ),
    );
  }

  roomName(id) {
    return this.matrix.rooms.get(id)?.name ?? id;
  }
  roomNames() {
    const names = {};
    for (const r of this.matrix.rooms.values()) names[r.id] = r.name;
    return names;
  }
  /** Room ids in SDK text, replaced with room names. */
  names(text) {
    return String(text ?? "").replace(/![A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-:[\]]+/g, (id) => (this.matrix.rooms.has(id) ? this.roomName(id) : id));
  }
  joinedRooms() {
    return this.matrix.roomList().filter((r) => r.membership === "join");
  }

  render() {
    this.#renderLogin();
    this.#renderLists();
    if (Date.now() - this.lastFetch > 1000) this.refresh();
  }

  tick() {
    if (this.shell.screen !== "tokens") return;
    if (Date.now() - this.lastFetch >= REFRESH_MS && !this.fetching && document.visibilityState !== "hidden") this.refresh();
    for (const el of this.element.querySelectorAll("[data-ago]")) el.textContent = ago(Number(el.dataset.ago));
  }

  /** Fetches the family's tokens (with recent activity) from the gateway. */
  async refresh() {
    this.fetching = true;
    this.lastFetch = Date.now();
    try {
      this.remote = await this.gateway.tokens({ activity: 30 });
      this.error = null;
      this.loaded = true;
      this.updatedAt = Date.now();
    } catch (e) {
      this.error = e;
    } finally {
      this.fetching = false;
    }
    this.#renderLists();
  }

  // ---- the model: the gateway's list merged with the tokens minted here ----------------------

  nodes() {
    const byId = new Map();
    for (const t of this.remote) {
      if (t.token_id === this.rootId) continue;
      const scope = scopeFromGateway(t.scope);
      byId.set(t.token_id, {
        id: t.token_id,
        parentId: t.parent_id,
        name: t.name ?? scope?.name ?? null,
        scope,
        seen: true,
        firstSeen: t.first_seen,
        lastUsed: t.last_used,
        uses: t.uses,
        revoked: t.revoked,
        activity: t.activity ?? [],
      });
    }
    for (const r of this.minted.list()) {
      const n = byId.get(r.id);
      if (n) Object.assign(n, { kind: r.kind, token: r.token, createdAt: r.createdAt, scope: n.scope ?? r.scope, revoked: n.revoked || !!r.revokedAt });
      else if (mx.inspect(r.token).revocationIds[0] === this.rootId)
        byId.set(r.id, { id: r.id, parentId: r.parentId, name: r.name, scope: r.scope, seen: false, kind: r.kind, token: r.token, createdAt: r.createdAt, uses: 0, lastUsed: 0, revoked: !!r.revokedAt, activity: [] });
    }
    const now = Date.now();
    for (const n of byId.values()) {
      n.expired = !!n.scope?.notAfter && n.scope.notAfter < now;
      n.ended = n.revoked || n.expired;
      n.children = [];
    }
    const top = [];
    for (const n of byId.values()) {
      const p = byId.get(n.parentId);
      if (p) {
        p.children.push(n);
        n.parent = p;
      } else top.push(n);
    }
    const order = (a, b) => (b.createdAt ?? b.firstSeen ?? 0) - (a.createdAt ?? a.firstSeen ?? 0);
    for (const n of byId.values()) n.children.sort(order);
    top.sort(order);
    return { byId, top };
  }

  /** Every token made from `n` (its subtree), that is still alive. */
  descendants(n) {
    const out = [];
    const walk = (x) => x.children.forEach((c) => (out.push(c), walk(c)));
    walk(n);
    return out;
  }

  // ---- rendering ---------------------------------------------------------------------------

  #renderLists() {
    if (!this.loaded && !this.error) {
      fill(this.activeBox, h("div.empty-card", { role: "status" }, h("p.muted", "Loading the tokens of this login…")));
      return;
    }
    this.status.textContent = this.error ? `Couldn't reach the gateway: ${this.error.message}` : `Updated ${clock(this.updatedAt)}`;
    this.status.classList.toggle("warn-text", !!this.error);
    const { top } = this.nodes();
    const active = top.filter((n) => !n.ended);
    const ended = top.filter((n) => n.ended);
    fill(
      this.activeBox,
      active.length
        ? active.map((n) => this.#card(n))
        : h("div.empty-card", h("p", h("strong", "No token in use.")), h("p.muted", "Sign in on another device, or make a token for a script: it shows up here, with when it was last used.")),
    );
    this.endedCount.textContent = ended.length ? `(${ended.length})` : "";
    fill(this.endedBox, ended.length ? ended.map((n) => this.#card(n)) : h("p.muted", "Nothing yet."));
    this.#renderRequests();
  }

  #kind(n) {
    if (n.kind === "device") return { label: "Device", cls: "device" };
    if (n.kind === "script") return { label: "Script or bot", cls: "script" };
    if (n.parent) return { label: `Made from “${n.parent.name ?? "a token"}”`, cls: "derived" };
    return { label: "Token", cls: "other" };
  }

  #card(n) {
    const names = (id) => this.roomName(id);
    const kind = this.#kind(n);
    const scope = n.scope;
    const now = Date.now();
    const state = n.revoked ? "revoked" : n.expired ? "expired" : n.lastUsed && now - n.lastUsed < 45_000 ? "online" : "active";
    const stateText = { revoked: "Revoked", expired: "Expired", online: "In use now", active: "Active" }[state];
    const sentences = scope ? mx.describe(scope, { roomNames: this.roomNames(), now }) : [];
    const used = n.lastUsed
      ? [`Last used `, h("span", { dataset: { ago: String(n.lastUsed) } }, ago(n.lastUsed)), ` (${n.uses} request${n.uses === 1 ? "" : "s"})`]
      : ["Not used yet"];
    const created = n.createdAt ?? n.firstSeen;
    const title = n.name ?? "Unnamed token";
    const card = h(
      `article.perm-card.token-card${n.ended ? ".ended" : ""}`,
      { dataset: { tokenId: n.id, state, kind: kind.cls }, "aria-label": title },
      h(
        "header.perm-card-head",
        h(`span.token-icon.${kind.cls}`, { "aria-hidden": "true" }),
        h(
          "div.perm-card-title",
          h("h3", title, " ", h(`span.badge.state-${state}`, stateText)),
          h("p.muted", kind.label, scope ? ` · ${scope.fullAccount ? "full access" : `${headline(scope, now)} · ${roomsLabel(scope, names)}`}` : ""),
          h("p.muted.token-meta", created ? `${n.kind ? "Created" : "First seen"} ${timeLabel(created)} · ` : "", ...used),
        ),
        n.ended ? null : h("button.btn.danger.small", { type: "button", dataset: { action: "revoke" }, "aria-label": `Revoke ${title}`, onclick: () => this.revoke(n.id) }, "Revoke"),
      ),
      sentences.length ? h("details.token-allows", h("summary", "What it can do"), sentenceList(sentences, { skip: ["time"], names: (t) => this.names(t) })) : null,
      n.activity.length ? this.#activity(n) : null,
      n.children.length ? h("div.token-children", { "aria-label": `Made from ${title}` }, n.children.map((c) => this.#card(c))) : null,
    );
    return card;
  }

  #activity(n) {
    const rows = [];
    for (const a of n.activity) {
      const line = this.describeActivity(a);
      const last = rows[rows.length - 1];
      if (last && last.text === line.text && last.tone === line.tone) last.count++;
      else rows.push({ ...line, at: a.at, count: 1 });
    }
    const refused = n.activity.filter((a) => a.status === 403).length;
    const d = h(
      "details.activity",
      { open: this.openActivity.has(n.id), ontoggle: (ev) => (ev.target.open ? this.openActivity.add(n.id) : this.openActivity.delete(n.id)) },
      h("summary", h("h4", `Recent activity${refused ? ` · ${refused} refused` : ""}`)),
      h(
        "ol.activity-list",
        rows.slice(0, 15).map((r) => h(`li${r.tone === "refused" ? ".refused" : ""}${r.tone === "ask" ? ".ask" : ""}`, h("time", clock(r.at)), h("span.activity-text", r.text, r.count > 1 ? h("span.muted", ` ×${r.count}`) : null))),
      ),
    );
    return d;
  }

  /** One activity entry of the gateway, in words. */
  describeActivity(a) {
    if (a.path.startsWith(REQUEST_PATH)) return { text: "Asked for more access", tone: "ask" };
    if (a.path.startsWith("/_mxscope/v1/")) {
      const what = a.path.slice(13).split("/")[0];
      return { text: { whoami: "Checked what it may do", tokens: "Listed its tokens", mint: "Made a token", revoke: "Revoked a token" }[what] ?? `Token API: ${what}`, tone: "ok" };
    }
    if (/\/logout$/.test(a.path) && a.status === 200) return { text: "Signed out (its token is revoked)", tone: "ok" };
    let phrase = "make a request";
    try {
      const m = mx.mapEndpoint(a.method, a.path);
      const r = m.request;
      if (m.kind === "request" && r) phrase = (ACTION_PHRASES[r.action] ?? (() => r.action.replace(/_/g, " ")))(r.roomId ? this.roomName(r.roomId) : null);
      else if (m.kind === "unknown") phrase = `use ${a.path.replace(/^\/_matrix\/client\/v\d+\//, "")}`;
    } catch {}
    const reason = /^(?:denied|rejected): (\w+)/.exec(a.outcome ?? "")?.[1];
    if (a.status === 401 || a.status === 403) return { text: `Refused: ${phrase}${reason ? ` (${REASON_WORDS[reason] ?? reason.replace(/_/g, " ")})` : ""}`, tone: "refused" };
    if (a.status >= 400) return { text: `Failed: ${phrase} (${a.status})`, tone: "failed" };
    return { text: phrase.charAt(0).toUpperCase() + phrase.slice(1), tone: "ok" };
  }

  // ---- requests for more access ------------------------------------------------------------

  #dismissed() {
    try {
      return new Set(JSON.parse(this.storage.getItem("dismissed-requests") ?? "[]"));
    } catch {
      return new Set();
    }
  }
  #dismiss(key) {
    const all = [...this.#dismissed(), key].slice(-200);
    this.storage.setItem("dismissed-requests", JSON.stringify(all));
  }

  #renderRequests() {
    const { byId } = this.nodes();
    const dismissed = this.#dismissed();
    const seen = new Set();
    const list = requestsIn(this.remote).filter((r) => {
      const key = `${r.token.token_id}|${r.request.code}`;
      if (seen.has(key) || dismissed.has(key)) return false;
      seen.add(key);
      const n = byId.get(r.token.token_id);
      return n && !n.ended;
    });
    this.requestsSection.hidden = !list.length;
    fill(this.requestsBox, list.map((r) => this.#requestCard(byId.get(r.token.token_id), r.request, r.at, `${r.token.token_id}|${r.request.code}`)));
  }

  /** What a request asks for, line by line. */
  requestLines(req, current) {
    const lines = [];
    const rooms = req.rooms.length ? req.rooms : current?.rooms ?? [];
    const where = rooms.length ? rooms.map((id) => this.roomName(id)).join(", ") : "its rooms";
    if (req.actions.includes("send_message")) lines.push(`Send messages in ${where}`);
    const newRooms = req.rooms.filter((id) => !current?.rooms || !current.rooms.includes(id));
    if (newRooms.length) lines.push(`Access to ${newRooms.map((id) => this.roomName(id)).join(", ")}`);
    for (const a of req.actions.filter((x) => !["send_message", "read_timeline", "read_state"].includes(x))) lines.push(`Also: ${a.replace(/_/g, " ")}`);
    // Time: only when it asks for longer than it has now.
    if (req.seconds && (!current?.notAfter || (req.at || Date.now()) + req.seconds * 1000 > current.notAfter + 60_000))
      lines.push(`Access for ${duration(req.seconds * 1000)} from when you grant it`);
    return lines;
  }

  #requestCard(node, req, at, key) {
    const title = node?.name ?? "A device";
    const lines = this.requestLines(req, node?.scope);
    return h(
      "article.perm-card.request-card",
      { dataset: { tokenId: node?.id ?? "", request: req.code } },
      h(
        "header.perm-card-head",
        h("span.token-icon.device", { "aria-hidden": "true" }),
        h(
          "div.perm-card-title",
          h("h3", `“${title}” asks for more access`),
          h("p.muted", `at ${clock(at)} · it has now: ${node?.scope ? `${headline(node.scope)} · ${roomsLabel(node.scope, (id) => this.roomName(id))}` : "unknown"}`),
        ),
      ),
      h("ul.plain-list.request-lines", lines.map((l) => h("li", l))),
      req.note ? h("p.request-note", "“", req.note, "”") : null,
      h(
        "div.row",
        h("button.btn.primary.small", { type: "button", dataset: { action: "grant" }, onclick: () => this.grant(node, req, key) }, "Grant…"),
        key ? h("button.btn.small", { type: "button", dataset: { action: "dismiss" }, onclick: () => (this.#dismiss(key), this.#renderRequests()) }, "Dismiss") : null,
      ),
    );
  }

  #pasteRequest() {
    const field = h("input#request-code", { placeholder: "mxscope-access-request:…", spellcheck: "false", autocomplete: "off", "aria-label": "Request code" });
    const out = h("div.pasted-request");
    const form = h(
      "form.inline-form",
      {
        onsubmit: (ev) => {
          ev.preventDefault();
          try {
            const req = decodeRequest(field.value);
            const node = this.nodes().byId.get(req.tokenId) ?? null;
            fill(out, this.#requestCard(node, req, req.at || Date.now(), null));
          } catch {
            fill(out, h("p.form-error", { role: "alert" }, "That isn't a request code. It starts with “mxscope-access-request:”."));
          }
        },
      },
      field,
      h("button.btn", { type: "submit" }, "Show request"),
    );
    return h("div", h("p.muted.section-lede", "A limited device can also show its request as text, to send by any other means. Paste it here."), form, out);
  }

  /** Grants a request: a new device token with the wider access, shown as a QR code. */
  async grant(node, req, key) {
    const current = node?.scope;
    const rooms = [...new Set([...(current?.rooms ?? []), ...req.rooms])];
    const send = req.actions.includes("send_message") || (current ? current.actions.includes("send_message") : false);
    const minted = await this.signInDevice({
      name: node?.name ?? "Other device",
      rooms,
      send,
      seconds: req.seconds || 3600,
      granting: node?.name ?? "the device",
    });
    if (minted && key) {
      this.#dismiss(key);
      this.#renderRequests();
    }
  }

  // ---- minting -----------------------------------------------------------------------------

  /** Mints from the root offline (SDK) and remembers it here (the gateway lists it once used). */
  #mint(kind, caveats, { seal }) {
    const m = mintOffline(this.login.rootToken, caveats, { seal });
    this.minted.add({ id: m.id, parentId: m.parentId, token: m.token, name: caveats.name, kind, createdAt: Date.now(), scope: m.scope });
    this.#renderLists();
    return m;
  }

  #roomChecks(selected = []) {
    const rooms = this.joinedRooms();
    return checks(
      "rooms",
      "Rooms",
      rooms.map((r) => ({ value: r.id, label: r.name, checked: selected.includes(r.id) || (!selected.length && rooms.length === 1) })),
      { compact: true },
    );
  }

  /**
   * A dialog that mints a token. `build()` makes the form's fields (fresh for each dialog) and
   * says how to read them: `choices()` (re-read on every change), `preview(element, c)` (the live
   * "what it will allow"), `problem(c)` (what is missing, or null), `mint(c)`, and
   * `reveal(body, m, c, close)` (replaces the form with the token). Resolves with the minted
   * token, or undefined when cancelled.
   */
  #mintDialog({ label, formClass, title, intro, submitLabel, build }) {
    return modal({
      label,
      className: "wide",
      build: (close) => {
        const body = h("div.modal-body");
        const { fields, choices, preview: render, problem, mint, reveal } = build();
        const error = h("p.form-error", { role: "alert", hidden: true });
        const preview = h("div.scope-preview", { "aria-live": "polite" });
        const fail = (text) => {
          error.textContent = text;
          error.hidden = false;
        };
        const update = () => render(preview, choices());
        const form = h(
          `form.${formClass}`,
          {
            novalidate: true,
            onchange: update,
            oninput: update,
            onsubmit: (ev) => {
              ev.preventDefault();
              const c = choices();
              const missing = problem(c);
              if (missing) return fail(missing);
              let m;
              try {
                m = mint(c);
              } catch (e) {
                return fail(`Couldn't make the token: ${e.message}`);
              }
              reveal(body, m, c, close);
            },
          },
          h("h2", title),
          h("p.muted", intro),
          fields,
          preview,
          error,
          h("div.modal-actions", h("button.btn", { type: "button", onclick: () => close(undefined) }, "Cancel"), h("button.btn.primary", { type: "submit" }, submitLabel)),
        );
        fill(body, form);
        queueMicrotask(update);
        return body;
      },
    });
  }

  /**
   * "Sign in on another device with limited access": rooms, read-only or read and send, how long.
   * Resolves with the minted token, or undefined when cancelled.
   */
  signInDevice(prefill = {}) {
    return this.#mintDialog({
      label: prefill.granting ? "Grant more access" : "Sign in on another device",
      formClass: "device-form",
      title: prefill.granting ? `Grant more access to “${prefill.granting}”` : "Sign in on another device with limited access",
      intro: prefill.granting
        ? "This makes a new token with the access asked for. The device switches to it with “Use a new token”, and its old token is revoked when it does."
        : "For a device you don't fully trust: a shared computer, a tablet in the kitchen. It sees only the rooms you pick, can do only what you allow, and stops working at the time you choose. You can revoke it here at any moment.",
      submitLabel: "Create sign-in code",
      build: () => {
        const name = h("input#device-name", { maxlength: 60, value: prefill.name ?? "Other device", autocomplete: "off" });
        const rooms = this.#roomChecks(prefill.rooms ?? []);
        const access = radios("access", "Access", [
          { value: "read", label: "Read only", hint: "Read messages; can't send, change or delete anything" },
          { value: "send", label: "Read and send messages" },
        ], prefill.send ? "send" : "read");
        const asked = prefill.seconds && !DEVICE_DURATIONS.some((d) => Number(d.value) === prefill.seconds) ? [{ value: String(prefill.seconds), label: `${duration(prefill.seconds * 1000)} (as asked)` }] : [];
        const dur = radios("duration", "For how long", [...asked, ...DEVICE_DURATIONS], String(prefill.seconds ?? 3600));
        dur.classList.add("inline");
        return {
          fields: [h("label", { for: "device-name" }, "Device name ", h("span.muted", "(shown here, and on messages it sends)")), name, rooms, access, dur],
          choices: () => ({ name: name.value.trim() || "Other device", rooms: rooms.get(), send: access.get() === "send", seconds: Number(dur.get()) }),
          preview: (el, c) => {
            if (!c.rooms.length) return fill(el, h("p.muted", "Pick at least one room."));
            const scope = { actions: deviceCaveats(c).actions, rooms: c.rooms, notAfter: Date.now() + c.seconds * 1000, sealed: true };
            fill(el, h("p", h("strong", headline(scope)), ` · ${roomsLabel(scope, (id) => this.roomName(id))}`));
          },
          problem: (c) => (!c.rooms.length ? "Pick at least one room the device may see." : !(c.seconds > 0) ? "Choose for how long." : null),
          // Sealed: the device cannot hand its access on.
          mint: (c) => this.#mint("device", deviceCaveats(c), { seal: true }),
          reveal: (body, m, c, close) => this.#revealDevice(body, m, c, close, prefill.granting),
        };
      },
    });
  }

  #revealDevice(body, m, c, close, granting) {
    const scope = m.scope;
    const link = signInLink(m.token, { gateway: this.login.baseUrl });
    fill(
      body,
      h("h2", granting ? `New access for “${c.name}”` : `Sign in “${c.name}”`),
      h(
        "p.reveal-headline",
        h("strong", headline(scope)),
        ` · ${roomsLabel(scope, (id) => this.roomName(id))}`,
      ),
      h(
        "ol.steps",
        h("li", "On the other device, open this client and choose ", h("strong", granting ? "“Use a new token”" : "“Sign in with a token”"), "."),
        h("li", "Scan the code with its camera, or paste the token text."),
      ),
      tokenReveal({ token: m.token, qrText: link, qrLabel: `Sign-in code for ${c.name}`, note: "Or copy this token (it is a password for what it allows: don't post it anywhere)." }),
      h("div.row", copyButton(() => link, null, "Copy sign-in link")),
      h("details.token-allows", h("summary", "Exactly what it allows"), sentenceList(mx.describe(m.token, { roomNames: this.roomNames() }), { skip: [], names: (t) => this.names(t) })),
      h("div.modal-actions", h("button.btn.primary", { type: "button", autofocus: true, onclick: () => close(m) }, "Done")),
    );
    body.querySelector("button.btn.primary")?.focus();
  }

  /** A named token for a script or a bot: rooms, actions, duration; shown once, with a copy button. */
  newScriptToken() {
    return this.#mintDialog({
      label: "New token for a script or bot",
      formClass: "script-form",
      title: "New token for a script or bot",
      intro: "For a cron job, a backup script, a bot: it can do only what you choose here, in the rooms you pick, and messages it sends carry its name.",
      submitLabel: "Create token",
      build: () => {
        const name = h("input#script-name", { required: true, maxlength: 100, placeholder: "e.g. backup-bot", autocomplete: "off", autofocus: true });
        const rooms = this.#roomChecks();
        const allRooms = h("input#script-all-rooms", { type: "checkbox" });
        const perms = checks("permissions", "It may", SCRIPT_PERMISSIONS.map((p) => ({ ...p, checked: p.value === "send-notice" })));
        perms.classList.add("two");
        const dur = radios("script-duration", "For how long", SCRIPT_DURATIONS, "2592000");
        dur.classList.add("inline");
        const delegate = h("input#script-delegate", { type: "checkbox", checked: true });
        return {
          fields: [
            h("label", { for: "script-name" }, "Name"),
            name,
            perms,
            rooms,
            h("label.choice.all-rooms", allRooms, h("span.choice-text", h("span", "All my rooms instead"), h("span.muted", "including rooms you join later"))),
            dur,
            h("label.choice", delegate, h("span.choice-text", h("span", "It may make narrower tokens from this one"), h("span.muted", "for its own helpers; revoking it revokes those too"))),
          ],
          choices: () => ({ name: name.value.trim(), rooms: allRooms.checked ? null : rooms.get(), permissions: perms.get(), seconds: Number(dur.get()), seal: !delegate.checked }),
          preview: (el, c) => {
            rooms.disabled = allRooms.checked;
            if (!c.permissions.length) return fill(el, h("p.muted", "Choose what it may do."));
            if (c.rooms && !c.rooms.length) return fill(el, h("p.muted", "Pick its rooms (or all your rooms)."));
            try {
              const cav = scriptCaveats({ ...c, name: c.name || "script" });
              const scope = { actions: cav.actions, rooms: cav.rooms ?? null, events: cav.events ?? null, notAfter: cav.notAfter ?? null, name: cav.name, sealed: c.seal };
              fill(el, h("h4", "It will be able to"), sentenceList(mx.describe(scope, { roomNames: this.roomNames() }), { skip: ["name"], names: (t) => this.names(t) }));
            } catch (e) {
              fill(el, h("p.form-error", e.message));
            }
          },
          problem: (c) => (!c.name ? "Give the token a name you'll recognise (it labels what it sends)." : !c.permissions.length ? "Choose what it may do." : c.rooms && !c.rooms.length ? "Pick at least one room, or all your rooms." : null),
          mint: (c) => this.#mint("script", scriptCaveats(c), { seal: c.seal }),
          reveal: (body, m, c, close) => this.#revealScript(body, m, c, close),
        };
      },
    });
  }

  #revealScript(body, m, c, close) {
    const roomArg = (c.rooms ?? [])[0];
    fill(
      body,
      h("h2", `Token “${c.name}”`),
      h("p.reveal-headline", h("strong", m.scope.notAfter ? `Valid until ${untilLabel(m.scope.notAfter)}` : "No expiry"), ` · ${accessKind(m.scope)} · ${roomsLabel(m.scope, (id) => this.roomName(id))}`),
      h("p", "Copy it now and keep it like a password: it is not shown again (you can always revoke it here)."),
      tokenReveal({ token: m.token }),
      h(
        "details.token-usage",
        h("summary", "Use it from a script"),
        h("pre", `export MXSCOPE_TOKEN='…'   # the token above\nmxscope send --gateway ${this.login.baseUrl} --room '${roomArg ?? "!room:server"}' 'backup done'`),
        h("p.muted", "Or call the gateway like a homeserver: ", h("code", `Authorization: Bearer $MXSCOPE_TOKEN`), ` at ${this.login.baseUrl}.`),
      ),
      h("div.modal-actions", h("button.btn.primary", { type: "button", onclick: () => close(m) }, "Done")),
    );
  }

  // ---- revoking ----------------------------------------------------------------------------

  /** Revokes a token after saying what else stops working. */
  async revoke(id) {
    const { byId } = this.nodes();
    const n = byId.get(id);
    if (!n) return;
    const title = n.name ?? "this token";
    const more = this.descendants(n).filter((d) => !d.ended);
    const details = [];
    details.push(n.kind === "device" ? `“${title}” loses access at once: its next request is refused and it is signed out.` : `“${title}” stops working at once: every request with it is refused.`);
    if (more.length)
      details.push(`This also revokes ${more.length} token${more.length === 1 ? "" : "s"} derived from it: ${more.map((d) => `“${d.name ?? "unnamed"}”`).join(", ")}.`);
    else if (n.scope?.sealed) details.push("It is sealed: no token can have been made from it.");
    else details.push("No token made from it has been used yet.");
    details.push(n.scope?.sealed ? "This can't be undone: make a new token instead." : "Tokens made from it that were never used are revoked too. This can't be undone: make a new token instead.");
    const ok = await confirmDialog({
      title: `Revoke “${title}”?`,
      text: more.length ? `Revoking it also revokes ${more.length} token${more.length === 1 ? "" : "s"} derived from it.` : null,
      details,
      confirm: more.length ? `Revoke ${more.length + 1} tokens` : "Revoke",
      danger: true,
    });
    if (!ok) return false;
    try {
      await this.gateway.revoke(n.token ? { token: n.token } : { tokenId: n.id });
      const rec = this.minted.get(n.id);
      if (rec) this.minted.add({ ...rec, revokedAt: Date.now() });
    } catch (e) {
      this.status.textContent = `Couldn't revoke “${title}”: ${e.message}`;
      this.status.classList.add("warn-text");
      return false;
    }
    await this.refresh();
    return true;
  }

  // ---- this login --------------------------------------------------------------------------

  #renderLogin() {
    const m = this.matrix;
    let host = this.login.baseUrl;
    try {
      host = new URL(this.login.baseUrl).host;
    } catch {}
    fill(
      this.loginBox,
      h(
        "div.perm-card.compact",
        h(
          "header.perm-card-head",
          h("span.token-icon.root", { "aria-hidden": "true" }),
          h("div.perm-card-title", h("h3", `${localpart(m.userId)} on this browser`), h("p.muted", `${m.userId} · device ${m.deviceId} · through the gateway at ${host}`)),
          h("button.btn.small", { type: "button", onclick: () => this.shell.logout() }, "Log out"),
        ),
        h("p.muted", "This browser holds the login's root token, which the gateway issued when you signed in (the homeserver's own token never leaves the gateway). Every token above is made from it: logging out revokes them all."),
      ),
    );
  }
}
