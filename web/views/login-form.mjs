// What the two sign-in screens (password, token) share: the card they sit in, the collapsed
// server address field, and the submit cycle (check, busy button, failure explained, try again).
import { h } from "../lib/dom.mjs";

/** The sign-in card: brand, title, lede, the notice (signed out, session ended) and `children`. */
export function loginScreen({ title, lede, notice, children }) {
  return h(
    "div.login-screen",
    h(
      "main.login-card",
      h("div.brand.big", h("span.logo", { "aria-hidden": "true" }), h("span", "mxscope"), h("span.brand-sub", "web")),
      h("h1", title),
      h("p.lede", lede),
      notice ? h(`p.notice.${notice.kind ?? "info"}`, { role: notice.kind === "error" ? "alert" : "status" }, notice.text) : null,
      children,
    ),
  );
}

/** "https://hs.example.org/" → "https://hs.example.org"; null when it isn't a URL. */
export function serverAddress(text) {
  try {
    return new URL(text.trim()).toString().replace(/\/+$/, "");
  } catch {
    return null;
  }
}

/** The server field, folded under "<summary> <host>" (most people never change it). */
export function serverDetails({ summary, label, input }) {
  let host = "";
  try {
    host = new URL(input.value).host;
  } catch {}
  return h("details.server", h("summary", summary, h("span.muted", host)), h("label", { for: input.id }, label), input);
}

/**
 * A sign-in form around `children`. On submit `check()` returns `{error, focus?}` (shown, nothing
 * sent) or `{values}`; while `send(values)` runs the button says `busyLabel`; when it throws, the
 * message of `explain(e, values)` is shown and `afterFailure()` runs.
 * @returns {{form: HTMLFormElement, submit: HTMLButtonElement, showError: (text: string) => void}}
 */
export function loginForm({ submitLabel, busyLabel, check, send, explain = (e) => e.message, afterFailure, children }) {
  const error = h("p.form-error", { role: "alert", hidden: true });
  const submit = h("button.btn.primary.wide", { type: "submit" }, submitLabel);
  const showError = (text) => {
    error.textContent = text;
    error.hidden = false;
  };
  const form = h(
    "form.login-form",
    {
      novalidate: true,
      async onsubmit(ev) {
        ev.preventDefault();
        error.hidden = true;
        const checked = check();
        if (!checked.values) {
          showError(checked.error);
          checked.focus?.focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = busyLabel;
        form.setAttribute("aria-busy", "true");
        try {
          await send(checked.values);
        } catch (e) {
          showError(explain(e, checked.values));
          submit.disabled = false;
          submit.textContent = submitLabel;
          form.removeAttribute("aria-busy");
          afterFailure?.();
        }
      },
    },
    children,
    error,
    submit,
  );
  return { form, submit, showError };
}
