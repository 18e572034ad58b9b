// Common set-up for the Node suites: the SDK (wasm), an issuer, a root token for the client, a
// revocation set + verifier, and a host wired to fakes.
import { mx } from "../../../widget-host/sdk.mjs";
import { WidgetHost } from "../../../widget-host/widget-host.mjs";
import { GrantStore, MemoryStorage } from "../../../widget-host/grants.mjs";
import { FakeContainer, FakeDocument, FakeWidget, loadAll } from "./fake-dom.mjs";
import { FakeClient } from "./fake-client.mjs";

await mx.ready();
export { mx };

export const ROOM = "!ops:example.org";
export const OTHER = "!other:example.org";
export const ROOM_NAMES = { [ROOM]: "Ops", [OTHER]: "Other" };
export const WIDGET_ORIGIN = "https://widgets.example.net";

export function issuerAndRoot(userId = "@alice:example.org") {
  const issuer = mx.generateIssuerKey();
  const rootToken = mx.mint({ issuerSecretKey: issuer.secretKey, userId, deviceId: "DEV" });
  const revoked = new mx.RevocationSet();
  const verifier = new mx.Verifier({ trustedKeys: [issuer.publicKey], revoked });
  return { issuer, rootToken, revoked, verifier };
}

/** A prompter that answers like a person who accepts the defaults (or as `answer` says). */
export function scriptedPrompter(answer = (req) => ({ capabilities: req.rows.filter((r) => r.checked).map((r) => r.capability), duration: "session" })) {
  const p = {
    requests: [],
    openIdRequests: [],
    openIdAnswer: { allow: true, remember: true },
    loadRequests: [],
    loadAnswer: { load: false },
    async capabilities(req) {
      p.requests.push(req);
      req.session.mark("promptVisible");
      return answer(req);
    },
    async openId(req) {
      p.openIdRequests.push(req);
      return p.openIdAnswer;
    },
    async load(req) {
      p.loadRequests.push(req);
      return p.loadAnswer;
    },
  };
  return p;
}

export function makeHost({ prompter = scriptedPrompter(), client = new FakeClient(), now, tokenLifetimeMs, storage = new MemoryStorage(), ...hostOptions } = {}) {
  const keys = issuerAndRoot();
  const document = new FakeDocument();
  const host = new WidgetHost({
    client,
    ...keys,
    prompter,
    grants: new GrantStore({ storage, now }),
    roomNames: { ...ROOM_NAMES },
    window: globalThis,
    document,
    parentUrl: "https://client.example/app",
    tokenLifetimeMs,
    now,
    onNavigate: (uri) => client.calls.push({ name: "navigate", args: [uri] }),
    ...hostOptions,
  });
  return { host, client, prompter, document, storage, ...keys };
}

let serial = 0;
/** Embeds a widget, answers its handshake with `capabilities`, resolves once notified. */
export async function embedWidget(env, { capabilities, roomId = ROOM, url = `${WIDGET_ORIGIN}/w/index.html?room=$matrix_room_id`, id = `w${++serial}`, name = "Test widget", type, sender, creatorUserId = "@bob:example.org", versions, waitForIframeLoad } = {}) {
  const container = new FakeContainer();
  const definition = Object.fromEntries(Object.entries({ id, url, name, type, creatorUserId, waitForIframeLoad }).filter(([, v]) => v !== undefined));
  const w = env.host.embed(definition, { roomId, container, sender });
  // With the load-consent step the iframe exists only once it is answered (or a rule vouched).
  if (!w.iframe && !(await w.consent)) return { w, container, loaded: false };
  const fw = new FakeWidget(w.iframe, { capabilities, versions });
  loadAll(env.document);
  const notified = await fw.notifiedPromise;
  return { w, fw, container, notified, loaded: true };
}
