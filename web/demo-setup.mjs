// Creates (or refreshes) the demo: alice's "Demo room" with bob in it, a few messages, and the
// example widgets added as room widget state events pointing at the widget origin being served.
// Idempotent: a second run finds the room by its alias and only updates the widget URLs.
// The users themselves are registered by scripts/demo-web.sh (Synapse's shared-secret API).
//
// usage: node web/demo-setup.mjs --homeserver URL --widgets ORIGIN   (prints the room id)
import { fileURLToPath } from "node:url";
import { EXAMPLE_WIDGETS, WIDGET_STATE_TYPE, widgetContent } from "./widget-catalog.mjs";

export const DEMO_USERS = Object.freeze([
  { user: "alice", password: "alicepass", displayName: "Alice" },
  { user: "bob", password: "bobpass", displayName: "Bob" },
]);

const enc = encodeURIComponent;

async function cs(hs, method, path, token, body) {
  const res = await fetch(hs + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${method} ${path.split("?")[0]}: ${res.status} ${json.errcode ?? ""} ${json.error ?? ""}`), { status: res.status, body: json });
  return json;
}

export async function login(hs, user, password) {
  return cs(hs, "POST", "/_matrix/client/v3/login", null, {
    type: "m.login.password",
    identifier: { type: "m.id.user", user },
    password,
    initial_device_display_name: "mxscope demo set-up",
  });
}

const logout = (hs, token) => cs(hs, "POST", "/_matrix/client/v3/logout", token, {}).catch(() => {});

/**
 * @param {object} o
 * @param {string} o.homeserver
 * @param {string} o.widgetOrigin   where examples/widgets/ is served
 * @param {Array<{user, password, displayName?}>} [o.users]  owner and guest (default: alice, bob)
 * @param {string} [o.alias]  local part of the room alias (default "demo")
 * @param {boolean} [o.widgets]  add the example widgets (default true)
 * @returns {Promise<{roomId: string, alias: string, created: boolean}>}
 */
export async function setupDemo({ homeserver, widgetOrigin, users = DEMO_USERS, alias = "demo", name = "Demo room", widgets = true, messages = true }) {
  const hs = homeserver.replace(/\/+$/, "");
  const [alice, bob] = [await login(hs, users[0].user, users[0].password), await login(hs, users[1].user, users[1].password)];
  for (const [who, u] of [[alice, users[0]], [bob, users[1]]]) {
    if (!u.displayName) continue;
    const profile = await cs(hs, "GET", `/_matrix/client/v3/profile/${enc(who.user_id)}/displayname`, who.access_token).catch(() => ({}));
    if (profile.displayname !== u.displayName) await cs(hs, "PUT", `/_matrix/client/v3/profile/${enc(who.user_id)}/displayname`, who.access_token, { displayname: u.displayName });
  }
  const server = alice.user_id.split(":").slice(1).join(":");
  const fullAlias = `#${alias}:${server}`;
  try {
    let roomId = null;
    let created = false;
    try {
      roomId = (await cs(hs, "GET", `/_matrix/client/v3/directory/room/${enc(fullAlias)}`, alice.access_token)).room_id;
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    if (!roomId) {
      roomId = (
        await cs(hs, "POST", "/_matrix/client/v3/createRoom", alice.access_token, {
          name,
          topic: "Try the example widgets: each gets its own short-lived pass, limited to what you allow.",
          room_alias_name: alias,
          preset: "private_chat",
          invite: [bob.user_id],
          // bob may add widgets too (the dangerous one is "added by" him, as a stranger's would be).
          power_level_content_override: { users: { [alice.user_id]: 100, [bob.user_id]: 50 } },
        })
      ).room_id;
      created = true;
    }
    // bob joins (no-op when he already has).
    await cs(hs, "POST", `/_matrix/client/v3/join/${enc(roomId)}`, bob.access_token, {});

    if (created && messages) {
      const say = (who, body) => cs(hs, "PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/${Date.now()}${Math.random()}`, who.access_token, { msgtype: "m.text", body });
      await say(alice, "Welcome to the mxscope demo room.");
      await say(bob, "Open a widget from the Widgets panel: it asks first, and only gets what you tick.");
    }

    if (widgets) {
      for (const w of EXAMPLE_WIDGETS) {
        const by = w.key === "dangerous" ? bob : alice;
        const id = `demo-${w.key}`;
        const content = widgetContent({ id, name: w.name, url: widgetOrigin + w.path, creatorUserId: by.user_id, summary: w.summary });
        let current = null;
        try {
          current = await cs(hs, "GET", `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(WIDGET_STATE_TYPE)}/${enc(id)}`, by.access_token);
        } catch {}
        if (current?.url !== content.url) {
          await cs(hs, "PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(WIDGET_STATE_TYPE)}/${enc(id)}`, by.access_token, content);
        }
      }
    }
    return { roomId, alias: fullAlias, created };
  } finally {
    await Promise.all([logout(hs, alice.access_token), logout(hs, bob.access_token)]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const r = await setupDemo({
    homeserver: arg("--homeserver", process.env.MXSCOPE_HS_URL ?? "http://127.0.0.1:18008"),
    widgetOrigin: arg("--widgets", "http://127.0.0.1:8471"),
  });
  console.log(`${r.created ? "created" : "refreshed"} ${r.alias} (${r.roomId})`);
}
