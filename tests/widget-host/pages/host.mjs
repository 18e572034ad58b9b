// A minimal web client page around the widget host, driven by the browser tests (and usable by
// hand: see tests/widget-host/support/serve.mjs). The test passes the homeserver login in with
// page.evaluate, never in a URL.
import { mx } from "../../../widget-host/sdk.mjs";
import { WidgetHost, FetchClient, GrantStore, domPrompter, renderPanel, roomAdmins } from "../../../widget-host/index.mjs";

const status = (t) => (document.getElementById("status").textContent = t);

globalThis.startHost = async ({ baseUrl, accessToken, userId, deviceId, roomId, roomName, tokenLifetimeMs, loadConsent, trustedOrigins, wrapperOrigins, trustRoomAdmins, trustSameWidgetElsewhere, declineCooldownMs }) => {
  await mx.ready();
  // Browser-only mode: the client holds its own issuer key and mints its root token locally.
  const issuer = mx.generateIssuerKey();
  const rootToken = mx.mint({ issuerSecretKey: issuer.secretKey, userId, deviceId });
  const revoked = new mx.RevocationSet();
  const verifier = new mx.Verifier({ trustedKeys: [issuer.publicKey], revoked });
  const client = new FetchClient({ baseUrl, accessToken, userId, deviceId });
  const timings = [];
  const host = new WidgetHost({
    client,
    rootToken,
    verifier,
    revoked,
    roomNames: { [roomId]: roomName },
    grants: new GrantStore({ storage: localStorage }),
    prompter: domPrompter(),
    tokenLifetimeMs,
    loadConsent,
    trustedOrigins,
    wrapperOrigins,
    trustAddedBy: trustRoomAdmins ? roomAdmins() : undefined,
    trustSameWidgetElsewhere,
    declineCooldownMs,
    onNavigate: (uri) => status(`navigate: ${uri}`),
  });
  document.getElementById("room-name").textContent = roomName;
  const widgets = new Map();
  globalThis.hostApi = {
    host,
    widgets,
    timings,
    // `sender`: the state event's sender (defaults to the content's creatorUserId, as the web client
    // does after taking it from the event).
    embed(definition, sender = definition.creatorUserId) {
      const box = document.createElement("section");
      box.className = "widget";
      document.getElementById("widgets").appendChild(box);
      const w = host.embed(definition, { roomId, container: box, sender });
      const panel = renderPanel(w, document.getElementById("panels"));
      widgets.set(definition.id, { w, box, panel });
      w.addEventListener("closed", () => timings.push({ id: definition.id, ...w.timings }));
      return definition.id;
    },
    widget: (id) => widgets.get(id).w,
    state: (id) => widgets.get(id).w.state,
    token: (id) => widgets.get(id).w.token,
    timingsOf: (id) => ({ ...widgets.get(id).w.timings }),
    /** What the verifier says about a token now: "ok" or the error code. */
    verify(token) {
      try {
        verifier.verify(token, Date.now());
        return "ok";
      } catch (e) {
        return e.code ?? String(e);
      }
    },
    attenuate: (token, caveats) => mx.attenuate(token, caveats),
    /** Closes by taking the iframe out of the page; resolves with how long until the token was refused. */
    async removeAndMeasure(id) {
      const { w, box } = widgets.get(id);
      const token = w.token;
      const t0 = performance.now();
      box.querySelector("iframe").remove();
      // The MutationObserver fires at the end of this task; poll the verifier until it refuses.
      while (this.verify(token) === "ok") await new Promise((r) => setTimeout(r, 0));
      return { ms: performance.now() - t0, code: this.verify(token) };
    },
  };
  // Counts the capability dialogs shown, for the renegotiation test.
  globalThis.dialogsShown = 0;
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.matches?.("dialog.mxs-prompt")) globalThis.dialogsShown++;
  }).observe(document.body, { childList: true, subtree: true });
  status("ready");
  return true;
};
