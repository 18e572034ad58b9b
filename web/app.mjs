// mxscope web: boot, login/logout, and the screens (rooms, a room with its widgets, Permissions).
// Routes live in the URL fragment: #/room/<id>, #/permissions, #/tokens, #/ (room list on a narrow window).
//
// Three kinds of session:
//   browser-only  signed in directly to a homeserver; this browser is its own mxscope issuer
//   gateway       signed in through an mxscope gateway; the access token IS the login's root
//                 token, and the "Devices & tokens" screen mints, lists and revokes its tokens
//   token         "Sign in with a token" on a semi-trusted device: a limited token at the gateway
import * as mx from "mxscope";
import { h, fill } from "./lib/dom.mjs";
import { MatrixClient, passwordLogin } from "./lib/matrix.mjs";
import { loadLogin, saveLogin, clearLogin, lastRoom, ScopedStorage } from "./lib/store.mjs";
import { Widgets } from "./lib/widgets.mjs";
import { Gateway, gatewayKey, isMxscopeToken } from "./lib/gateway.mjs";
import { MatrixError, NetworkError } from "./lib/matrix.mjs";
import { loginView } from "./views/login.mjs";
import { tokenLoginView, previewToken } from "./views/token-login.mjs";
import { TokensView } from "./views/tokens.mjs";
import { limitedSession } from "./views/limited.mjs";
import { untilLabel } from "./lib/gateway.mjs";
import { Shell } from "./views/shell.mjs";

const root = document.getElementById("app");

const config = await fetch("/config.json", { cache: "no-store" })
  .then((r) => (r.ok ? r.json() : {}))
  .catch(() => ({}));
config.homeserver ??= "http://127.0.0.1:18008";

/** The running app, also reachable from the console and the tests as `mxscopeWeb`. */
const app = {
  mx,
  config,
  matrix: null,
  widgets: null,
  shell: null,
  login: null,
};
globalThis.mxscopeWeb = app;

function fatal(title, detail) {
  fill(root, h("div.splash.error", { role: "alert" }, h("h1", title), h("p", detail)));
}

try {
  await mx.ready();
} catch (e) {
  fatal("The mxscope SDK didn't load", "Its WebAssembly build is missing or broken. Run scripts/build-wasm.sh (or scripts/demo-web.sh) and reload.");
  throw e;
}

function showLogin(notice) {
  document.title = "Sign in · mxscope web";
  // A token session needs a gateway: the link shows only where one is configured.
  fill(root, loginView({ config, notice, onLogin: logIn, onTokenLogin: config.gateway ? () => showTokenLogin() : null }));
}

function showTokenLogin({ notice = null, prefill = "" } = {}) {
  document.title = "Sign in with a token · mxscope web";
  fill(root, tokenLoginView({ config, notice, prefill, onSubmit: tokenLogIn, onBack: () => showLogin() }));
}

/** Where a login's grants, revocations and minted tokens live (a token session apart from its user's). */
const storageKey = (login) => (login?.mode === "token" ? `${login.userId}/token:${login.tokenId}` : login?.userId);

/**
 * Signs in. Through a gateway the access token is an mxscope root token (gateway mode); from a
 * plain homeserver, this browser creates its own issuer key and root token (browser-only mode).
 */
async function logIn({ baseUrl, user, password }) {
  const session = await passwordLogin(baseUrl, user, password);
  if (isMxscopeToken(session.accessToken)) {
    let issuerPublicKey;
    try {
      issuerPublicKey = await gatewayKey(session.baseUrl);
    } catch (e) {
      await fetch(`${session.baseUrl}/_matrix/client/v3/logout`, { method: "POST", headers: { Authorization: `Bearer ${session.accessToken}`, "Content-Type": "application/json" }, body: "{}" }).catch(() => {});
      throw new Error(`The gateway didn't publish its key: ${e.message}`);
    }
    const login = { ...session, mode: "gateway", rootToken: session.accessToken, issuerPublicKey };
    saveLogin(login);
    start(login);
    return;
  }
  const issuer = mx.generateIssuerKey();
  const rootToken = mx.mint({ issuerSecretKey: issuer.secretKey, userId: session.userId, deviceId: session.deviceId });
  const login = { ...session, issuerSecretKey: issuer.secretKey, issuerPublicKey: issuer.publicKey, rootToken };
  saveLogin(login);
  start(login);
}

/** Checks a token at the gateway; resolves with the session it opens, or throws an Error that explains. */
async function tokenSession(gateway, token) {
  const p = previewToken(token);
  if (p.error) throw new Error(p.error);
  let who;
  try {
    who = await new Gateway({ baseUrl: gateway, token: p.token }).whoami();
  } catch (e) {
    if (e instanceof NetworkError) throw new Error(`Can't reach the gateway at ${gateway}.`);
    if (e instanceof MatrixError) {
      const code = e.body?.["org.mxscope.error"];
      if (code === "token_revoked") throw new Error("This token has been revoked. Ask your main device for a new one.");
      if (code === "token_expired") throw new Error(`This token has expired${p.scope?.notAfter ? ` (it was valid until ${untilLabel(p.scope.notAfter)})` : ""}. Ask your main device for a new one.`);
      if (code === "token_not_yet_valid") throw new Error("This token isn't valid yet.");
      if (code === "unknown_key" || code === "bad_signature") throw new Error(`This token wasn't made by the gateway at ${gateway}. Check the gateway address.`);
      if (e.status === 401 && /login .* has ended/i.test(e.message)) throw new Error("The login that made this token has signed out, so its tokens no longer work.");
      if (e.status === 404 || e.errcode === "M_UNRECOGNIZED") throw new Error(`${gateway} isn't an mxscope gateway.`);
      throw new Error(`The gateway refused: ${e.message}`);
    }
    throw e;
  }
  if (who.root) throw new Error("This is a login's full-access token. Use it only where you signed in with your password; ask for a limited token here.");
  const issuerPublicKey = await gatewayKey(gateway);
  return { mode: "token", baseUrl: gateway, accessToken: p.token, rootToken: p.token, userId: who.user_id, deviceId: who.device_id, issuerPublicKey, tokenName: who.name, tokenId: who.token_id };
}

/** "Sign in with a token": the gateway checks the token, then the session opens with its limits. */
async function tokenLogIn({ gateway, token }) {
  const login = await tokenSession(gateway, token);
  saveLogin(login);
  start(login);
}

/** A limited session switches to a new token (after its main device granted more). */
async function switchToken(input) {
  const old = app.login;
  const p = previewToken(input);
  if (p.empty) throw new Error("Paste the token or sign-in link from your main device.");
  const next = await tokenSession(p.gateway ?? old.baseUrl, p.token ?? input);
  if (next.userId !== old.userId) throw new Error(`That token is for another account (${next.userId}).`);
  if (next.tokenId === old.tokenId) throw new Error("That is the token this device already uses.");
  // The old token revokes itself (a limited token's logout ends only that token).
  app.widgets.revokeLogin();
  await app.matrix.logout().catch(() => {});
  clearLogin(storageKey(old));
  teardown();
  saveLogin(next);
  start(next);
}

function limitedEnded(error, login) {
  const code = error?.body?.["org.mxscope.error"];
  const until = login.notAfter ? ` (it was valid until ${untilLabel(login.notAfter)})` : "";
  if (code === "token_revoked") return "This device's access was revoked from your main device. Ask it for a new sign-in code if you still need access.";
  if (code === "token_expired") return `This device's access has expired${until}. Ask your main device for a new sign-in code.`;
  return "This device's access ended: the login that made its token has signed out.";
}

function start(login) {
  app.login = login;
  const matrix = new MatrixClient(login);
  const storage = new ScopedStorage(localStorage, storageKey(login));
  app.matrix = matrix;
  app.widgets = new Widgets({
    matrix,
    login,
    storage,
    onNavigate: (uri) => {
      // matrix.to links to rooms this person is in open here; anything else is ignored.
      const m = /^https:\/\/matrix\.to\/#\/([^?]+)/.exec(uri);
      const id = m && decodeURIComponent(m[1]);
      if (id && matrix.rooms.has(id)) location.hash = `#/room/${encodeURIComponent(id)}`;
    },
  });
  let extras = {};
  app.tokens = null;
  app.limited = null;
  if (login.mode === "gateway") {
    app.tokens = new TokensView({ matrix, login, storage, shell: null });
    extras = {
      pages: [{ name: "tokens", label: "Devices & tokens", icon: "key", view: app.tokens }],
      logoutDialog: () => {
        const live = app.tokens.nodes().top.filter((n) => !n.ended);
        const n = app.widgets.live().length;
        return {
          title: "Log out?",
          text: `You're signed in as ${matrix.userId} through the gateway. Logging out:`,
          details: [
            `revokes this login's root token at the gateway, and with it every token made from it${live.length ? `: ${live.map((t) => `“${t.name ?? "unnamed"}”`).join(", ")} ${live.length === 1 ? "stops" : "stop"} working too` : ""}`,
            "ends the session on the homeserver" + (n ? ` (${n} open widget${n === 1 ? "" : "s"} will close)` : ""),
            "deletes this browser's copy of the login and its remembered widget approvals and trusted widget domains",
          ],
          confirm: "Log out",
          danger: true,
        };
      },
    };
  } else if (login.mode === "token") {
    login.notAfter = mx.inspect(login.accessToken).claimedScope.notAfter;
    app.limited = extras = limitedSession({ matrix, login, onNewToken: switchToken });
    // A revoked token is noticed at the next /sync: keep the long-poll short.
    matrix.pollTimeout = Number(config.limitedPollMs ?? 10000);
  }
  app.shell = new Shell({ root, matrix, widgets: app.widgets, config, onLogout: logOut, lastRoom, extras });
  if (app.tokens) app.tokens.shell = app.shell;
  app.limited?.attach(app.shell);
  matrix.addEventListener("loggedout", (ev) => {
    if (login.mode === "token") endSession(limitedEnded(ev.detail?.error, login), { token: true });
    else endSession("Your session ended on the homeserver. Sign in again.");
  });
  matrix.start();
}

/**
 * Logging out revokes every token of this login: the root's revocation id goes into the
 * verifier's revocation set first (every widget token and anything derived from it is refused
 * from that moment), the widgets close, then the homeserver session ends and the keys are deleted.
 */
async function logOut() {
  const { matrix, widgets, login } = app;
  widgets.revokeLogin();
  try {
    await matrix.logout();
  } catch {
    // The homeserver is unreachable: the local keys go anyway; the access token dies with them
    // here, and the homeserver's device list still shows the session to remove by hand.
  }
  clearLogin(storageKey(login));
  teardown();
  if (login.mode === "token") showTokenLogin({ notice: { kind: "info", text: "You're signed out. This device's token is revoked at the gateway: it can't be used again." } });
  else if (login.mode === "gateway") showLogin({ kind: "info", text: "You're signed out. The gateway ended this login: its root token and every token made from it (devices, scripts, widgets) are revoked." });
  else showLogin({ kind: "info", text: "You're signed out. This login's passes, and every widget pass made from them, are revoked." });
}

function endSession(text, { token = false } = {}) {
  app.widgets?.revokeLogin();
  clearLogin(storageKey(app.login));
  teardown();
  if (token) showTokenLogin({ notice: { kind: "error", text } });
  else showLogin({ kind: "error", text });
}

function teardown() {
  app.matrix?.stop();
  app.shell?.dispose();
  // The last login's verifier stays reachable for the tests: it must refuse that login's tokens.
  app.lastVerifier = app.widgets?.verifier ?? app.lastVerifier;
  Object.assign(app, { matrix: null, widgets: null, shell: null, login: null, tokens: null, limited: null });
  history.replaceState(null, "", location.pathname);
}

// A sign-in link (the QR code of "Sign in on another device"): the token is in the fragment, which
// never reaches a server; it leaves the address bar at once.
const link = /(^|[#&])signin-token=/.test(location.hash.slice(1)) ? location.hash : null;
if (link) history.replaceState(null, "", location.pathname);
const saved = loadLogin();
if (saved) start(saved);
else if (link) showTokenLogin({ prefill: link });
else showLogin();
