// The sign-in screen: user name + password against a homeserver (the local Synapse by default).
import { h } from "../lib/dom.mjs";
import { MatrixError, NetworkError } from "../lib/matrix.mjs";
import { loginScreen, loginForm, serverAddress, serverDetails } from "./login-form.mjs";

function explain(e, baseUrl) {
  if (e instanceof NetworkError) return `Can't reach the homeserver at ${baseUrl}. Is it running? (scripts/synapse.sh start)`;
  if (e instanceof MatrixError) {
    if (e.errcode === "M_FORBIDDEN") return "Wrong user name or password.";
    if (e.errcode === "M_USER_DEACTIVATED") return "This account has been deactivated.";
    if (e.errcode === "M_LIMIT_EXCEEDED") return "Too many attempts. Wait a moment and try again.";
    return `The homeserver refused: ${e.message}`;
  }
  return `Something went wrong: ${e?.message ?? e}`;
}

export function loginView({ config, notice, onLogin, onTokenLogin }) {
  // With a gateway configured, the password goes to it: it signs in to the homeserver and hands
  // this client an mxscope root token (gateway mode).
  const serverUrl = config.gateway ?? config.homeserver;
  const user = h("input#login-user", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false", placeholder: "e.g. alice" });
  const password = h("input#login-password", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const server = h("input#login-server", { name: "homeserver", type: "url", required: true, value: serverUrl });

  const { form, submit } = loginForm({
    submitLabel: "Sign in",
    busyLabel: "Signing in…",
    check() {
      const name = user.value.trim().replace(/^@/, "").split(":")[0];
      if (!name || !password.value) return { error: "Enter your user name and password.", focus: name ? password : user };
      const baseUrl = serverAddress(server.value);
      if (!baseUrl) return { error: "The homeserver address isn't a valid URL." };
      return { values: { baseUrl, user: name, password: password.value } };
    },
    send: onLogin,
    explain: (e, { baseUrl }) => explain(e, baseUrl),
    afterFailure: () => password.select(),
    children: [
      h("label", { for: "login-user" }, "User name"),
      user,
      h("label", { for: "login-password" }, "Password"),
      password,
      serverDetails({ summary: config.gateway ? "Through the gateway " : "Homeserver ", label: config.gateway ? "Gateway (or homeserver) address" : "Homeserver address", input: server }),
    ],
  });

  const demo = config.demo?.users?.length
    ? h(
        "aside.demo-hint",
        { "aria-label": "Demo accounts" },
        h("strong", "Demo accounts"),
        h(
          "ul",
          config.demo.users.map((u) =>
            h("li", h("button.linklike", { type: "button", onclick: () => { user.value = u.user; password.value = u.password; submit.focus(); } }, `${u.user} / ${u.password}`)),
          ),
        ),
      )
    : null;

  const view = loginScreen({
    title: "Sign in",
    lede: "Chat on Matrix. Widgets you open act with their own short-lived pass, limited to what you allow, and you can revoke it at any time.",
    notice,
    children: [
      form,
      // A link, not a button: the page has one "Sign in" button.
      onTokenLogin
        ? h("p.switch-login", h("a", { href: "#", dataset: { action: "token-login" }, onclick: (ev) => (ev.preventDefault(), onTokenLogin()) }, "Sign in with a token from your main device"))
        : null,
      demo,
    ],
  });
  queueMicrotask(() => user.focus());
  return view;
}
