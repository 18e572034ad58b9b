// Every widget action is authorised by the SDK against the widget's own token before the host
// does anything with the client's credentials. This module maps a widget-API request to the SDK
// requests it needs, and shapes denials as the errors matrix-widget-api widgets expect.
import { mx } from "./sdk.mjs";

/** Actions that need no authorisation (protocol housekeeping, or handled by their own prompt). */
const FREE = new Set([
  "supported_api_versions",
  "content_loaded",
  "org.matrix.msc2974.request_capabilities",
  "get_openid", // gated by its own prompt + the token's openid action (see driver.askOpenID)
  "unwatch_turn_servers",
  "io.mxscope.get_token",
]);

/** Actions this host refuses outright (the SDK has no scope for them yet). */
const UNSUPPORTED = new Map([
  ["org.matrix.msc4157.update_delayed_event", "Missing capability for org.matrix.msc4157.update_delayed_event"],
  ["org.matrix.msc4515.get_rtc_transports", "Missing capability"],
  ["org.matrix.msc4533.rtc_livekit_get_token", "Missing capability"],
  ["org.matrix.msc4533.rtc_livekit_delegate_delayed_leave", "Missing capability"],
]);

/** An SDK denial, thrown by the driver and mapped to a widget-API error by processError. */
export class ScopeDenied extends Error {
  constructor(message, { reason, detail, widgetMessage } = {}) {
    super(message);
    this.name = "ScopeDenied";
    this.code = reason ?? "action_not_allowed";
    this.detail = detail ?? message;
    this.widgetMessage = widgetMessage ?? message;
  }
}

/** The `error` object of a widget-API error response for a denial. */
export function denialError(widgetMessage, reason, detail) {
  return {
    message: widgetMessage,
    // Shaped like a homeserver 403 so widgets that surface matrix_api_error show the reason.
    matrix_api_error: {
      http_status: 403,
      http_headers: {},
      url: "",
      response: { errcode: "M_FORBIDDEN", error: detail, "io.mxscope.reason": reason },
    },
  };
}

const str = (v) => (v === undefined || v === null ? undefined : String(v));

/**
 * The SDK checks one widget request needs.
 * @param {{action: string, data?: object}} request  the widget-API request
 * @param {{viewedRoomId: string|null}} ctx
 * @returns {{free: true} | {unsupported: string} | {checks: Array<{request: object, deny: string}>}}
 *   each check: the SDK request ({action, roomId?, eventType?, key?}) and the widget-visible
 *   message if it is denied (the library's own strings, so widgets see familiar errors).
 */
export function planAction(request, { viewedRoomId }) {
  const action = request.action;
  const data = request.data ?? {};
  if (FREE.has(action)) return { free: true };
  if (UNSUPPORTED.has(action)) return { unsupported: UNSUPPORTED.get(action) };
  const room = data.room_id || viewedRoomId || undefined;
  switch (action) {
    case "send_event": {
      if (!data.type) return { free: true }; // the library answers "missing event type"
      if (data.delay !== undefined) return { unsupported: "Missing capability for org.matrix.msc4157.send.delayed_event" };
      if (data.sticky_duration_ms !== undefined) return { unsupported: "Missing capability for org.matrix.msc4407.send.sticky_event" };
      if (data.state_key !== undefined) {
        return { checks: [{ request: { action: "send_state", roomId: room, eventType: data.type, key: String(data.state_key) }, deny: "Cannot send state events of this type" }] };
      }
      if (data.type === "m.room.message") {
        return { checks: [{ request: { action: "send_message", roomId: room, eventType: data.type, key: str(data.content?.msgtype) }, deny: "Cannot send room events of this type" }] };
      }
      return { checks: [{ request: { action: "send_event", roomId: room, eventType: data.type }, deny: "Cannot send room events of this type" }] };
    }
    case "send_to_device":
      if (!data.type) return { free: true };
      return { checks: [{ request: { action: "send_to_device", eventType: data.type }, deny: "Cannot send to-device events of this type" }] };
    case "org.matrix.msc2876.read_events": {
      if (!data.type) return { free: true };
      // "*" is filtered per room by the driver (only the token's rooms are known to the widget).
      const rooms = data.room_ids === undefined || data.room_ids === "*" ? [viewedRoomId] : Array.isArray(data.room_ids) ? data.room_ids : [undefined];
      return {
        checks: rooms.map((r) =>
          data.state_key !== undefined
            ? { request: { action: "read_state", roomId: r ?? undefined, eventType: data.type, key: data.state_key === true ? undefined : String(data.state_key) }, deny: "Cannot read state events of this type" }
            : { request: { action: "read_timeline", roomId: r ?? undefined, eventType: data.type, key: str(data.msgtype) }, deny: "Cannot read room events of this type" },
        ),
      };
    }
    case "org.matrix.msc3869.read_relations":
      return { checks: [{ request: { action: "read_timeline", roomId: room, eventType: data.event_type ?? undefined }, deny: "Cannot read room events of this type" }] };
    case "com.beeper.read_room_account_data": {
      const rooms = Array.isArray(data.room_ids) ? data.room_ids : [viewedRoomId];
      return { checks: rooms.map((r) => ({ request: { action: "read_room_account_data", roomId: r ?? undefined }, deny: "Cannot read room account data of this type" })) };
    }
    case "org.matrix.msc2931.navigate":
    case "io.element.view_room":
      return { checks: [{ request: { action: "navigate" }, deny: "Missing capability" }] };
    case "org.matrix.msc4039.get_media_config":
    case "org.matrix.msc4039.upload_file":
      return { checks: [{ request: { action: "upload_media" }, deny: "Missing capability" }] };
    case "org.matrix.msc4039.download_file":
      return { checks: [{ request: { action: "download_media" }, deny: "Missing capability" }] };
    case "org.matrix.msc3973.user_directory_search":
      return { checks: [{ request: { action: "user_directory" }, deny: "Missing capability" }] };
    case "watch_turn_servers":
      return { checks: [{ request: { action: "turn_servers" }, deny: "Missing capability" }] };
    case "set_always_on_screen":
      return { checks: [{ request: { action: "always_on_screen" }, deny: "Missing capability" }] };
    case "m.sticker":
      return { checks: [{ request: { action: "send_event", roomId: viewedRoomId ?? undefined, eventType: "m.sticker" }, deny: "Cannot send room events of this type" }] };
    default:
      // Anything else gets the library's "Unknown or unsupported from-widget action" reply.
      return { free: true };
  }
}

/**
 * Authorises against one widget's current token. `getToken()` returns the token text the host
 * minted (null before approval); `verifier` is an mxscope Verifier holding the revocation set.
 */
export class Enforcer {
  constructor({ verifier, getToken, now = () => Date.now() }) {
    this.verifier = verifier;
    this.getToken = getToken;
    this.now = now;
  }

  /** The verified token, or a denial when there is none or it no longer verifies. */
  verified() {
    const token = this.getToken();
    if (!token) return { denied: { allowed: false, reason: "no_token", message: "the widget has no approved permissions" } };
    try {
      return { token: this.verifier.verify(token, this.now()) };
    } catch (e) {
      return { denied: { allowed: false, reason: e?.code ?? "invalid_token", message: e?.message ?? String(e) } };
    }
  }

  /** The SDK decision for one request ({allowed, reason, message}). */
  decide(request) {
    const v = this.verified();
    if (v.denied) return v.denied;
    return mx.authorize(v.token, request);
  }

  /** Throws ScopeDenied unless the request is allowed. */
  require(request, widgetMessage = "Missing capability") {
    const d = this.decide(request);
    if (!d.allowed) throw new ScopeDenied(d.message, { reason: d.reason, detail: d.message, widgetMessage });
    return d;
  }

  /**
   * Gate for one incoming widget request: null when it may proceed, else
   * {error, reason, detail} for the reply.
   */
  gate(request, ctx) {
    const plan = planAction(request, ctx);
    if (plan.free) return null;
    if (plan.unsupported) return { error: { message: plan.unsupported }, reason: "unsupported", detail: plan.unsupported };
    for (const check of plan.checks) {
      const d = this.decide(check.request);
      if (!d.allowed) {
        const msg = d.reason === "room_not_allowed" || d.reason === "room_required"
          ? `Unable to access room timeline: ${check.request.roomId ?? ""}`
          : check.deny;
        return { error: denialError(msg, d.reason, d.message), reason: d.reason, detail: d.message, request: check.request };
      }
    }
    return null;
  }
}
