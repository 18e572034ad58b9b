// The example widgets (examples/widgets/) as the client offers them in "Add a widget", and as the
// demo set-up adds them to the demo room. Shared by the browser app and web/demo-setup.mjs.

export const EXAMPLE_WIDGETS = Object.freeze([
  {
    key: "notifier",
    name: "Notifier",
    path: "/examples/widgets/notifier/index.html?room=$matrix_room_id",
    summary: "Posts text messages to this room. Asks for one thing only.",
  },
  {
    key: "hud",
    name: "Room HUD",
    path: "/examples/widgets/hud/index.html?room=$matrix_room_id",
    summary: "Read-only: shows the latest messages of this room, live.",
  },
  {
    key: "dangerous",
    name: "Room admin tool",
    path: "/examples/widgets/dangerous/index.html?room=$matrix_room_id",
    summary: "Asks for far too much (power levels, every room, any message) so you can see the prompt say no.",
  },
]);

/** Room state types that hold room widgets: Element's legacy type first, then the spec's. */
export const WIDGET_STATE_TYPES = Object.freeze(["im.vector.modular.widgets", "m.widget"]);

/** The state event type this client writes (what Element writes). */
export const WIDGET_STATE_TYPE = "im.vector.modular.widgets";

/** A fresh widget id, like Element's (time + random). */
export function newWidgetId(prefix = "widget") {
  const rnd = Math.random().toString(36).slice(2, 10);
  return `${prefix}_${Date.now()}_${rnd}`;
}

/**
 * The content of a room widget state event (its state key is `id`).
 * @param {{id: string, name: string, url: string, creatorUserId: string, summary?: string}} w
 */
export function widgetContent({ id, name, url, creatorUserId, summary }) {
  return {
    id,
    type: "m.custom",
    url,
    name,
    creatorUserId,
    waitForIframeLoad: true,
    data: summary ? { title: summary } : {},
  };
}
