// What the permission prompt shows, as data: one row per requested capability with the SDK's
// plain-language sentence, its risk, and whether it starts checked. The DOM (prompt-dom.mjs) only
// renders this; tests compare it with what enforcement allows.
import { mx } from "./sdk.mjs";

const RISK_ORDER = { low: 0, medium: 1, high: 2, critical: 3 };

/** Risk groups in the order the prompt shows them. */
export const GROUPS = Object.freeze([
  { id: "dangerous", title: "Dangerous: off unless you turn them on", risks: ["critical", "high"] },
  { id: "moderate", title: "Moderate", risks: ["medium"] },
  { id: "low", title: "Low risk", risks: ["low"] },
  { id: "refused", title: "Can't be granted", risks: [] },
]);

export function maxRisk(risks) {
  let best = "low";
  for (const r of risks) if (RISK_ORDER[r] > RISK_ORDER[best]) best = r;
  return best;
}

const roomName = (roomNames, id) => (roomNames && roomNames[id]) || id;

/**
 * One row per distinct requested capability.
 * @param {string[]} requested  capability strings from the widget
 * @param {object} ctx  {roomId, roomNames?, now?, remembered?: string[]}
 * @returns {Array<{capability, kind, text, risk, checked, grantable, group, sentences}>}
 *   `kind` is the SDK's parse kind; host-only capabilities (screenshot, ...) get no row: they
 *   need no token scope and are approved without asking.
 */
export function buildPromptRows(requested, { roomId, roomNames = {}, now = Date.now(), remembered = [] }) {
  const rows = [];
  const seen = new Set();
  const rememberedSet = new Set(remembered);
  for (const capability of requested) {
    if (typeof capability !== "string" || seen.has(capability)) continue;
    seen.add(capability);
    const info = mx.parseCapability(capability);
    let row;
    switch (info.kind) {
      case "grant": {
        const { scope } = mx.capabilitiesToScope([capability], roomId);
        const sentences = mx
          .describe(scope, { now, roomNames })
          .filter((s) => s.kind === "permission");
        const risk = maxRisk(sentences.map((s) => s.risk));
        row = { capability, kind: info.kind, text: sentences.map((s) => s.text).join("; "), risk, grantable: true, sentences };
        break;
      }
      case "room":
        row = {
          capability, kind: info.kind, risk: "high", grantable: true, sentences: [],
          text: `Also use the permissions above in ${roomName(roomNames, info.roomId)}`,
          roomId: info.roomId,
        };
        break;
      case "any_room":
        row = {
          capability, kind: info.kind, risk: "critical", grantable: true, sentences: [],
          text: "Also use the permissions above in every room you're in or invited to, now and in the future",
        };
        break;
      case "host_only":
        continue;
      default:
        row = {
          capability, kind: "unknown", risk: "critical", grantable: false, sentences: [],
          text: `Unknown permission "${capability}": it can't be granted`,
        };
    }
    // Dangerous rows start unchecked; a remembered approval re-checks them.
    row.checked = row.grantable && (RISK_ORDER[row.risk] < RISK_ORDER.high || rememberedSet.has(capability));
    row.group = row.grantable ? GROUPS.find((g) => g.risks.includes(row.risk)).id : "refused";
    rows.push(row);
  }
  return rows;
}

/** Rows grouped for display, empty groups dropped. */
export function groupRows(rows) {
  return GROUPS.map((g) => ({ ...g, rows: rows.filter((r) => r.group === g.id) })).filter((g) => g.rows.length);
}

/** The capabilities that need no prompt (host-only features). */
export function hostOnlyCapabilities(requested) {
  return [...new Set(requested.filter((c) => typeof c === "string" && mx.parseCapability(c).kind === "host_only"))];
}

// matrix-widget-api 1.19 parses only the unstable prefixes; the SDK also accepts the stable m.*
// ones. An approved stable capability is reported together with its unstable twin so the
// library enforces what the prompt said.
const STABLE_TO_UNSTABLE = [
  ["m.send.event:", "org.matrix.msc2762.send.event:"],
  ["m.receive.event:", "org.matrix.msc2762.receive.event:"],
  ["m.send.state_event:", "org.matrix.msc2762.send.state_event:"],
  ["m.receive.state_event:", "org.matrix.msc2762.receive.state_event:"],
  ["m.timeline:", "org.matrix.msc2762.timeline:"],
  ["m.send.to_device:", "org.matrix.msc3819.send.to_device:"],
  ["m.receive.to_device:", "org.matrix.msc3819.receive.to_device:"],
  ["m.receive.room_account_data:", "com.beeper.capabilities.receive.room_account_data:"],
];

/** The unstable spelling matrix-widget-api understands, or null when `capability` is not stable. */
export function libraryAlias(capability) {
  for (const [stable, unstable] of STABLE_TO_UNSTABLE) if (capability.startsWith(stable)) return unstable + capability.slice(stable.length);
  return null;
}
