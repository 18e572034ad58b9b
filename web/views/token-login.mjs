// "Sign in with a token": on a device you don't fully trust, paste (or scan) the token or sign-in
// link your main device made under Devices & tokens. Before anything is sent, the page says what
// the token allows ("Read-only until 15:10 · 1 room"); the gateway then checks it and the session
// opens with exactly that access.
import * as mx from "mxscope";
import { h, fill } from "../lib/dom.mjs";
import { headline } from "../lib/gateway.mjs";
import { sentenceList, parseSignIn } from "./token-ui.mjs";

const TOKEN_ERRORS = {
  bad_checksum: "This token is damaged: a character is missing or mistyped. Copy it again, or scan the code.",
  malformed_token: "That isn't an mxscope token. It starts with “mxs1_”, or is a sign-in link.",
  too_large: "That is too long to be a token.",
  unsupported_version: "This token was made by a newer version of mxscope.",
};

/** What a pasted token says about itself (not verified: the gateway verifies on sign-in). */
export function previewToken(text) {
  const { token, gateway } = parseSignIn(text);
  if (!token) return { empty: true };
  try {
    const info = mx.inspect(token);
    return { token, gateway, info, scope: info.claimedScope };
  } catch (e) {
    return { token, gateway, error: TOKEN_ERRORS[e?.code] ?? `That token can't be read (${e?.code ?? e?.message}).` };
  }
}

export function tokenLoginView({ config, notice, prefill = "", onSubmit, onBack }) {
  const field = h("textarea#token-input.token-text", { rows: 4, spellcheck: "false", autocapitalize: "none", placeholder: "mxs1_…  or the sign-in link", "aria-label": "Token or sign-in link" });
  const pre = prefill ? parseSignIn(prefill) : null; // a sign-in link: the token, and maybe its gateway
  field.value = pre?.token ?? "";
  const gatewayInput = h("input#token-gateway", { type: "url", value: pre?.gateway ?? config.gateway ?? config.homeserver ?? "" });
  const preview = h("div.token-preview", { "aria-live": "polite" });
  const error = h("p.form-error", { role: "alert", hidden: true });
  const submit = h("button.btn.primary.wide", { type: "submit" }, "Sign in with this token");
  const scanBox = h("div.scan-box", { hidden: true });

  const update = () => {
    const p = previewToken(field.value);
    if (p.gateway) gatewayInput.value = p.gateway;
    if (p.empty) return fill(preview);
    if (p.error) return fill(preview, h("p.notice.error", p.error));
    const s = p.scope;
    const rooms = s.rooms ? `${s.rooms.length} room${s.rooms.length === 1 ? "" : "s"}` : "all rooms";
    const expired = s.notAfter && s.notAfter < Date.now();
    fill(
      preview,
      h(
        "div.preview-card",
        h("p.preview-headline", h("span.icon.lock", { "aria-hidden": "true" }), h("span", h("strong", expired ? "This token has expired" : headline(s)), ` · ${rooms}`)),
        h("p.muted", `As ${p.info.userId}${s.name ? `, named “${s.name}”` : ""}`),
        sentenceList(mx.describe(p.token), { skip: ["time", "name"] }),
      ),
    );
  };
  field.addEventListener("input", update);

  const form = h(
    "form.login-form",
    {
      novalidate: true,
      async onsubmit(ev) {
        ev.preventDefault();
        error.hidden = true;
        const p = previewToken(field.value);
        if (p.empty || p.error) {
          error.textContent = p.error ?? "Paste the token or sign-in link from your main device.";
          error.hidden = false;
          field.focus();
          return;
        }
        let gateway;
        try {
          gateway = new URL(gatewayInput.value.trim()).toString().replace(/\/+$/, "");
        } catch {
          error.textContent = "The gateway address isn't a valid URL.";
          error.hidden = false;
          return;
        }
        submit.disabled = true;
        submit.textContent = "Checking the token…";
        form.setAttribute("aria-busy", "true");
        try {
          await onSubmit({ gateway, token: p.token });
        } catch (e) {
          error.textContent = e.message;
          error.hidden = false;
          submit.disabled = false;
          submit.textContent = "Sign in with this token";
          form.removeAttribute("aria-busy");
        }
      },
    },
    h("label", { for: "token-input" }, "Token or sign-in link"),
    field,
    scanBox,
    preview,
    h("details.server", h("summary", "Gateway ", h("span.muted", (() => { try { return new URL(gatewayInput.value).host; } catch { return ""; } })())), h("label", { for: "token-gateway" }, "Gateway address"), gatewayInput),
    error,
    submit,
  );

  // Scanning: only where the browser can decode QR codes itself (BarcodeDetector) and has a camera.
  let stopScan = null;
  const scanButton =
    "BarcodeDetector" in globalThis && navigator.mediaDevices?.getUserMedia
      ? h("button.btn.small", {
          type: "button",
          async onclick() {
            if (stopScan) return stopScan();
            stopScan = await scan(scanBox, (text) => {
              field.value = text;
              update();
              stopScan?.();
            }).catch((e) => {
              error.textContent = `The camera isn't available: ${e.message}`;
              error.hidden = false;
              return null;
            });
          },
        }, "Scan a QR code")
      : null;

  const view = h(
    "div.login-screen",
    h(
      "main.login-card",
      h("div.brand.big", h("span.logo", { "aria-hidden": "true" }), h("span", "mxscope"), h("span.brand-sub", "web")),
      h("h1", "Sign in with a token"),
      h("p.lede", "On a device you don't fully trust. Your main device makes the token under ", h("strong", "Devices & tokens → Sign in on another device"), ": this device then gets only what it allows, for as long as it allows."),
      notice ? h(`p.notice.${notice.kind ?? "info"}`, { role: notice.kind === "error" ? "alert" : "status" }, notice.text) : null,
      scanButton ? h("div.row", scanButton) : null,
      form,
      h("p.switch-login", h("button.linklike", { type: "button", onclick: () => (stopScan?.(), onBack()) }, "‹ Sign in with a password instead")),
    ),
  );
  if (prefill) queueMicrotask(update);
  queueMicrotask(() => (prefill ? submit : field).focus());
  return view;
}

/** Reads QR codes from the camera until one is found. Resolves with a stop function. */
async function scan(box, onText) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  const video = h("video", { playsinline: true, muted: true });
  video.srcObject = stream;
  fill(box, video);
  box.hidden = false;
  await video.play();
  const detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
  let on = true;
  const stop = () => {
    on = false;
    stream.getTracks().forEach((t) => t.stop());
    box.hidden = true;
    fill(box);
  };
  (async function loop() {
    while (on) {
      try {
        const codes = await detector.detect(video);
        if (codes[0]?.rawValue) return onText(codes[0].rawValue);
      } catch {}
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return stop;
}
