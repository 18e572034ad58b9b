// "Sign in with a token": on a device you don't fully trust, paste (or scan) the token or sign-in
// link your main device made under Devices & tokens. Before anything is sent, the page says what
// the token allows ("Read-only until 15:10 · 1 room"); the gateway then checks it and the session
// opens with exactly that access.
import * as mx from "mxscope";
import { h, fill } from "../lib/dom.mjs";
import { headline } from "../lib/gateway.mjs";
import { sentenceList, parseSignIn } from "./token-ui.mjs";
import { loginScreen, loginForm, serverAddress, serverDetails } from "./login-form.mjs";

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

  const { form, submit, showError } = loginForm({
    submitLabel: "Sign in with this token",
    busyLabel: "Checking the token…",
    check() {
      const p = previewToken(field.value);
      if (p.empty || p.error) return { error: p.error ?? "Paste the token or sign-in link from your main device.", focus: field };
      const gateway = serverAddress(gatewayInput.value);
      if (!gateway) return { error: "The gateway address isn't a valid URL." };
      return { values: { gateway, token: p.token } };
    },
    send: onSubmit,
    children: [
      h("label", { for: "token-input" }, "Token or sign-in link"),
      field,
      scanBox,
      preview,
      serverDetails({ summary: "Gateway ", label: "Gateway address", input: gatewayInput }),
    ],
  });

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
              showError(`The camera isn't available: ${e.message}`);
              return null;
            });
          },
        }, "Scan a QR code")
      : null;

  const view = loginScreen({
    title: "Sign in with a token",
    lede: ["On a device you don't fully trust. Your main device makes the token under ", h("strong", "Devices & tokens → Sign in on another device"), ": this device then gets only what it allows, for as long as it allows."],
    notice,
    children: [
      scanButton ? h("div.row", scanButton) : null,
      form,
      h("p.switch-login", h("button.linklike", { type: "button", onclick: () => (stopScan?.(), onBack()) }, "‹ Sign in with a password instead")),
    ],
  });
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
