// Widget tokens: minted from the client's root token for exactly the approved capabilities, in
// the widget's room, short-lived and named. All SDK calls for tokens live here and in sdk.mjs.
import { mx } from "./sdk.mjs";

export const parse = (capability) => mx.parseCapability(capability);

/** The effective scope of a verified token. */
export const scopeOf = (verified) => verified.scope;

export const describeVerified = (verified, { now, roomNames }) => mx.describe(verified, { now, roomNames });

/** The requested capabilities a verified token fully allows (what notify_capabilities reports). */
export const allowedCapabilities = (requested, verified, roomId) => mx.allowedCapabilities(requested, verified.scope, roomId);

/**
 * Mints the widget's token: root -> one block with the approved actions, the room (plus approved
 * `timeline:` rooms; no room restriction only for an approved `timeline:*`), the event patterns,
 * an expiry and a name. Left unsealed on purpose: the widget may derive narrower tokens for its
 * own backend, and revoking this token revokes those too.
 * @returns {{token: string, revocationId: string}}
 */
export function mintWidgetToken(rootToken, { capabilities, roomId, openid, notAfter, name }) {
  const requested = mx.capabilitiesToScope(capabilities, roomId);
  const scope = requested.scope;
  const actions = [...scope.actions];
  if (openid && !actions.includes("openid")) actions.push("openid");
  const caveats = {
    actions,
    events: scope.events ?? [],
    notAfter,
    name,
  };
  if (!requested.anyRoom) caveats.rooms = [...(scope.rooms ?? [roomId])];
  const token = mx.attenuate(rootToken, caveats);
  const ids = mx.inspect(token).revocationIds;
  return { token, revocationId: ids[ids.length - 1] };
}
