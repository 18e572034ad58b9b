// Pieces the token screens share: a token shown as a QR code and as text with a copy button, the
// SDK's sentences with risk tags, choice lists, and the sign-in link a QR code carries.
import { h } from "../lib/dom.mjs";
import { encodeQr, qrSvg } from "../lib/qr.mjs";

export const RISK = { low: "Low risk", medium: "Medium risk", high: "High risk", critical: "Very high risk" };

/** The link a device-sign-in QR code holds: this client, the token in the fragment (never sent to a server). */
export function signInLink(token, { origin = location.origin, gateway = null } = {}) {
  const q = new URLSearchParams({ "signin-token": token });
  if (gateway) q.set("gateway", gateway);
  return `${origin}/#${q}`;
}

/** Reads a token (and a gateway) from a sign-in link, a fragment, or bare token text. */
export function parseSignIn(text) {
  const s = String(text ?? "").trim();
  const m = /[#&?]signin-token=([^&\s]+)/.exec(s);
  if (m) {
    const frag = s.slice(s.indexOf("#") + 1);
    const q = new URLSearchParams(frag.includes("signin-token=") ? frag : s.slice(s.indexOf("?") + 1));
    return { token: (q.get("signin-token") ?? decodeURIComponent(m[1])).trim(), gateway: q.get("gateway") };
  }
  return { token: s.replace(/\s+/g, ""), gateway: null };
}

/** The SDK's sentences as a list, each with its risk. `skip`: kinds to leave out. */
export function sentenceList(list, { skip = [], names = (t) => t } = {}) {
  const rows = list.filter((s) => !skip.includes(s.kind));
  return h(
    "ul.sentences",
    rows.map((s) => h("li", { dataset: { risk: s.risk, kind: s.kind } }, h(`span.risk.risk-${s.risk}`, RISK[s.risk] ?? s.risk), h("span", names(s.text)))),
  );
}

/** Copies text; falls back to selecting it in `field` when the clipboard is not available. */
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (field) {
      field.focus();
      field.select();
      try {
        return document.execCommand("copy");
      } catch {}
    }
    return false;
  }
}

export function copyButton(text, field, label = "Copy") {
  const b = h("button.btn.small", {
    type: "button",
    dataset: { action: "copy" },
    async onclick() {
      const ok = await copyText(text(), field);
      b.textContent = ok ? "Copied ✓" : "Selected: press Ctrl+C";
      setTimeout(() => (b.textContent = label), 2500);
    },
  }, label);
  return b;
}

/** An SVG QR code element (the SVG is generated here, never from outside text). */
export function qrElement(text, label) {
  // Level L: a screen doesn't get scratched, and fewer modules scan more easily.
  const qr = encodeQr(text, { ecl: "L" });
  const box = h("div.qr", { dataset: { version: String(qr.version) } });
  box.innerHTML = qrSvg(qr, { border: 4, label });
  return box;
}

/**
 * A freshly minted token: optional QR code, the text in a read-only field, a copy button.
 * @param {{token: string, qrText?: string, qrLabel?: string, note?: Node|string}} o
 */
export function tokenReveal({ token, qrText = null, qrLabel = "QR code", note = null }) {
  const field = h("textarea.token-text", { readonly: true, rows: 4, spellcheck: "false", "aria-label": "Token", onfocus: (ev) => ev.target.select() });
  field.value = token;
  return h(
    "div.token-reveal",
    qrText ? qrElement(qrText, qrLabel) : null,
    h("div.token-reveal-text", note ? h("p.muted", note) : null, field, h("div.row", copyButton(() => token, field, "Copy token"))),
  );
}

/** A group of radio choices: [{value, label, hint?}] -> fieldset; `get()` reads the choice. */
const DURATION_WORDS = { 900: "15 minutes", 3600: "1 hour", 28800: "8 hours", 86400: "1 day", 604800: "7 days", 2592000: "30 days", 31536000: "1 year" };

/** Radio choices ({value, label}) for durations in seconds, each one of DURATION_WORDS. */
export const durationChoices = (...seconds) => seconds.map((s) => ({ value: String(s), label: DURATION_WORDS[s] }));

export function radios(name, legend, options, value) {
  const inputs = [];
  const el = h(
    "fieldset.choices",
    h("legend", legend),
    options.map((o) => {
      const input = h("input", { type: "radio", name, value: o.value, checked: o.value === value });
      inputs.push(input);
      return h("label.choice", input, h("span.choice-text", h("span", o.label), o.hint ? h("span.muted", o.hint) : null));
    }),
  );
  el.get = () => inputs.find((i) => i.checked)?.value ?? null;
  el.set = (v) => inputs.forEach((i) => (i.checked = i.value === v));
  return el;
}

/** Checkboxes: [{value, label, hint?, checked?}] -> fieldset; `get()` reads the checked values. */
export function checks(name, legend, options, { compact = false } = {}) {
  const inputs = [];
  const el = h(
    `fieldset.choices${compact ? ".compact" : ""}`,
    h("legend", legend),
    options.map((o) => {
      const input = h("input", { type: "checkbox", name, value: o.value, checked: !!o.checked });
      inputs.push(input);
      return h("label.choice", input, h("span.choice-text", h("span", o.label), o.hint ? h("span.muted", o.hint) : null));
    }),
  );
  el.get = () => inputs.filter((i) => i.checked).map((i) => i.value);
  el.inputs = inputs;
  return el;
}

/** "12 s ago", "4 min ago", "3 h ago", or a date. */
export function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}
