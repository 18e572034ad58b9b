// The permission prompt, rendered by the host page (never inside the widget's iframe): a modal
// <dialog> with who added the widget, where it is served from, the room, the SDK's sentences
// grouped by risk (dangerous ones unchecked), and how long to allow it. Keyboard: Tab moves,
// Space toggles, Escape denies everything; focus returns where it was.
import { DURATIONS } from "./grants.mjs";

const STYLE_ID = "mxscope-widget-host-style";
const CSS = `
.mxs-dialog{max-width:36rem;border:1px solid #888;border-radius:8px;padding:1rem 1.25rem;font:14px/1.4 system-ui,sans-serif;color:#111;background:#fff}
.mxs-dialog::backdrop{background:rgba(0,0,0,.45)}
.mxs-dialog h2{font-size:1.15rem;margin:0 0 .5rem}
.mxs-facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:0 0 .75rem}
.mxs-facts dt{font-weight:600}.mxs-facts dd{margin:0;overflow-wrap:anywhere}
.mxs-dialog fieldset{border:1px solid #ccc;border-radius:6px;margin:.5rem 0;padding:.4rem .75rem}
.mxs-dialog legend{font-weight:600;padding:0 .25rem}
.mxs-group-dangerous{border-color:#b00020!important}.mxs-group-dangerous legend{color:#b00020}
.mxs-row{display:flex;gap:.5rem;align-items:flex-start;margin:.3rem 0}
.mxs-risk{font-size:.8em;padding:0 .35em;border-radius:4px;margin-left:.35em;white-space:nowrap}
.mxs-risk-critical,.mxs-risk-high{background:#fde7ea;color:#8a0017}.mxs-risk-medium{background:#fff4d6;color:#6b4e00}.mxs-risk-low{background:#e6f4ea;color:#0d5a26}
.mxs-cap{display:block;font:11px ui-monospace,monospace;color:#555;overflow-wrap:anywhere}
.mxs-buttons{display:flex;gap:.5rem;justify-content:flex-end;margin-top:.75rem}
.mxs-buttons button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid #555;background:#f3f3f3;cursor:pointer}
.mxs-buttons button.mxs-primary{background:#0b57d0;border-color:#0b57d0;color:#fff}
.mxs-dialog :focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.mxs-load{font:14px/1.4 system-ui,sans-serif;border:1px solid #888;border-radius:8px;padding:.75rem 1rem;background:#fff;color:#111}
.mxs-load h2{font-size:1.05rem;margin:0 0 .5rem}
.mxs-panel{font:13px/1.4 system-ui,sans-serif;border:1px solid #ccc;border-radius:6px;padding:.5rem .75rem}
.mxs-panel h3{font-size:1rem;margin:.2rem 0}.mxs-panel ol,.mxs-panel ul{margin:.25rem 0;padding-left:1.25rem}
.mxs-denied{color:#8a0017}
`;

export function ensureStyle(document) {
  if (document.getElementById(STYLE_ID)) return;
  const s = document.createElement("style");
  s.id = STYLE_ID;
  s.textContent = CSS;
  document.head.appendChild(s);
}

let counter = 0;
const riskLabel = { low: "low risk", medium: "medium risk", high: "high risk", critical: "very high risk" };

function el(document, tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

/** Opens a modal dialog; resolves with what `collect` returns on a button, `onCancel` on Escape. */
function showDialog(document, dialog, { collect, onCancel }) {
  const previous = document.activeElement;
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    const finish = (value) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      if (previous && typeof previous.focus === "function" && previous.isConnected) previous.focus();
      resolve(value);
    };
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      finish(onCancel());
    });
    dialog.addEventListener("click", (ev) => {
      const b = ev.target.closest?.("button[data-action]");
      if (b) finish(collect(b.dataset.action));
    });
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  });
}

/** The facts both the load card and the capability dialog show first: who, where from, room, type. */
function widgetFacts(document, req) {
  return [
    el(document, "dt", { text: "Added by" }), el(document, "dd", { text: req.addedBy || "unknown", "data-fact": "added-by" }),
    el(document, "dt", { text: "Served from" }), el(document, "dd", { text: req.domain, "data-fact": "domain" }),
    el(document, "dt", { text: "Room" }), el(document, "dd", { text: req.roomName, "data-fact": "room" }),
    el(document, "dt", { text: "Type" }), el(document, "dd", { text: req.type || "custom", "data-fact": "type" }),
  ];
}

/**
 * The default prompter: renders into the host's own document.
 * @param {{document?: Document, onShown?: (dialog: HTMLElement, session) => void}} [options]
 */
export function domPrompter({ document = globalThis.document, onShown } = {}) {
  return {
    capabilities(req) {
      ensureStyle(document);
      const id = `mxs-${++counter}`;
      const name = req.widget.name || req.domain;
      const dialog = el(document, "dialog", {
        class: "mxs-dialog mxs-prompt",
        "aria-labelledby": `${id}-title`,
        "aria-describedby": `${id}-intro`,
        "data-widget-id": req.widget.id,
      });
      const title = req.followUp ? `“${name}” asks for more in ${req.roomName}` : `Allow “${name}” to act for you in ${req.roomName}?`;
      dialog.appendChild(el(document, "h2", { id: `${id}-title`, text: title }));
      dialog.appendChild(
        el(document, "dl", { class: "mxs-facts" },
          ...widgetFacts(document, req),
          req.shares?.length && el(document, "dt", { text: "Its address told it" }),
          req.shares?.length && el(document, "dd", { text: req.shares.join(", "), "data-fact": "shares" }),
          req.approvedElsewhere?.length && el(document, "dt", { text: "You allowed it in" }),
          req.approvedElsewhere?.length && el(document, "dd", { text: req.approvedElsewhere.join(", "), "data-fact": "elsewhere" }),
        ),
      );
      dialog.appendChild(el(document, "p", {
        id: `${id}-intro`,
        text: "Choose what it may do. It gets a separate pass limited to what you tick, in this room only, that stops working when you close it.",
      }));
      for (const group of req.groups) {
        const fs = el(document, "fieldset", { class: `mxs-group-${group.id}`, "data-group": group.id });
        fs.appendChild(el(document, "legend", { text: group.title }));
        for (const row of group.rows) {
          const cid = `${id}-c${fs.childElementCount}-${group.id}`;
          const box = el(document, "input", {
            type: "checkbox", id: cid, "data-capability": row.capability, "data-risk": row.risk,
            checked: row.checked, disabled: !row.grantable,
          });
          box.checked = !!row.checked;
          const label = el(document, "label", { for: cid },
            el(document, "span", { class: "mxs-text", text: row.text }),
            el(document, "span", { class: `mxs-risk mxs-risk-${row.risk}`, text: riskLabel[row.risk] }),
            el(document, "span", { class: "mxs-cap", text: row.capability }),
          );
          fs.appendChild(el(document, "div", { class: "mxs-row" }, box, label));
        }
        dialog.appendChild(fs);
      }
      const dur = el(document, "fieldset", { "data-group": "duration" }, el(document, "legend", { text: "For how long?" }));
      for (const [key, d] of Object.entries(req.durations ?? DURATIONS)) {
        const rid = `${id}-d-${key}`;
        const r = el(document, "input", { type: "radio", name: `${id}-duration`, id: rid, value: key, checked: key === "session" });
        r.checked = key === "session";
        dur.appendChild(el(document, "div", { class: "mxs-row" }, r, el(document, "label", { for: rid, text: d.label })));
      }
      dialog.appendChild(dur);
      dialog.appendChild(
        el(document, "div", { class: "mxs-buttons" },
          el(document, "button", { type: "button", "data-action": "deny", text: "Deny all" }),
          el(document, "button", { type: "button", "data-action": "approve", class: "mxs-primary", text: "Allow selected" }),
        ),
      );
      const done = showDialog(document, dialog, {
        collect: (action) => {
          req.session?.mark?.("answered");
          if (action !== "approve") return null;
          const caps = [...dialog.querySelectorAll("input[type=checkbox][data-capability]")].filter((b) => b.checked && !b.disabled).map((b) => b.dataset.capability);
          const duration = dialog.querySelector("input[type=radio]:checked")?.value ?? "session";
          return { capabilities: caps, duration };
        },
        onCancel: () => null,
      });
      // Start on the first choice a person is most likely to want to look at.
      (dialog.querySelector("input:not([disabled])") ?? dialog.querySelector("button.mxs-primary"))?.focus();
      req.session?.mark?.("promptVisible");
      globalThis.requestAnimationFrame?.(() => req.session?.mark?.("promptPainted"));
      onShown?.(dialog, req.session);
      return done;
    },

    openId(req) {
      ensureStyle(document);
      const id = `mxs-${++counter}`;
      const dialog = el(document, "dialog", { class: "mxs-dialog mxs-openid", "aria-labelledby": `${id}-title`, "data-widget-id": req.widget.id });
      dialog.appendChild(el(document, "h2", { id: `${id}-title`, text: `Tell ${req.domain} who you are?` }));
      dialog.appendChild(el(document, "p", { text: `“${req.widget.name || req.domain}” asks to confirm that you are ${req.userId}. It cannot act as you with this.` }));
      const rid = `${id}-remember`;
      dialog.appendChild(el(document, "div", { class: "mxs-row" }, el(document, "input", { type: "checkbox", id: rid }), el(document, "label", { for: rid, text: "Remember my choice for this widget in this room" })));
      dialog.appendChild(
        el(document, "div", { class: "mxs-buttons" },
          el(document, "button", { type: "button", "data-action": "deny", text: "Don't tell it" }),
          el(document, "button", { type: "button", "data-action": "allow", class: "mxs-primary", text: "Tell it" }),
        ),
      );
      const done = showDialog(document, dialog, {
        collect: (action) => ({ allow: action === "allow", remember: dialog.querySelector(`#${rid}`).checked }),
        onCancel: () => ({ allow: false, remember: false }),
      });
      dialog.querySelector("button.mxs-primary")?.focus();
      return done;
    },

    /**
     * The load-consent step, shown in the widget's own place (a region, not a modal: nothing else
     * on the page waits for it). Nothing is fetched from the widget's origin before "Load widget".
     */
    load(req) {
      ensureStyle(document);
      const id = `mxs-${++counter}`;
      const name = req.widget.name || req.domain;
      const card = el(document, "section", { class: "mxs-load", role: "region", "aria-labelledby": `${id}-title`, "data-widget-id": req.widget.id });
      card.appendChild(el(document, "h2", { id: `${id}-title`, text: `Load “${name}”?` }));
      card.appendChild(
        el(document, "dl", { class: "mxs-facts" },
          ...widgetFacts(document, req),
        ),
      );
      card.appendChild(el(document, "p", { text: `Loading it tells ${req.domain}: ${req.shares.join(", ")}. It can do nothing else for you until you allow it.`, "data-fact": "shares" }));
      const tid = `${id}-trust`;
      if (req.canTrustOrigin === false) {
        // An integration manager or wrapper serves anyone's widgets: trusting it would trust them all.
        card.appendChild(el(document, "p", { text: `${req.domain} serves widgets for many people, so it can't be trusted as a whole: you'll be asked for each widget.`, "data-fact": "wrapper" }));
      } else {
        card.appendChild(el(document, "div", { class: "mxs-row" }, el(document, "input", { type: "checkbox", id: tid }), el(document, "label", { for: tid, text: `Always load widgets from ${req.domain}` })));
      }
      card.appendChild(
        el(document, "div", { class: "mxs-buttons" },
          el(document, "button", { type: "button", "data-action": "decline", text: "Don't load" }),
          el(document, "button", { type: "button", "data-action": "load", class: "mxs-primary", text: "Load widget" }),
        ),
      );
      req.container.appendChild(card);
      return new Promise((resolve) => {
        card.addEventListener("click", (ev) => {
          const b = ev.target.closest?.("button[data-action]");
          if (!b) return;
          const answer = { load: b.dataset.action === "load", trustOrigin: b.dataset.action === "load" && !!card.querySelector(`#${tid}`)?.checked };
          card.remove();
          resolve(answer);
        });
        // Closing the widget while it asks leaves no card behind.
        req.session?.addEventListener?.("closed", () => {
          card.remove();
          resolve(null);
        });
      });
    },
  };
}
