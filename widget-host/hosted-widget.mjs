// One embedded widget: its sandboxed iframe, the matrix-widget-api session behind a strict
// source+origin filter, its prompt, its short-lived room-scoped token, its activity log, and
// revocation when it goes away.
import { ClientWidgetApi, Widget } from "matrix-widget-api";
import { ScopedWidgetDriver } from "./driver.mjs";
import { Enforcer, planAction } from "./enforcement.mjs";
import { buildPromptRows, groupRows, hostOnlyCapabilities, libraryAlias } from "./prompt-model.mjs";
import { DURATIONS } from "./grants.mjs";
import { widgetUrl, sharedData } from "./url-template.mjs";
import * as tokens from "./tokens.mjs";

/** The sandbox a widget iframe gets: scripts and forms, never top navigation. */
export const IFRAME_SANDBOX = "allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-downloads allow-modals";

/** Actions a widget may send that the host answers itself (matrix-widget-api has no default). */
const HOST_ACTIONS = ["io.mxscope.get_token", "set_always_on_screen", "m.sticker", "io.element.view_room"];

/** Capability requests arriving this close together (or while a prompt is open) share one prompt. */
const BATCH_MS = 50;

let nextSerial = 1;

export class HostedWidget extends EventTarget {
  /**
   * @param {import("./widget-host.mjs").WidgetHost} host
   * @param {object} definition  {id, url, name?, type?, creatorUserId?, data?, waitForIframeLoad?}
   * @param {{roomId: string, sender?: string}} where  sender: who sent the widget's state event
   */
  constructor(host, definition, { roomId, sender }) {
    super();
    if (!definition?.id || !definition?.url) throw new TypeError("a widget needs an id and a url");
    this.host = host;
    // Who added it: the state event's sender when the caller says (the homeserver vouches for it);
    // otherwise the content's creatorUserId, which anyone able to set room state can fill in with
    // any user id, so it is shown but never trusted (see WidgetHost.loadConsentNeeded).
    this.sender = typeof sender === "string" && sender ? sender : null;
    this.definition = { type: "m.custom", ...definition, creatorUserId: this.sender ?? definition.creatorUserId ?? "" };
    this.roomId = roomId;
    this.origin = new URL(definition.url).origin;
    this.serial = nextSerial++;
    this.tokenName = `widget: ${definition.name || new URL(definition.url).host}`;
    this.state = "new"; // new -> [consent ->] loading -> prompting -> ready -> closed
    this.activity = [];
    this.timings = {};
    this.dropped = 0; // messages claiming this widget from another window or origin
    this.approved = []; // capabilities approved this session (what notify_capabilities said)
    this.requested = [];
    this.grantExpiresAt = null; // epoch ms; Infinity = while open
    this.duration = null;
    this.openIdAllowed = null;
    this.mintedIds = []; // revocation ids of every token minted for this session
    this.token = null;
    this.tokenExpiresAt = null;
    this.enforcer = new Enforcer({ verifier: host.verifier, getToken: () => this.token, now: host.now });
    this.client = host.client;
  }

  mark(name) {
    this.timings[name] = this.host.clock();
  }

  /** Adds an entry to the activity log and tells listeners. */
  record(entry) {
    const e = { at: this.host.now(), ...entry };
    this.activity.push(e);
    if (this.activity.length > 500) this.activity.shift();
    this.dispatchEvent(new CustomEvent("activity", { detail: e }));
  }

  knownRooms() {
    const scope = this.scope();
    if (!scope) return [];
    if (scope.rooms) return [...scope.rooms];
    return [...(this.host.knownRooms ?? [this.roomId])];
  }

  /** The current token's verified scope (null when none or no longer valid). */
  scope() {
    const v = this.enforcer.verified();
    return v.token ? tokens.scopeOf(v.token) : null;
  }

  /** The plain-language lines for what the widget may do right now (the panel shows these). */
  sentences() {
    const v = this.enforcer.verified();
    if (!v.token) return [];
    return tokens.describeVerified(v.token, { now: this.host.now(), roomNames: this.host.roomNames });
  }

  // ---- embedding -----------------------------------------------------------------------------

  /**
   * Creates the iframe in `container` and starts the widget-API session, after the load-consent
   * step when the host requires it (`this.consent` then resolves to whether it loaded).
   */
  open(container) {
    if (this.origin === new URL(this.host.parentUrl).origin) {
      // allow-scripts + allow-same-origin on a same-origin frame would let it lift its own sandbox.
      throw new Error("refusing to embed a widget from the host's own origin");
    }
    this.host.track(this);
    this.loadReason = this.host.loadConsentNeeded(this);
    if (this.loadReason) {
      this.consent = Promise.resolve(true);
      return this.#load(container);
    }
    this.state = "consent";
    this.consent = this.#consentStep(container);
    return null;
  }

  /** The asynchronous trust rule (who added it) first, then the person. */
  async #consentStep(container) {
    if (await this.host.addedByTrusted(this)) {
      if (this.state === "closed") return false;
      this.loadReason = "trusted_adder";
      this.record({ action: "load", allowed: true, summary: `loaded: added by ${this.sender}, whom your settings trust` });
      this.#load(container);
      this.dispatchEvent(new Event("loaded"));
      return true;
    }
    if (this.state === "closed") return false;
    return this.#askToLoad(container);
  }

  /** Asks before anything is fetched from the widget's origin; declining closes the session. */
  async #askToLoad(container) {
    const roomNames = await this.host.roomNamesFor([this.roomId]);
    let answer = null;
    try {
      answer = await this.host.prompter.load({
        widget: this.definition,
        origin: this.origin,
        domain: new URL(this.definition.url).host,
        addedBy: this.definition.creatorUserId,
        type: this.definition.type,
        roomId: this.roomId,
        roomName: roomNames[this.roomId] ?? this.roomId,
        shares: sharedData(this.definition),
        canTrustOrigin: this.host.canTrustOrigin(this.origin),
        container,
        session: this,
      });
    } catch {}
    if (this.state === "closed") return false;
    if (!answer?.load) {
      this.record({ action: "load", allowed: false, reason: "declined", detail: "you chose not to load it" });
      this.close("declined");
      return false;
    }
    const trustOrigin = !!answer.trustOrigin && this.host.canTrustOrigin(this.origin);
    if (trustOrigin) this.host.grants.trustOrigin(this.origin);
    this.record({ action: "load", allowed: true, summary: trustOrigin ? `loaded; widgets from ${this.origin} now load without asking` : "you chose to load it" });
    this.loadReason = "you_agreed";
    this.#load(container);
    this.dispatchEvent(new Event("loaded"));
    return true;
  }

  #load(container) {
    const { document, window } = this.host;
    const iframe = document.createElement("iframe");
    iframe.setAttribute("sandbox", IFRAME_SANDBOX);
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.setAttribute("title", this.definition.name || "Widget");
    iframe.setAttribute("data-widget-id", this.definition.id);
    iframe.src = widgetUrl(this.definition, {
      roomId: this.roomId,
      userId: this.host.userId,
      displayName: this.host.displayName,
      deviceId: this.host.deviceId,
      baseUrl: this.host.baseUrl,
      parentUrl: this.host.parentUrl,
      theme: this.host.theme,
      language: this.host.language,
      accessToken: this.host.tokenInUrl ? this.#urlToken() : undefined,
    }).toString();
    this.iframe = iframe;
    container.appendChild(iframe);

    this.driver = new ScopedWidgetDriver(this);
    // matrix-widget-api refuses a definition without creatorUserId; when neither the state event's
    // sender nor a claim is known, it gets a placeholder that names no one (prompts say "unknown").
    const api = new ClientWidgetApi(new Widget({ ...this.definition, creatorUserId: this.definition.creatorUserId || "@unknown:invalid" }), iframe, this.driver);
    this.api = api;
    this.#filterTransport(api.transport, window);
    api.setViewedRoomId(this.roomId);
    for (const action of HOST_ACTIONS) api.on(`action:${action}`, (ev) => this.#hostAction(ev));
    api.on("ready", () => {
      this.state = "ready";
      this.dispatchEvent(new Event("ready"));
    });
    api.on("capabilitiesNotified", () => {
      this.mark("notifyAcked");
      this.dispatchEvent(new Event("capabilitiesNotified"));
    });
    this.state = "loading";
    return iframe;
  }

  /**
   * matrix-widget-api accepts any window that knows the widget id (reference §1.2). Replace its
   * listener with one that passes only messages from this iframe's window AND origin, and runs
   * the SDK gate on every request before the library sees it.
   */
  #filterTransport(transport, window) {
    const libraryHandler = transport.handleMessage;
    if (typeof libraryHandler !== "function") throw new Error("matrix-widget-api internals changed: no transport.handleMessage");
    window.removeEventListener("message", libraryHandler);
    transport.strictOriginCheck = false;
    transport.targetOrigin = this.origin; // never "*"
    const send = transport.send.bind(transport);
    transport.send = (action, data) => {
      if (action === "notify_capabilities") this.mark("notifySent");
      return send(action, data);
    };
    this.onMessage = (ev) => {
      const data = ev.data;
      if (ev.source !== this.iframe?.contentWindow || ev.origin !== this.origin) {
        if (data && typeof data === "object" && data.widgetId === this.definition.id) {
          this.dropped++;
          this.dispatchEvent(new CustomEvent("dropped", { detail: { origin: ev.origin, action: data.action } }));
        }
        return;
      }
      if (this.state === "closed") return;
      if (data && typeof data === "object" && data.api === "fromWidget" && !data.response && data.requestId && data.action) {
        const denied = this.enforcer.gate(data, { viewedRoomId: this.roomId });
        if (denied) {
          this.record({ action: data.action, allowed: false, reason: denied.reason, detail: denied.detail, request: denied.request });
          transport.reply(data, { error: denied.error });
          return;
        }
      }
      libraryHandler(ev);
    };
    window.addEventListener("message", this.onMessage);
    this.transport = transport;
  }

  #hostAction(ev) {
    ev.preventDefault();
    const req = ev.detail;
    const reply = (data) => this.api.transport.reply(req, data);
    switch (req.action) {
      case "io.mxscope.get_token": {
        // The documented way for a widget to get its own token (see widget-host/README.md).
        if (!this.token) return reply({ error: { message: "No token: capabilities are not approved yet" } });
        this.tokenShared = true;
        this.record({ action: "get_token", allowed: true, summary: "took its token" });
        return reply({ token: this.token, expires_at: this.tokenExpiresAt, name: this.tokenName });
      }
      case "set_always_on_screen":
        this.alwaysOnScreen = !!req.data?.value;
        this.record({ action: "always_on_screen", allowed: true, summary: this.alwaysOnScreen ? "asked to stay on screen" : "stopped staying on screen" });
        this.dispatchEvent(new CustomEvent("alwaysOnScreen", { detail: this.alwaysOnScreen }));
        return reply({ success: true });
      case "io.element.view_room":
        return this.navigate(`https://matrix.to/#/${encodeURIComponent(req.data?.room_id ?? "")}`).then(() => reply({}), (e) => reply({ error: { message: e.message } }));
      case "m.sticker":
        return this.driver
          .sendEvent("m.sticker", { body: req.data?.name ?? "", url: req.data?.content?.url, info: req.data?.content?.info ?? {} }, null, this.roomId)
          .then(() => reply({}), (e) => reply({ error: { message: "Error sending sticker", ...this.driver.processError(e) } }));
    }
  }

  // ---- prompt, token -------------------------------------------------------------------------

  /**
   * Called by the driver for `capabilities` and MSC2974 renegotiation. Resolves with what to
   * approve of `requested`. Requests are queued: those arriving within BATCH_MS of each other, or
   * while a prompt is open, are decided together, in one prompt (MSC2974 warns of popup storms).
   */
  approveCapabilities(requested) {
    return new Promise((resolve, reject) => {
      this.#asks.push({ requested: [...requested], resolve, reject });
      if (!this.#deciding) this.#decideQueued();
    });
  }

  #asks = [];
  #deciding = false;
  #decisions = 0;

  async #decideQueued() {
    this.#deciding = true;
    try {
      // The first request (the handshake) is answered at once; later ones wait for their burst.
      if (this.#decisions > 0) await new Promise((r) => setTimeout(r, BATCH_MS));
      while (this.#asks.length && this.state !== "closed") {
        const batch = this.#asks.splice(0);
        try {
          const allowed = await this.#decide([...new Set(batch.flatMap((a) => a.requested))], { followUp: this.#decisions++ > 0 });
          for (const a of batch) a.resolve(new Set(a.requested.flatMap((c) => (allowed.has(c) ? [c, libraryAlias(c)] : [])).filter(Boolean)));
        } catch (e) {
          for (const a of batch) a.reject(e);
        }
      }
      for (const a of this.#asks.splice(0)) a.resolve(new Set());
    } finally {
      this.#deciding = false;
    }
  }

  /** Decides `requested` (remembered grant, recent declines, else the prompt) and mints the token. */
  async #decide(requested, { followUp }) {
    this.mark("capabilitiesRequested");
    this.state = "prompting";
    this.requested = [...new Set([...this.requested, ...requested])];
    const grants = this.host.grants;
    const remembered = grants.get(this.definition, this.roomId);
    const hostOnly = hostOnlyCapabilities(requested);
    const roomNames = await this.host.roomNamesFor([this.roomId, ...requested.map((c) => tokens.parse(c)).filter((i) => i.kind === "room").map((i) => i.roomId)]);
    // A re-ask (the widget's initiative, not the person opening it) of something declined a moment
    // ago for this widget (origin + URL + room) is answered with that decision, not another prompt,
    // until declineCooldownMs has passed. Opening the widget again always asks.
    const cooldown = this.host.declineCooldownMs;
    const declined = new Set(followUp && cooldown > 0 ? grants.declinedSince(this.definition, this.roomId, this.host.now() - cooldown) : []);
    const allRows = buildPromptRows(requested, { roomId: this.roomId, roomNames, now: this.host.now(), remembered: remembered?.capabilities ?? [] });
    const rows = allRows.filter((r) => !(r.grantable && declined.has(r.capability)));
    const reasked = allRows.filter((r) => r.grantable && declined.has(r.capability)).map((r) => r.capability);
    if (reasked.length) {
      this.record({ action: "capabilities", allowed: false, reason: "declined_recently", detail: `asked again for ${reasked.length} permission(s) you declined in the last ${Math.round(cooldown / 60000)} minute(s); answered no without asking`, capabilities: reasked });
    }
    const grantable = rows.filter((r) => r.grantable).map((r) => r.capability);

    let chosen;
    let duration;
    if (remembered && grantable.every((c) => remembered.decided?.includes(c))) {
      chosen = grantable.filter((c) => remembered.capabilities.includes(c));
      duration = remembered.duration;
      this.grantExpiresAt = remembered.expiresAt;
      this.record({ action: "capabilities", allowed: true, summary: `remembered approval (${chosen.length} permission(s), until ${new Date(remembered.expiresAt).toISOString()})` });
    } else if (rows.length === 0 || (grantable.length === 0 && reasked.length)) {
      chosen = [];
      duration = this.duration ?? "session";
    } else {
      const elsewhere = grants.roomsElsewhere(this.definition, this.roomId);
      const elsewhereNames = await this.host.roomNamesFor(elsewhere);
      const answer = await this.host.prompter.capabilities({
        widget: this.definition,
        origin: this.origin,
        domain: new URL(this.definition.url).host,
        addedBy: this.definition.creatorUserId,
        type: this.definition.type,
        shares: sharedData(this.definition),
        roomId: this.roomId,
        roomName: roomNames[this.roomId] ?? this.roomId,
        approvedElsewhere: elsewhere.map((id) => elsewhereNames[id] ?? id),
        followUp,
        rows,
        groups: groupRows(rows),
        durations: DURATIONS,
        session: this,
      });
      if (this.state === "closed") return new Set();
      this.mark("approved");
      chosen = (answer?.capabilities ?? []).filter((c) => grantable.includes(c));
      duration = answer ? answer.duration ?? "session" : "session";
      const decided = [...new Set([...(remembered?.decided ?? []), ...grantable])];
      const previously = (remembered?.capabilities ?? []).filter((c) => !grantable.includes(c));
      const stored = grants.put(this.definition, this.roomId, { capabilities: [...previously, ...chosen], decided, openid: remembered?.openid ?? null, duration });
      grants.noteDeclined(this.definition, this.roomId, grantable.filter((c) => !chosen.includes(c)));
      this.grantExpiresAt = stored ? stored.expiresAt : Infinity;
      this.record({ action: "capabilities", allowed: true, summary: answer ? `approved ${chosen.length} of ${grantable.length} permission(s) (${DURATIONS[duration]?.label ?? duration})` : "declined every permission" });
    }
    this.duration = duration;
    this.openIdAllowed = remembered?.openid ?? this.openIdAllowed;
    const all = [...new Set([...this.approved.filter((c) => tokens.parse(c).kind !== "host_only"), ...chosen])];
    this.#mint(all);
    this.mark("tokenMinted");
    const verified = this.enforcer.verified();
    const approved = verified.token ? tokens.allowedCapabilities([...requested], verified.token, this.roomId) : [];
    this.approved = [...new Set([...this.approved, ...approved, ...hostOnly])];
    this.#scheduleRenewal();
    // The handshake's "ready" follows the first decision; a later one returns to "ready" itself.
    if (this.state === "prompting") this.state = followUp ? "ready" : "loading";
    this.dispatchEvent(new Event("approved"));
    return new Set([...approved, ...hostOnly]);
  }

  /** Mints a fresh token from the root for exactly `capabilities` (+ openid if allowed). */
  #mint(capabilities) {
    this.grantCaps = capabilities;
    const now = this.host.now();
    const notAfter = Math.min(now + this.host.tokenLifetimeMs, this.grantExpiresAt ?? Infinity);
    const minted = tokens.mintWidgetToken(this.host.rootToken, {
      capabilities,
      roomId: this.roomId,
      openid: this.openIdAllowed === true,
      notAfter,
      name: this.tokenName,
    });
    this.token = minted.token;
    this.tokenExpiresAt = notAfter;
    this.mintedIds.push(minted.revocationId);
    this.dispatchEvent(new Event("token"));
    return minted;
  }

  #scheduleRenewal() {
    clearTimeout(this.renewTimer);
    if (this.state === "closed" || !this.token) return;
    const now = this.host.now();
    if (this.grantExpiresAt !== null && this.grantExpiresAt <= now) return void this.close("expired");
    // Renew at 80% of the token's life; the old token simply runs out minutes later.
    const wait = Math.max(1000, (this.tokenExpiresAt - now) * 0.8);
    this.renewTimer = setTimeout(() => this.renew(), wait);
    this.renewTimer?.unref?.();
  }

  /** Replaces the token with a fresh one of the same scope (called on a timer while open). */
  renew() {
    if (this.state === "closed") return;
    if (this.grantExpiresAt !== null && this.grantExpiresAt <= this.host.now()) return this.close("expired");
    this.#mint(this.grantCaps ?? []);
    if (this.tokenShared) {
      this.api.transport.send("io.mxscope.token_renewed", { token: this.token, expires_at: this.tokenExpiresAt }).catch(() => {});
    }
    this.#scheduleRenewal();
  }

  #urlToken() {
    // MSC3008-style delivery: only with a remembered grant (the token must exist before load).
    const g = this.host.grants.get(this.definition, this.roomId);
    if (!g) return "";
    this.grantExpiresAt = g.expiresAt;
    this.duration = g.duration;
    this.openIdAllowed = g.openid;
    this.#mint(g.capabilities);
    this.tokenShared = true;
    return JSON.stringify({ access_token: this.token, token_type: "mxscope", expires_in: Math.round((this.tokenExpiresAt - this.host.now()) / 1000) });
  }

  // ---- OpenID --------------------------------------------------------------------------------

  /** Whether get_openid must ask the person first. */
  openIdNeedsPrompt() {
    return this.openIdAllowed === null;
  }

  /** Resolves to OpenID credentials, or null when blocked. */
  async askOpenId() {
    if (this.openIdAllowed === null) {
      const answer = await this.host.prompter.openId({ widget: this.definition, origin: this.origin, domain: new URL(this.definition.url).host, userId: this.host.userId, session: this });
      this.openIdAllowed = !!answer?.allow;
      if (answer?.remember) this.host.grants.setOpenId(this.definition, this.roomId, this.openIdAllowed);
      if (this.openIdAllowed) this.#mint(this.grantCaps ?? []);
    }
    if (this.state === "closed" || !this.openIdAllowed) {
      this.record({ action: "get_openid", allowed: false, reason: "declined", detail: "you declined to share your identity" });
      return null;
    }
    this.enforcer.require({ action: "openid" });
    const t = await this.client.requestOpenIdToken();
    this.record({ action: "get_openid", allowed: true, summary: `told ${this.origin} who you are` });
    return { access_token: t.access_token, expires_in: t.expires_in, matrix_server_name: t.matrix_server_name, token_type: t.token_type };
  }

  async navigate(uri) {
    this.enforcer.require({ action: "navigate" });
    await this.host.onNavigate(uri, this);
  }

  // ---- closing -------------------------------------------------------------------------------

  /**
   * Ends the session: every token minted for it is revoked first (so the Verifier refuses them
   * and anything derived from them from this moment), then the protocol stops and the iframe goes.
   * @param {"closed"|"removed"|"unload"|"revoked"|"expired"|"declined"} reason
   * @param {{forget?: boolean}} options  forget the remembered grant too (the Revoke button)
   */
  close(reason = "closed", { forget = reason === "revoked" } = {}) {
    if (this.state === "closed") return;
    this.mark("closeRequested");
    for (const id of this.mintedIds) this.host.revoked.add(id);
    this.state = "closed";
    this.mark("revoked");
    clearTimeout(this.renewTimer);
    if (forget) {
      this.host.grants.forget(this.definition, this.roomId);
      this.host.grants.forgetDeclined(this.definition, this.roomId);
    }
    this.host.window.removeEventListener("message", this.onMessage);
    try {
      this.api?.stop();
    } catch {}
    if (this.iframe?.isConnected) this.iframe.remove();
    this.record({ action: "close", allowed: true, summary: `closed (${reason}); its token is revoked` });
    this.host.untrack(this);
    this.dispatchEvent(new CustomEvent("closed", { detail: { reason } }));
  }

  /** The Revoke button: revoke now and forget the remembered grant. */
  revoke() {
    this.close("revoked", { forget: true });
  }

  /** Whether the Verifier still accepts `token` (default: the current one). */
  tokenAccepted(token = this.token) {
    try {
      this.host.verifier.verify(token, this.host.now());
      return true;
    } catch {
      return false;
    }
  }
}

export { planAction };
