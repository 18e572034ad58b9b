// Types for `mxscope/widget-host` (widget-host/index.mjs). Hand-written; the behaviour is
// described in widget-host/README.md. DOM values are typed structurally (no `lib: ["dom"]`
// needed to compile a consumer); in a browser pass the real `document`, elements and `localStorage`.
import type { Decision, Risk, Sentence, VerifiedToken, Verifier, RevocationSet, ActionRequest, Scope } from "mxscope";

// ---- the client interface ------------------------------------------------------------------

/** A homeserver event as the client-server API returns it (room_id always filled in). */
export interface MatrixEvent {
  type: string;
  room_id: string;
  event_id?: string;
  sender?: string;
  state_key?: string;
  content: Record<string, unknown>;
  origin_server_ts?: number;
  unsigned?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * What the host needs from a Matrix client. It calls these only after the SDK allowed the
 * widget's request; they act with the person's own credentials, which never reach the widget.
 * Implemented by FetchClient and MatrixJsSdkClient.
 */
export interface WidgetHostClient {
  readonly userId: string;
  readonly deviceId?: string | null;
  readonly baseUrl?: string;
  sendEvent(roomId: string, type: string, content: object): Promise<{ roomId: string; eventId: string }>;
  sendStateEvent(roomId: string, type: string, stateKey: string, content: object): Promise<{ roomId: string; eventId: string }>;
  redactEvent?(roomId: string, eventId: string, reason?: string): Promise<{ roomId: string; eventId: string }>;
  /** Newest first (like /messages?dir=b); `types` narrows server-side. */
  readTimeline(roomId: string, options?: { limit?: number; types?: string[]; from?: string }): Promise<MatrixEvent[]>;
  readState(roomId: string): Promise<MatrixEvent[]>;
  readRelations?(roomId: string, eventId: string, options?: { relType?: string; eventType?: string; limit?: number; from?: string; to?: string; direction?: "f" | "b" }): Promise<{ chunk: MatrixEvent[]; next_batch?: string; prev_batch?: string }>;
  readRoomAccountData?(roomId: string, type: string): Promise<object | null>;
  joinedRooms?(): Promise<string[]>;
  /** `messages`: user id -> device id (or "*") -> content. */
  sendToDevice(type: string, messages: Record<string, Record<string, object>>): Promise<void>;
  /** Only adapters that can encrypt have it (not FetchClient). */
  sendEncryptedToDevice?(type: string, messages: Record<string, Record<string, object>>): Promise<void>;
  requestOpenIdToken?(): Promise<{ access_token: string; expires_in: number; matrix_server_name: string; token_type: string }>;
  getMediaConfig?(): Promise<object>;
  uploadMedia?(data: unknown, options?: { contentType?: string; filename?: string }): Promise<{ contentUri: string }>;
  downloadMedia?(mxc: string): Promise<unknown>;
  getTurnServers?(): Promise<object>;
  searchUserDirectory?(term: string, limit?: number): Promise<object>;
  /** For the prompt's sentences; null when unknown. */
  getRoomName?(roomId: string): Promise<string | null>;
}

/** A homeserver error (status, errcode, body), turned into the widget API's `matrix_api_error`. */
export class MatrixHttpError extends Error {
  constructor(status: number, body?: { errcode?: string; error?: string } | null, url?: string, headers?: Record<string, string>);
  readonly httpStatus: number;
  readonly errcode: string | undefined;
  readonly body: Record<string, unknown>;
  readonly url: string;
}

/** The client interface over plain `fetch` against the client-server API. Cannot encrypt. */
export class FetchClient implements WidgetHostClient {
  constructor(options: { baseUrl: string; accessToken: string; userId: string; deviceId?: string; fetch?: (input: string, init?: object) => Promise<any> });
  readonly userId: string;
  readonly deviceId: string | null;
  readonly baseUrl: string;
  sendEvent(roomId: string, type: string, content: object): Promise<{ roomId: string; eventId: string }>;
  sendStateEvent(roomId: string, type: string, stateKey: string, content: object): Promise<{ roomId: string; eventId: string }>;
  readTimeline(roomId: string, options?: { limit?: number; types?: string[]; from?: string }): Promise<MatrixEvent[]>;
  readState(roomId: string): Promise<MatrixEvent[]>;
  sendToDevice(type: string, messages: Record<string, Record<string, object>>): Promise<void>;
}

/** The client interface over the application's own, logged-in matrix-js-sdk `MatrixClient`. */
export class MatrixJsSdkClient implements WidgetHostClient {
  /** @param client a matrix-js-sdk MatrixClient (typed loosely so matrix-js-sdk is not a dependency) */
  constructor(client: any);
  readonly userId: string;
  readonly deviceId: string | null;
  readonly baseUrl: string;
  sendEvent(roomId: string, type: string, content: object): Promise<{ roomId: string; eventId: string }>;
  sendStateEvent(roomId: string, type: string, stateKey: string, content: object): Promise<{ roomId: string; eventId: string }>;
  readTimeline(roomId: string, options?: { limit?: number; types?: string[]; from?: string }): Promise<MatrixEvent[]>;
  readState(roomId: string): Promise<MatrixEvent[]>;
  sendToDevice(type: string, messages: Record<string, Record<string, object>>): Promise<void>;
}

// ---- widgets, the host, sessions -----------------------------------------------------------

/** The content of an `m.widget` state event (the fields the host uses). */
export interface WidgetDefinition {
  id: string;
  /** http(s) template URL: `$matrix_room_id`, `$matrix_user_id`, ... are filled in. */
  url: string;
  name?: string;
  type?: string;
  /**
   * Who the content SAYS added the widget. Anyone allowed to set room state can write any user id
   * here: it is shown when nothing better is known, never trusted. Pass the state event's sender
   * to embed() instead.
   */
  creatorUserId?: string;
  data?: Record<string, unknown>;
  waitForIframeLoad?: boolean;
}

/** One row of the permission prompt (see buildPromptRows). */
export interface PromptRow {
  capability: string;
  kind: "grant" | "room" | "any_room" | "unknown";
  /** The SDK's plain-language sentence(s). */
  text: string;
  risk: Risk;
  /** Starts ticked: false for high and critical rows unless approved before. */
  checked: boolean;
  /** Unknown capabilities are shown but can never be approved. */
  grantable: boolean;
  group: "dangerous" | "moderate" | "low" | "refused";
  sentences: Sentence[];
  roomId?: string;
}

export interface PromptGroup {
  id: PromptRow["group"];
  title: string;
  risks: Risk[];
  rows: PromptRow[];
}

export type GrantDuration = "session" | "hour" | "month";

/** What the prompter is asked when a widget requests capabilities. */
export interface CapabilitiesRequest {
  widget: WidgetDefinition;
  /** The widget's origin, e.g. "https://widgets.example.net". */
  origin: string;
  /** Its host name (and port), as shown to people. */
  domain: string;
  /** The widget's creatorUserId ("" when unknown). */
  addedBy: string;
  /** The widget's type (e.g. "m.custom"). */
  type?: string;
  /** What its address told the widget's server, in words (sharedData: the template variables its URL uses, and more). */
  shares: string[];
  roomId: string;
  roomName: string;
  /** Names of other rooms where the same widget (origin + template URL) has a live grant. */
  approvedElsewhere: string[];
  /** True for an MSC2974 request while the widget is open (requests in one burst, or made while a prompt was open, share one prompt). */
  followUp: boolean;
  rows: PromptRow[];
  groups: PromptGroup[];
  durations: typeof DURATIONS;
  session: HostedWidget;
}

/** What the prompter asks before a widget learns who the person is (get_openid). */
export interface OpenIdRequest {
  widget: WidgetDefinition;
  origin: string;
  domain: string;
  userId: string;
  session: HostedWidget;
}

/** What the prompter is asked before a widget loads (WidgetHost `loadConsent`). */
export interface LoadRequest {
  widget: WidgetDefinition;
  origin: string;
  domain: string;
  addedBy: string;
  type?: string;
  roomId: string;
  roomName: string;
  /** What loading tells the widget's server, in words (see sharedData). */
  shares: string[];
  /** False for integration-manager / wrapper hosts (`wrapperOrigins`): do not offer "Always load widgets from". */
  canTrustOrigin: boolean;
  /** The widget's place in the page (domPrompter renders its card there). */
  container: ElementLike;
  session: HostedWidget;
}

/** Asks the person. `domPrompter()` renders the host's own dialogs. */
export interface Prompter {
  /** Needed with `loadConsent`: load the widget? `trustOrigin` loads its origin without asking from then on (ignored when `canTrustOrigin` is false). */
  load?(request: LoadRequest): Promise<{ load: boolean; trustOrigin?: boolean } | null>;
  /** Resolves with the approved capabilities and for how long; null denies everything. */
  capabilities(request: CapabilitiesRequest): Promise<{ capabilities: string[]; duration: GrantDuration } | null>;
  openId(request: OpenIdRequest): Promise<{ allow: boolean; remember?: boolean } | null>;
}

/** Structural stand-ins for the DOM types the host uses. */
export interface ElementLike {
  appendChild(node: any): any;
  readonly ownerDocument?: any;
}
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

export interface WidgetHostOptions {
  client: WidgetHostClient;
  /** The client's mxscope root token; every widget token is minted from it. */
  rootToken: string;
  /** A Verifier trusting the root's issuer and consulting `revoked`. */
  verifier: Verifier;
  /** The set closing a widget adds its tokens' revocation ids to. */
  revoked: RevocationSet;
  /** Required before embed(): e.g. domPrompter(). */
  prompter?: Prompter;
  /** Remembered grants; default in memory. */
  grants?: GrantStore;
  /** Room id -> name, for the sentences. */
  roomNames?: Record<string, string>;
  /** A widget token's lifetime, renewed at 80 % while open (default 5 minutes). */
  tokenLifetimeMs?: number;
  /** Called for an allowed navigation (io.element.view_room, msc2931.navigate). */
  onNavigate?: (uri: string, widget: HostedWidget) => Promise<void> | void;
  /** Fill `$matrix_access_token` for widgets with a remembered grant (MSC3008-style, opt-in). */
  tokenInUrl?: boolean;
  /**
   * Ask (prompter.load) before loading a widget someone else added from an origin the person has
   * not trusted and has no remembered grant for. Default false.
   */
  loadConsent?: boolean;
  /** Origins whose widgets load without the consent step (the host's or an admin's policy). A wrapper origin here throws. */
  trustedOrigins?: string[];
  /**
   * Widgets whose state event was sent by someone this returns true for load without the consent
   * step (LoadReason "trusted_adder"). Called with the `sender` given to embed() only, never the
   * content's creatorUserId; an error or a non-true answer asks the person. E.g. `roomAdmins()`.
   */
  trustAddedBy?: (userId: string, roomId: string, client: WidgetHostClient) => boolean | Promise<boolean>;
  /**
   * A widget with a live remembered grant in another room (same origin + normalised template URL)
   * loads without the consent step ("approved_elsewhere"). Its capabilities are still asked per
   * room; the prompt lists where it was allowed. Default false.
   */
  trustSameWidgetElsewhere?: boolean;
  /**
   * Integration-manager and wrapper hosts: they serve anyone's widgets, so per-domain trust never
   * applies to them (a stored or policy trust is ignored, the consent card does not offer it).
   * Replaces the default WRAPPER_ORIGINS.
   */
  wrapperOrigins?: string[];
  /**
   * For how long a capability the person declined is answered "no" without a prompt when the same
   * widget (origin + template URL + room) asks for it again on its own (MSC2974 or an iframe reload),
   * in this session or a later one. The first ask of a session (the person opened it) always prompts.
   * Default 10 minutes; 0 asks every time. Revoke (or GrantStore.forgetDeclined) resets it.
   */
  declineCooldownMs?: number;
  userId?: string;
  deviceId?: string;
  displayName?: string;
  baseUrl?: string;
  theme?: string;
  language?: string;
  /** Sent to widgets as `parentUrl`; default: the page's URL without its fragment. */
  parentUrl?: string;
  /** Rooms a `timeline:*` widget may see (default: the client's). */
  knownRooms?: string[];
  /** Default: globalThis.window / globalThis.document. */
  window?: any;
  document?: any;
  /** Epoch ms clock (default Date.now). */
  now?: () => number;
}

/** One per logged-in session: embeds widgets, each with its own token. */
export class WidgetHost {
  constructor(options: WidgetHostOptions);
  readonly client: WidgetHostClient;
  readonly grants: GrantStore;
  readonly widgets: Set<HostedWidget>;
  readonly userId: string;
  /**
   * Embeds a widget in `container` for `roomId`: sandboxed iframe, protocol, prompt on request.
   * `sender`: the user id that sent the widget's state event (from the event, which the homeserver
   * vouches for, not from its content). It is what the prompts show as "added by", and only with it
   * can a widget the person added themself load without the consent step.
   */
  embed(definition: WidgetDefinition, where: { roomId: string; container: ElementLike; sender?: string }): HostedWidget;
  /** Why `widget` may load without asking (the synchronous rules), or null when `trustAddedBy` or the person must decide. */
  loadConsentNeeded(widget: HostedWidget): null | LoadReason;
  /** Whether `trustAddedBy` vouches for the widget's sender. */
  addedByTrusted(widget: HostedWidget): Promise<boolean>;
  /** False for the `wrapperOrigins`. */
  canTrustOrigin(origin: string): boolean;
  /** Closes every widget (their tokens are revoked). */
  closeAll(reason?: CloseReason): void;
  /** Closes every widget and stops listening to the page. */
  dispose(): void;
}

export type CloseReason = "closed" | "removed" | "unload" | "revoked" | "expired" | "declined";
export type WidgetState = "new" | "consent" | "loading" | "prompting" | "ready" | "closed";
export type LoadReason = "consent_off" | "added_by_you" | "trusted_origin" | "remembered_grant" | "approved_elsewhere" | "trusted_adder" | "you_agreed";

/** The default `wrapperOrigins`: integration managers that serve widgets for anyone. */
export const WRAPPER_ORIGINS: readonly string[];

/**
 * A `trustAddedBy` rule: the sender's power level in the room (read with `client.readState`) is
 * at least `minLevel` (default 100, room admins); in room versions 12+ the creators count too.
 */
export function roomAdmins(options?: { minLevel?: number }): (userId: string, roomId: string, client: WidgetHostClient) => Promise<boolean>;

/** An activity log entry: what the widget did or was refused. */
export interface ActivityEntry {
  at: number;
  action: string;
  allowed: boolean;
  summary?: string;
  reason?: string;
  detail?: string;
  request?: ActionRequest;
  /** For reason "declined_recently": the capabilities answered with the earlier "no". */
  capabilities?: string[];
}

/**
 * One embedded widget. Events: "loaded" (after the consent step), "ready", "approved", "token", "activity" (detail: ActivityEntry),
 * "dropped" (a message from another window or origin), "capabilitiesNotified", "closed"
 * (detail: {reason}).
 */
export class HostedWidget {
  readonly definition: WidgetDefinition;
  readonly roomId: string;
  /** The state event's sender given to embed(), or null (then "added by" is only the content's claim). */
  readonly sender: string | null;
  readonly origin: string;
  /** "widget: <name>", the token's name and the label on its messages. */
  readonly tokenName: string;
  readonly state: WidgetState;
  /** The current token text (null before approval); unsealed so the widget can derive from it. */
  readonly token: string | null;
  readonly tokenExpiresAt: number | null;
  /** Epoch ms the grant ends; Infinity while open only. */
  readonly grantExpiresAt: number | null;
  readonly approved: string[];
  readonly requested: string[];
  readonly activity: ActivityEntry[];
  /** Messages claiming this widget's id from another window or origin (ignored). */
  readonly dropped: number;
  /** performance.now() marks: capabilitiesRequested, promptVisible, approved, tokenMinted, notifySent, ... */
  readonly timings: Record<string, number>;
  readonly iframe?: any;
  /** Why it was allowed to load (null while the consent step waits). */
  readonly loadReason: LoadReason | null;
  /** Resolves to whether the widget loaded (after the consent step, if any). */
  readonly consent: Promise<boolean>;
  /** The token's scope now (null when none or no longer valid). */
  scope(): Scope | null;
  /** The plain-language lines for what the widget may do now. */
  sentences(): Sentence[];
  /** Ends the session: its tokens are revoked first, then the iframe goes. */
  close(reason?: CloseReason, options?: { forget?: boolean }): void;
  /** The Revoke button: close and forget the remembered grant. */
  revoke(): void;
  /** Whether the verifier still accepts `token` (default: the current one). */
  tokenAccepted(token?: string | null): boolean;
  addEventListener(type: string, listener: (event: any) => void, options?: object): void;
  removeEventListener(type: string, listener: (event: any) => void, options?: object): void;
}

/** The `sandbox` attribute every widget iframe gets (never allow-top-navigation). */
export const IFRAME_SANDBOX: string;

/** matrix-widget-api's WidgetDriver for one HostedWidget; every method authorises first. */
export class ScopedWidgetDriver {
  constructor(session: HostedWidget);
}

// ---- enforcement ---------------------------------------------------------------------------

/** An SDK denial inside the driver. `code` is the SDK's reason. */
export class ScopeDenied extends Error {
  constructor(message: string, options?: { reason?: string; detail?: string; widgetMessage?: string });
  readonly code: string;
  readonly detail: string;
  readonly widgetMessage: string;
}

/** A widget-API error body: the library's message plus a homeserver-like 403 M_FORBIDDEN. */
export function denialError(widgetMessage: string, reason: string, detail: string): { message: string; matrix_api_error: object };

/** The SDK checks one fromWidget request needs. */
export function planAction(
  request: { action: string; data?: Record<string, any> },
  context: { viewedRoomId: string | null },
): { free: true } | { unsupported: string } | { checks: Array<{ request: ActionRequest; deny: string }> };

/** Authorises a widget's requests against its current token. */
export class Enforcer {
  constructor(options: { verifier: Verifier; getToken: () => string | null; now?: () => number });
  /** The verified token, or why there is none. */
  verified(): { token: VerifiedToken; denied?: undefined } | { token?: undefined; denied: Decision };
  decide(request: ActionRequest): Decision;
  /** Throws ScopeDenied unless allowed. */
  require(request: ActionRequest, widgetMessage?: string): Decision;
  /** null when the request may proceed, else the error reply. */
  gate(request: { action: string; data?: Record<string, any> }, context: { viewedRoomId: string | null }): null | { error: object; reason: string; detail: string; request?: ActionRequest };
}

// ---- prompt model, grants, URLs, tokens ----------------------------------------------------

/** One row per distinct requested capability; host-only ones (screenshot, ...) get none. */
export function buildPromptRows(requested: string[], context: { roomId: string; roomNames?: Record<string, string>; now?: number; remembered?: string[] }): PromptRow[];
/** Rows grouped for display (dangerous first), empty groups dropped. */
export function groupRows(rows: PromptRow[]): PromptGroup[];
/** The requested capabilities that need no prompt and no token scope. */
export function hostOnlyCapabilities(requested: string[]): string[];
export const GROUPS: ReadonlyArray<{ id: PromptRow["group"]; title: string; risks: Risk[] }>;

/** How long a grant lasts, as the prompt offers it ("session" is never stored). */
export const DURATIONS: Readonly<Record<GrantDuration, { label: string; ms: number }>>;

/** A remembered grant. */
export interface Grant {
  capabilities: string[];
  decided: string[];
  openid: boolean | null;
  duration: GrantDuration;
  grantedAt: number;
  expiresAt: number;
}

/** A Storage in memory (the default). */
export class MemoryStorage implements StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

/** Grants keyed by widget origin + normalised template URL + room, never the widget id. */
export class GrantStore {
  constructor(options?: { storage?: StorageLike; now?: () => number });
  get(widget: Pick<WidgetDefinition, "url">, roomId: string): Grant | null;
  list(): Array<Grant & { key: string; origin: string; path: string; roomId: string }>;
  put(widget: Pick<WidgetDefinition, "url">, roomId: string, grant: { capabilities: string[]; decided?: string[]; openid?: boolean | null; duration: GrantDuration }): Grant | null;
  setOpenId(widget: Pick<WidgetDefinition, "url">, roomId: string, allowed: boolean): void;
  forget(widget: Pick<WidgetDefinition, "url">, roomId: string): void;
  forgetKey(key: string): void;
  keyOf(widget: Pick<WidgetDefinition, "url">, roomId: string): string;
  /** Widgets from `origin` load without the consent step from now on; returns the origin. */
  trustOrigin(origin: string): string;
  trustsOrigin(origin: string): boolean;
  untrustOrigin(origin: string): void;
  trustedOrigins(): string[];
  /** Other rooms where the same widget (origin + normalised template URL) has a live grant. */
  roomsElsewhere(widget: Pick<WidgetDefinition, "url">, roomId: string): string[];
  /** Notes that the person declined these capabilities for this widget in this room now. */
  noteDeclined(widget: Pick<WidgetDefinition, "url">, roomId: string, capabilities: string[]): void;
  /** The capabilities declined for this widget in this room at or after `since` (epoch ms). */
  declinedSince(widget: Pick<WidgetDefinition, "url">, roomId: string, since: number): string[];
  forgetDeclined(widget: Pick<WidgetDefinition, "url">, roomId: string): void;
}

/** Replaces each `$name` with the URI-encoded `vars[name]`, longest names first. */
export function runTemplate(template: string, vars: Record<string, unknown>): string;
/** The URL an iframe loads: templated, plus `widgetId` and `parentUrl`. */
export function widgetUrl(
  widget: Pick<WidgetDefinition, "id" | "url" | "data">,
  params: { roomId?: string; userId?: string; displayName?: string; avatarUrl?: string; deviceId?: string; baseUrl?: string; clientId?: string; theme?: string; language?: string; parentUrl?: string; accessToken?: string },
): URLLike;
/** The `URL` widgetUrl returns (typed structurally: es2022 has no URL). */
export interface URLLike {
  readonly href: string;
  readonly origin: string;
  readonly searchParams: { get(name: string): string | null; has(name: string): boolean };
  toString(): string;
}
/** The key a grant is remembered under (origin, normalised URL, room). */
export function grantKey(widget: Pick<WidgetDefinition, "url">, roomId: string): string;
export const TEMPLATE_VARIABLES: readonly string[];
/** What loading a widget tells its server, in words (the template variables its URL uses, and more). */
export function sharedData(widget: Pick<WidgetDefinition, "url">): string[];

/** Mints a widget token from `rootToken`: exactly these capabilities, this room, named, short-lived. */
export function mintWidgetToken(
  rootToken: string,
  options: { capabilities: string[]; roomId: string; openid?: boolean; notAfter: number; name: string },
): { token: string; revocationId: string };

// ---- DOM -----------------------------------------------------------------------------------

/** The host-rendered permission dialog (a modal <dialog> in `document`). */
export function domPrompter(options?: { document?: any; onShown?: (dialog: any, session: HostedWidget) => void }): Prompter;

/** A per-widget permissions panel: what it may do, time left, activity, Revoke. */
export function renderPanel(widget: HostedWidget, container: ElementLike, options?: { document?: any }): { element: any; update(): void; dispose(): void };
