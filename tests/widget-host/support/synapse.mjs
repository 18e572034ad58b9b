// The real Synapse of scripts/synapse.sh, from the tests' side.
export const HS = process.env.MXSCOPE_HS_URL ?? "http://127.0.0.1:18008";

export async function synapseUp() {
  try {
    return (await fetch(`${HS}/_matrix/client/versions`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export async function cs(method, path, token, body) {
  const res = await fetch(HS + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`), { status: res.status, body: json });
  return json;
}

export async function login(user, password) {
  return cs("POST", "/_matrix/client/v3/login", null, { type: "m.login.password", identifier: { type: "m.id.user", user }, password });
}

export async function createRoom(token, name) {
  return (await cs("POST", "/_matrix/client/v3/createRoom", token, { name, preset: "private_chat" })).room_id;
}

export async function latestMessages(token, roomId, limit = 20) {
  const r = await cs("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${limit}`, token);
  return r.chunk;
}
