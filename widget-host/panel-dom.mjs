// The per-widget permissions panel: what it may do now (the SDK's sentences for its live token),
// how long, what it actually did, and a one-click Revoke.
import { ensureStyle } from "./prompt-dom.mjs";

const fmtLeft = (ms) => {
  if (!Number.isFinite(ms)) return "while it's open";
  if (ms <= 0) return "expired";
  const m = Math.round(ms / 60000);
  if (m < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
};

/**
 * Renders and keeps up to date a panel for `widget` inside `container`.
 * @returns {{element: HTMLElement, update: () => void, dispose: () => void}}
 */
export function renderPanel(widget, container, { document = container.ownerDocument } = {}) {
  ensureStyle(document);
  const name = widget.definition.name || widget.origin;
  const root = document.createElement("section");
  root.className = "mxs-panel";
  root.setAttribute("aria-label", `Permissions of ${name}`);
  root.dataset.widgetId = widget.definition.id;
  const h = document.createElement("h3");
  h.textContent = `${name}: permissions`;
  const status = document.createElement("p");
  status.dataset.part = "status";
  const may = document.createElement("ul");
  may.dataset.part = "sentences";
  const logTitle = document.createElement("h3");
  logTitle.textContent = "What it did";
  const log = document.createElement("ol");
  log.dataset.part = "activity";
  log.setAttribute("aria-live", "polite");
  const revoke = document.createElement("button");
  revoke.type = "button";
  revoke.dataset.action = "revoke";
  revoke.textContent = `Revoke ${name}'s access`;
  revoke.addEventListener("click", () => widget.revoke());
  root.append(h, status, may, logTitle, log, revoke);
  container.appendChild(root);

  const update = () => {
    const closed = widget.state === "closed";
    const grantLeft = widget.grantExpiresAt === null ? null : widget.grantExpiresAt - widget.host.now();
    status.textContent = closed
      ? "Closed: its access is revoked."
      : widget.token
        ? `Allowed ${fmtLeft(grantLeft ?? Infinity)}${Number.isFinite(grantLeft ?? Infinity) ? " more" : ""}; current pass expires in ${fmtLeft(widget.tokenExpiresAt - widget.host.now())} and is renewed while it's open.`
        : "Waiting for it to ask for permissions.";
    may.replaceChildren(
      ...(closed ? [] : widget.sentences()).map((s) => {
        const li = document.createElement("li");
        li.dataset.risk = s.risk;
        li.textContent = `${s.text} (${s.risk})`;
        return li;
      }),
    );
    log.replaceChildren(
      ...widget.activity.slice(-50).map((a) => {
        const li = document.createElement("li");
        if (!a.allowed) li.className = "mxs-denied";
        const t = new Date(a.at).toISOString().slice(11, 19);
        li.textContent = `${t} ${a.allowed ? "" : "refused: "}${a.summary ?? a.action}${a.allowed ? "" : ` (${a.detail ?? a.reason})`}`;
        return li;
      }),
    );
    revoke.disabled = closed;
  };
  const events = ["activity", "token", "approved", "closed"];
  for (const e of events) widget.addEventListener(e, update);
  const timer = setInterval(update, 1000);
  update();
  return {
    element: root,
    update,
    dispose() {
      clearInterval(timer);
      for (const e of events) widget.removeEventListener(e, update);
      root.remove();
    },
  };
}
