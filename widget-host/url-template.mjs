// Widget URL templating (matrix-widget-api's `runTemplate` rules plus Element's widgetId/parentUrl
// query parameters) and the key remembered grants are stored under.

/** Template variables a host fills; client values override the widget's own `data`. */
export const TEMPLATE_VARIABLES = Object.freeze([
  "matrix_room_id",
  "matrix_user_id",
  "matrix_display_name",
  "matrix_avatar_url",
  "matrix_widget_id",
  "org.matrix.msc2774_widget_id",
  "org.matrix.msc2873.client_id",
  "org.matrix.msc2873.client_theme",
  "org.matrix.msc2873.client_language",
  "org.matrix.msc3819.matrix_device_id",
  "org.matrix.msc4039.matrix_base_url",
  "matrix_access_token",
  "org.matrix.msc3008.access_token",
]);

/** The variables that carry a bearer token: filled only when the host opts in (MSC3008). */
export const TOKEN_VARIABLES = Object.freeze(["matrix_access_token", "org.matrix.msc3008.access_token"]);

/**
 * Replaces every `$name` in `template` with the URI-encoded value of `vars[name]`. Longer names
 * are replaced first so `$matrix_room_id` is never eaten by a shorter variable. Unknown `$words`
 * stay as they are.
 * @param {string} template
 * @param {Record<string, unknown>} vars
 */
export function runTemplate(template, vars) {
  let out = String(template);
  const names = Object.keys(vars).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const value = vars[name];
    const text = value === undefined || value === null ? "" : encodeURIComponent(String(value));
    out = out.split("$" + name).join(text);
  }
  return out;
}

/**
 * The URL an iframe loads for a widget.
 * @param {object} widget  {id, url, data?}
 * @param {object} params  client values: roomId, userId, displayName, avatarUrl, deviceId,
 *                         baseUrl, clientId, theme, language, parentUrl, accessToken?
 * @returns {URL}
 */
export function widgetUrl(widget, params) {
  const url = new URL(widget.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`widget URL must be http: or https:, not ${url.protocol}`);
  }
  const client = {
    matrix_room_id: params.roomId ?? "",
    matrix_user_id: params.userId ?? "",
    matrix_display_name: params.displayName || params.userId || "",
    matrix_avatar_url: params.avatarUrl ?? "",
    matrix_widget_id: widget.id,
    "org.matrix.msc2774_widget_id": widget.id,
    "org.matrix.msc2873.client_id": params.clientId ?? "io.mxscope.widget-host",
    "org.matrix.msc2873.client_theme": params.theme ?? "light",
    "org.matrix.msc2873.client_language": params.language ?? "en",
    "org.matrix.msc3819.matrix_device_id": params.deviceId ?? "",
    "org.matrix.msc4039.matrix_base_url": params.baseUrl ?? "",
  };
  // A token goes into the URL only when the host passes one (opt-in); otherwise the variables
  // become empty so a widget's `data` can never smuggle a value in under that name.
  const token = params.accessToken ?? "";
  for (const name of TOKEN_VARIABLES) client[name] = token;
  const vars = { ...(widget.data ?? {}), ...client };
  const out = new URL(runTemplate(url.toString().replace(/%24/g, "$"), vars));
  out.searchParams.set("widgetId", widget.id);
  if (params.parentUrl) out.searchParams.set("parentUrl", params.parentUrl);
  return out;
}

/**
 * The key a grant is remembered under: the widget's origin, its template URL normalised (no
 * fragment, query parameters sorted) and the room. Never the widget id, which changes per
 * instance (element-web#27935) and can be reused for a different URL.
 */
export function grantKey(widget, roomId) {
  const url = new URL(widget.url);
  const params = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.map(([k, v]) => `${k}=${v}`).join("&");
  return JSON.stringify([url.origin, url.pathname + (query ? "?" + query : ""), roomId ?? ""]);
}

/** What each template variable tells the widget's server, in words (load-consent step). */
const SHARED_LABELS = [
  ["matrix_user_id", "your user ID"],
  ["matrix_display_name", "your display name"],
  ["matrix_avatar_url", "your profile picture URL"],
  ["org.matrix.msc3819.matrix_device_id", "your device ID"],
  ["org.matrix.msc4039.matrix_base_url", "your homeserver's address"],
  ["matrix_room_id", "the room ID"],
  ["org.matrix.msc2873.client_theme", "your theme"],
  ["org.matrix.msc2873.client_language", "your language"],
  ["org.matrix.msc2873.client_id", "which app you use"],
];

/**
 * What loading a widget tells its server, in words: each template variable its URL uses, plus the
 * widget id and this page's URL (the widgetId and parentUrl parameters every widget gets).
 */
export function sharedData(widget) {
  const url = String(widget.url).replace(/%24/g, "$");
  // A plain substring test, like runTemplate's replacement ("$matrix_user_id_x" still sends it).
  const used = SHARED_LABELS.filter(([name]) => url.includes("$" + name)).map(([, label]) => label);
  return [...used, "the widget's ID", "the address of this page"];
}
