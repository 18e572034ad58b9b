// Shared start-up for the example widgets: they are ordinary matrix-widget-api widgets (the UMD
// build is loaded as the global `mxwidgets` by each page) and know nothing about mxscope except
// the optional `io.mxscope.get_token` action.
export function boot({ capabilities = [], onReady } = {}) {
  const params = new URLSearchParams(location.search);
  const widgetId = params.get("widgetId");
  const parentUrl = params.get("parentUrl");
  if (!widgetId || !parentUrl) throw new Error("open this page as a widget (it needs widgetId and parentUrl)");
  // matrix-widget-api's browser build (dist/api.min.js) sets `mxwidgets` to a function that
  // returns the library's exports.
  const lib = typeof globalThis.mxwidgets === "function" ? globalThis.mxwidgets() : globalThis.mxwidgets;
  const api = new lib.WidgetApi(widgetId, new URL(parentUrl).origin);
  api.requestCapabilities(capabilities);
  const state = { ready: false, approved: null, roomId: params.get("room") };
  api.on("action:notify_capabilities", (ev) => {
    state.approved = ev.detail.data.approved;
  });
  api.on("ready", () => {
    state.ready = true;
    onReady?.(api, state);
  });
  // Room state the host pushes (we advertise org.matrix.msc2762_update_state through the library).
  state.roomState = [];
  api.on("action:update_state", (ev) => {
    ev.preventDefault();
    state.roomState.push(...(ev.detail.data?.state ?? []));
    api.transport.reply(ev.detail, {});
  });
  // Token renewals: just acknowledge (the widget asks again when it needs the token).
  api.on("action:io.mxscope.token_renewed", (ev) => {
    ev.preventDefault();
    state.token = ev.detail.data.token;
    api.transport.reply(ev.detail, {});
  });
  api.start();
  const call = async (fn) => {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      return { ok: false, error: e.message, data: e.data ?? null };
    }
  };
  return { api, state, call, getToken: () => call(() => api.transport.send("io.mxscope.get_token", {})) };
}

export function show(id, text) {
  const e = document.getElementById(id);
  if (e) e.textContent = text;
}
