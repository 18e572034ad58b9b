// A session opened with a token on a semi-trusted device ("Sign in with a token"): the client
// talks to the gateway with that token, so it sees only the rooms the token allows and can do only
// what it allows, until it expires or the main device revokes it. This module adds to the shell:
// the limits in plain language ("Read-only until 15:10 · Demo room"), what happens when the person
// tries to do more (an explanation and "Ask my main device for more access" instead of a silent
// failure), rooms outside the token, and switching to a new token once more access is granted.
import * as mx from "mxscope";
import { h, fill, duration } from "../lib/dom.mjs";
import { headline, roomsLabel, untilLabel, encodeRequest, requestText, sendRequest } from "../lib/gateway.mjs";
import { modal } from "./dialogs.mjs";
import { sentenceList, copyButton, radios, checks, durationChoices } from "./token-ui.mjs";

const enc = encodeURIComponent;
const MORE_TIME = [{ value: "0", label: "No change" }, ...durationChoices(3600, 28800, 86400)];

/**
 * @param {object} o
 * @param {import("./shell.mjs").Shell} o.shell
 * @param {import("../lib/matrix.mjs").MatrixClient} o.matrix
 * @param {{baseUrl: string, accessToken: string, tokenName?: string}} o.login
 * @param {(input: string) => Promise<void>} o.onNewToken  switches this device to another token
 * @returns {{pages: object[], onUnknownRoom: Function, composerHint: Function, logoutDialog: Function, profile: boolean, dispose: Function, attach: Function}}
 */
export function limitedSession({ matrix, login, onNewToken }) {
  const token = login.accessToken;
  const scope = mx.inspect(token).claimedScope;
  const tokenId = mx.inspect(token).revocationIds.at(-1);
  let shell = null;
  const roomName = (id) => matrix.rooms.get(id)?.name ?? (id.length > 24 ? id.slice(0, 22) + "…" : id);
  const roomNames = () => Object.fromEntries([...matrix.rooms.values()].map((r) => [r.id, r.name]));
  const names = (text) => String(text ?? "").replace(/![A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-:[\]]+/g, (id) => roomName(id));
  const allows = (request) => mx.authorizeScope(scope, request).allowed;

  // ---- the bar: what this session may do, always in view ----------------------------------------

  const left = h("span.limited-left");
  const bar = h(
    "div.limited-bar",
    { role: "region", "aria-label": "Limited access" },
    h("span.icon.lock", { "aria-hidden": "true" }),
    h("span.limited-text", h("strong.limited-headline", headline(scope)), " · ", h("span.limited-rooms"), " ", left),
    h(
      "span.limited-actions",
      h("button.btn.small", { type: "button", dataset: { action: "limits" }, onclick: () => showLimits() }, "What can I do?"),
      h("button.btn.small", { type: "button", dataset: { action: "ask" }, onclick: () => stepUp({}) }, "Ask for more access"),
      h("button.btn.small.ghost", { type: "button", dataset: { action: "new-token" }, onclick: () => useNewToken() }, "Use a new token"),
    ),
  );
  const renderBar = () => {
    bar.querySelector(".limited-rooms").textContent = roomsLabel(scope, roomName);
    left.textContent = scope.notAfter ? `(${duration(Math.max(0, scope.notAfter - Date.now()))} left)` : "";
  };
  const timer = setInterval(renderBar, 1000);

  // ---- asking the main device for more (step-up) -------------------------------------------------

  /**
   * Explains what was refused and offers to ask the main device. `want`: {action, roomId, reason}.
   */
  function stepUp(want) {
    const room = want.roomId ? roomName(want.roomId) : null;
    const sendRooms = scope.rooms ?? [];
    const title =
      want.action === "send_message" ? `You can't send messages${room ? ` in ${room}` : ""} from this device` : want.action === "open_room" ? "This room isn't part of this device's access" : "Ask your main device for more access";
    return modal({
      label: title,
      className: "step-up",
      build: (close) => {
        const body = h("div.modal-body");
        const options = [];
        if (want.action === "open_room") options.push({ value: `room:${want.roomId}`, label: `See ${room ?? "this room"}`, checked: true });
        if (!allows({ action: "send_message", roomId: want.roomId ?? sendRooms[0] ?? undefined }) || want.action === "send_message")
          options.push({ value: "send", label: want.roomId ? `Send messages in ${room}` : "Send messages in its rooms", checked: want.action === "send_message" || !want.action });
        const what = checks("want", "Ask for", options);
        const time = radios("more-time", "More time", MORE_TIME, "0");
        time.classList.add("inline");
        const note = h("input#step-up-note", { maxlength: 140, placeholder: "e.g. I need to answer Bob", autocomplete: "off" });
        const error = h("p.form-error", { role: "alert", hidden: true });
        const submit = h("button.btn.primary", { type: "submit" }, "Ask my main device");
        fill(
          body,
          h(
            "form.step-up-form",
            {
              async onsubmit(ev) {
                ev.preventDefault();
                const picked = what.get();
                const seconds = Number(time.get());
                if (!picked.length && !seconds) {
                  error.textContent = "Choose what to ask for.";
                  error.hidden = false;
                  return;
                }
                const rooms = picked.filter((p) => p.startsWith("room:")).map((p) => p.slice(5));
                if (want.roomId && picked.includes("send") && !rooms.includes(want.roomId)) rooms.push(want.roomId);
                const actions = picked.includes("send") ? ["send_message"] : [];
                const code = encodeRequest({ actions, rooms, seconds: seconds || (scope.notAfter ? Math.max(900, Math.round((scope.notAfter - Date.now()) / 1000)) : 3600), note: note.value.trim(), tokenId });
                submit.disabled = true;
                submit.textContent = "Asking…";
                let logged = false;
                try {
                  logged = await sendRequest(login.baseUrl, token, code);
                } catch (e) {
                  error.textContent = `Couldn't reach the gateway (${e.message}). Send the request below another way.`;
                  error.hidden = false;
                }
                asked(body, code, logged, close);
              },
            },
            h("h2", title),
            h(
              "p",
              "This device is signed in with limited access: ",
              h("strong", headline(scope)),
              `, ${roomsLabel(scope, roomName)}.`,
              want.action === "send_message" ? " The gateway refused to send your message; it is kept here, marked “Not sent”." : "",
            ),
            want.reason ? h("p.muted.small", `The gateway said: ${names(want.reason)}`) : null,
            h("p", "The device you signed in from can give this one more access. Ask it:"),
            options.length ? what : null,
            time,
            h("label", { for: "step-up-note" }, "A note for your main device ", h("span.muted", "(optional)")),
            note,
            error,
            h("div.modal-actions", h("button.btn", { type: "button", onclick: () => close(undefined) }, "Not now"), submit),
          ),
        );
        return body;
      },
    });
  }

  function asked(body, code, logged, close) {
    const text = requestText(code);
    const field = h("textarea.token-text", { readonly: true, rows: 3, "aria-label": "Request code", onfocus: (ev) => ev.target.select() });
    field.value = text;
    fill(
      body,
      h("h2", logged ? "Request sent ✓" : "Your request"),
      logged
        ? h("p", "Your main device sees it under ", h("strong", "Devices & tokens → Requests for more access"), ". When it grants it, it shows a new sign-in code: choose ", h("strong", "“Use a new token”"), " here and scan or paste it.")
        : h("p", "Send this request to your main device (e.g. by message), and paste it there under Devices & tokens."),
      h("details.request-code", { open: !logged }, h("summary", "The request as text, to send another way"), field, h("div.row", copyButton(() => text, field, "Copy request"))),
      h(
        "div.modal-actions",
        h("button.btn", { type: "button", onclick: () => (close(true), useNewToken()) }, "Use a new token…"),
        h("button.btn.primary", { type: "button", autofocus: true, onclick: () => close(true) }, "OK"),
      ),
    );
    body.querySelector(".btn.primary")?.focus();
  }

  /** What this session may do, in the SDK's sentences. */
  function showLimits() {
    return modal({
      label: "What this device can do",
      build: (close) =>
        h(
          "div.modal-body",
          h("h2", "What this device can do"),
          h("p", h("strong", headline(scope)), scope.notAfter ? ` (${duration(Math.max(0, scope.notAfter - Date.now()))} from now)` : "", `, ${roomsLabel(scope, roomName)}.`),
          sentenceList(mx.describe(token, { roomNames: roomNames() }), { skip: ["time"], names }),
          h("p.muted", "The gateway enforces this: anything else is refused, whatever this page does. The device that gave you this token can revoke it at any time."),
          h("div.modal-actions", h("button.btn", { type: "button", onclick: () => (close(), stepUp({})) }, "Ask for more access"), h("button.btn.primary", { type: "button", autofocus: true, onclick: () => close() }, "OK")),
        ),
    });
  }

  /** Paste (or scan) the token the main device made after granting more. */
  function useNewToken() {
    return modal({
      label: "Use a new token",
      build: (close) => {
        const field = h("textarea#new-token-input.token-text", { rows: 4, spellcheck: "false", placeholder: "mxs1_… or the sign-in link", "aria-label": "New token" });
        const error = h("p.form-error", { role: "alert", hidden: true });
        const submit = h("button.btn.primary", { type: "submit" }, "Switch to this token");
        return h(
          "form.modal-body",
          {
            async onsubmit(ev) {
              ev.preventDefault();
              submit.disabled = true;
              submit.textContent = "Checking…";
              try {
                await onNewToken(field.value);
                close(true);
              } catch (e) {
                error.textContent = e.message;
                error.hidden = false;
                submit.disabled = false;
                submit.textContent = "Switch to this token";
              }
            },
          },
          h("h2", "Use a new token"),
          h("p.muted", "Paste the token or sign-in link your main device showed. This device then uses it, and its current token is revoked."),
          field,
          error,
          h("div.modal-actions", h("button.btn", { type: "button", onclick: () => close(undefined) }, "Cancel"), submit),
        );
      },
    });
  }

  // ---- refused actions -------------------------------------------------------------------------

  // A message the gateway refused for this token's scope (403 with an mxscope reason) opens the
  // step-up offer, once per attempt (a Retry that is refused again offers again).
  const onEcho = (ev) => {
    const room = matrix.rooms.get(ev.detail.roomId);
    for (const e of room?.timeline ?? []) if (e.pending === "sending") e.stepUpShown = false;
    const failed = room?.timeline.find((e) => e.pending === "failed" && e.error?.status === 403 && e.error.body?.["org.mxscope.reason"] && !e.stepUpShown);
    if (!failed) return;
    failed.stepUpShown = true;
    stepUp({ action: "send_message", roomId: room.id, reason: failed.error.message });
  };
  matrix.addEventListener("echo", onEcho);

  // A room outside the token: a page that says so, with the offer.
  const locked = h("section.locked-screen.page-screen", { "aria-labelledby": "locked-title" });
  const lockedView = {
    element: locked,
    render(arg) {
      const id = arg;
      fill(
        locked,
        h(
          "div.empty-state",
          h("div.empty-illustration.locked", { "aria-hidden": "true" }),
          h("h2#locked-title", "This room isn't part of this device's access"),
          h("p", "This device signed in with a token for ", h("strong", roomsLabel(scope, roomName)), " only. The gateway doesn't let it see other rooms."),
          h("p.muted.mono", id),
          h("div.row.center", h("a.btn", { href: "#/" }, "Back"), h("button.btn.primary", { type: "button", dataset: { action: "ask-room" }, onclick: () => stepUp({ action: "open_room", roomId: id }) }, "Ask for access to this room")),
        ),
      );
    },
  };

  return {
    pages: [{ name: "locked", label: "Outside this device's access", view: lockedView, nav: false }],
    profile: false,
    onUnknownRoom(id) {
      if (scope.rooms && !scope.rooms.includes(id)) {
        location.replace(`#/locked/${enc(id)}`);
        return true;
      }
      return false;
    },
    composerHint(room) {
      return allows({ action: "send_message", roomId: room.id, eventType: "m.room.message", key: "m.text" }) ? null : `Read-only: this device can't send in ${room.name}`;
    },
    logoutDialog() {
      return {
        title: "Sign out of this device?",
        text: `This device uses a limited token${login.tokenName ? ` (“${login.tokenName}”)` : ""}. Signing out:`,
        details: ["revokes that token at the gateway: it can't be used again, here or anywhere", "forgets it in this browser", "leaves your main device and its other tokens signed in"],
        confirm: "Sign out",
        danger: true,
      };
    },
    /** Puts the bar on the shell and marks it limited. */
    attach(s) {
      shell = s;
      s.element.dataset.session = "limited";
      s.main.prepend(bar);
      renderBar();
      matrix.addEventListener("sync", renderBar);
    },
    stepUp,
    dispose() {
      clearInterval(timer);
      matrix.removeEventListener("echo", onEcho);
      matrix.removeEventListener("sync", renderBar);
    },
    get shell() {
      return shell;
    },
    scope,
    until: scope.notAfter ? untilLabel(scope.notAfter) : null,
  };
}
