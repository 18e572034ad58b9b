// Modal dialogs of the client (the widget permission prompt is the widget host's own).
import { h } from "../lib/dom.mjs";

/**
 * Shows a modal <dialog>. `build(close)` returns its content; resolves with what close() got
 * (undefined on Escape). Focus returns where it was.
 */
export function modal({ label, className = "", build }) {
  const previous = document.activeElement;
  const dialog = h(`dialog.modal${className ? "." + className : ""}`, { "aria-label": label });
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    let done = false;
    const close = (value) => {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (previous?.isConnected) previous.focus?.();
      resolve(value);
    };
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      close(undefined);
    });
    dialog.append(build(close));
    dialog.showModal();
    (dialog.querySelector("[autofocus]") ?? dialog.querySelector("input,button.primary,button"))?.focus();
  });
}

/** A yes/no question. Resolves true when confirmed. */
export function confirmDialog({ title, text, details = [], confirm, danger = false }) {
  return modal({
    label: title,
    build: (close) =>
      h(
        "div.modal-body",
        h("h2", title),
        text ? h("p", text) : null,
        details.length ? h("ul.plain-list", details.map((d) => h("li", d))) : null,
        h(
          "div.modal-actions",
          h("button.btn", { type: "button", onclick: () => close(false) }, "Cancel"),
          h(`button.btn.${danger ? "danger" : "primary"}`, { type: "button", autofocus: true, onclick: () => close(true) }, confirm),
        ),
      ),
  }).then((v) => v === true);
}

/** Asks for a room name and creates the room. Resolves with the new room id or undefined. */
export function newRoomDialog(matrix) {
  return modal({
    label: "New room",
    build: (close) => {
      const name = h("input#new-room-name", { required: true, maxlength: 80, placeholder: "e.g. Backups", autofocus: true });
      const error = h("p.form-error", { role: "alert", hidden: true });
      const submit = h("button.btn.primary", { type: "submit" }, "Create room");
      return h(
        "form.modal-body",
        {
          async onsubmit(ev) {
            ev.preventDefault();
            if (!name.value.trim()) {
              error.textContent = "Give the room a name.";
              error.hidden = false;
              return;
            }
            submit.disabled = true;
            submit.textContent = "Creating…";
            try {
              close(await matrix.createRoom(name.value.trim()));
            } catch (e) {
              error.textContent = `Couldn't create the room: ${e.message}`;
              error.hidden = false;
              submit.disabled = false;
              submit.textContent = "Create room";
            }
          },
        },
        h("h2", "New room"),
        h("p.muted", "A private room: people join by invitation."),
        h("label", { for: "new-room-name" }, "Room name"),
        name,
        error,
        h("div.modal-actions", h("button.btn", { type: "button", onclick: () => close(undefined) }, "Cancel"), submit),
      );
    },
  });
}
