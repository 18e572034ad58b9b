// A tiny DOM builder and the formatting helpers the views share. No framework: views are
// functions that build elements; lists re-render, widget iframes are never moved or rebuilt.

/**
 * h("button.primary", {onclick, "aria-label": "x", dataset: {id}}, "text", child, [more])
 * The tag may carry an id after "#" and classes after dots: "input#user.wide". Props: text, html-free only; on<event> become listeners;
 * `dataset` fills data-*; booleans set or drop attributes; null/undefined/false children vanish.
 */
export function h(tag, props, ...children) {
  const [head, ...classes] = tag.split(".");
  const [name, id] = head.split("#");
  const el = document.createElement(name || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  if (props && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k === "class") el.className = [el.className, v].filter(Boolean).join(" ");
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export const fill = (el, ...children) => {
  el.replaceChildren();
  append(el, children);
  return el;
};

const pad = (n) => String(n).padStart(2, "0");

/** "14:05" today, "Tue 14:05" this week, "12 Nov 14:05" before. */
export function timeLabel(ts, now = Date.now()) {
  const d = new Date(ts);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const day = 24 * 3600 * 1000;
  if (new Date(now).toDateString() === d.toDateString()) return hm;
  if (now - ts < 6 * day) return `${d.toLocaleDateString("en-GB", { weekday: "short" })} ${hm}`;
  return `${d.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${hm}`;
}

export const clock = (ts) => {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** "4 min 10 s", "58 min", "3 h 20 min", "29 days". */
export function duration(ms) {
  if (!Number.isFinite(ms)) return "";
  if (ms <= 0) return "0 s";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  if (m < 120) return `${m} min`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${m % 60 ? `${m % 60} min` : ""}`.trim();
  return `${Math.round(hrs / 24)} days`;
}

export const dateTime = (ts) =>
  new Date(ts).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

/** A stable colour (hue) per user id, for avatars. */
export function hue(text) {
  let x = 0;
  for (const ch of text) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x % 360;
}

export function avatar(name, id, size = "") {
  const letter = (name || id || "?").replace(/^[@#!]/, "").charAt(0).toUpperCase() || "?";
  return h(`span.avatar${size ? "." + size : ""}`, { "aria-hidden": "true", style: { "--hue": hue(id || name || "") } }, letter);
}

/** The local part of a Matrix user id: "@alice:localhost" -> "alice". */
export const localpart = (userId) => (userId ?? "").replace(/^@/, "").split(":")[0];
