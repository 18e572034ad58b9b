// mxscope web: boot, login/logout, and the screens (rooms, a room with its widgets, Permissions).
// Routes live in the URL fragment: #/room/<id>, #/permissions, #/ (room list on a narrow window).
import * as mx from "mxscope";
import { h, fill } from "./lib/dom.mjs";
import { MatrixClient, passwordLogin } from "./lib/matrix.mjs";
import { loadLogin, saveLogin, clearLogin, lastRoom, ScopedStorage } from "./lib/store.mjs";
import { Widgets } from "./lib/widgets.mjs";
import { loginView } from "./views/login.mjs";
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
  fill(root, loginView({ config, notice, onLogin: logIn }));
}

/** Signs in, then creates this login's issuer key and root token (browser-only mode). */
async function logIn({ baseUrl, user, password }) {
  const session = await passwordLogin(baseUrl, user, password);
  const issuer = mx.generateIssuerKey();
  const rootToken = mx.mint({ issuerSecretKey: issuer.secretKey, userId: session.userId, deviceId: session.deviceId });
  const login = { ...session, issuerSecretKey: issuer.secretKey, issuerPublicKey: issuer.publicKey, rootToken };
  saveLogin(login);
  start(login);
}

function start(login) {
  app.login = login;
  const matrix = new MatrixClient(login);
  const storage = new ScopedStorage(localStorage, login.userId);
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
  app.shell = new Shell({ root, matrix, widgets: app.widgets, config, onLogout: logOut, lastRoom });
  matrix.addEventListener("loggedout", () => endSession("Your session ended on the homeserver. Sign in again."));
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
  clearLogin(login.userId);
  teardown();
  showLogin({ kind: "info", text: "You're signed out. This login's passes, and every widget pass made from them, are revoked." });
}

function endSession(text) {
  app.widgets?.revokeLogin();
  clearLogin(app.login?.userId);
  teardown();
  showLogin({ kind: "error", text });
}

function teardown() {
  app.matrix?.stop();
  app.shell?.dispose();
  // The last login's verifier stays reachable for the tests: it must refuse that login's tokens.
  app.lastVerifier = app.widgets?.verifier ?? app.lastVerifier;
  Object.assign(app, { matrix: null, widgets: null, shell: null, login: null });
  history.replaceState(null, "", location.pathname);
}

const saved = loadLogin();
if (saved) start(saved);
else showLogin();
