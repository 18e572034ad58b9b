// Just enough of a browser for HostedWidget in Node: the global window as an EventTarget (that is
// where matrix-widget-api's transport listens), iframes with their own fake windows, and a
// container. A FakeWidget speaks the widget side of the protocol by hand, on the wire format.
const g = globalThis;
if (typeof g.addEventListener !== "function") {
  const target = new EventTarget();
  g.addEventListener = target.addEventListener.bind(target);
  g.removeEventListener = target.removeEventListener.bind(target);
  g.dispatchEvent = target.dispatchEvent.bind(target);
}

/** A MessageEvent as a browser delivers it to the host window. */
export function deliver(data, { origin, source }) {
  const ev = new Event("message");
  Object.defineProperties(ev, { data: { value: structuredClone(data) }, origin: { value: origin }, source: { value: source } });
  g.dispatchEvent(ev);
}

export class FakeWindow {
  constructor(origin) {
    this.origin = origin;
    this.inbox = []; // [{message, targetOrigin}]
    this.onmessage = null;
  }
  postMessage(message, targetOrigin) {
    const m = structuredClone(message);
    this.inbox.push({ message: m, targetOrigin });
    // A browser drops a message whose targetOrigin does not match the receiving window.
    if (targetOrigin !== "*" && targetOrigin !== this.origin) return;
    queueMicrotask(() => this.onmessage?.(m));
  }
}

export class FakeIframe extends EventTarget {
  constructor(document) {
    super();
    this.ownerDocument = document;
    this.attributes = {};
    this.src = "";
    this.contentWindow = null;
    this.isConnected = false;
    this.parentNode = null;
  }
  setAttribute(k, v) {
    this.attributes[k] = String(v);
  }
  getAttribute(k) {
    return this.attributes[k] ?? null;
  }
  remove() {
    this.parentNode?.removeChild(this);
  }
}

export class FakeContainer {
  constructor() {
    this.children = [];
  }
  appendChild(node) {
    this.children.push(node);
    node.parentNode = this;
    node.isConnected = true;
    if (node instanceof FakeIframe) {
      node.contentWindow = new FakeWindow(new URL(node.src).origin);
      node.ownerDocument.loaded.push(node);
    }
    return node;
  }
  removeChild(node) {
    this.children = this.children.filter((c) => c !== node);
    node.isConnected = false;
    node.parentNode = null;
    if (node.contentWindow) node.contentWindow.onmessage = null;
  }
}

export class FakeDocument {
  constructor() {
    this.loaded = [];
  }
  createElement(tag) {
    if (tag !== "iframe") throw new Error(`fake document makes only iframes, not ${tag}`);
    return new FakeIframe(this);
  }
}

/** The widget side, on the raw wire format (what matrix-widget-api's WidgetApi sends). */
export class FakeWidget {
  constructor(iframe, { capabilities = [], versions = ["0.0.2", "org.matrix.msc2871", "org.matrix.msc2762_update_state"] } = {}) {
    this.iframe = iframe;
    this.window = iframe.contentWindow;
    const url = new URL(iframe.src);
    this.widgetId = url.searchParams.get("widgetId");
    this.hostOrigin = new URL(url.searchParams.get("parentUrl")).origin;
    this.capabilities = capabilities;
    this.versions = versions;
    this.notified = null;
    this.received = []; // toWidget requests
    this.pending = new Map();
    this.seq = 0;
    this.notifiedPromise = new Promise((r) => (this.onNotified = r));
    this.notifications = []; // every notify_capabilities, in order
    this.waiters = [];
    this.window.onmessage = (m) => this.#onMessage(m);
  }
  #onMessage(m) {
    if (m.api === "fromWidget" && m.response) {
      const p = this.pending.get(m.requestId);
      if (p) {
        this.pending.delete(m.requestId);
        p(m.response);
      }
      return;
    }
    if (m.api !== "toWidget") return;
    this.received.push(m);
    let response = {};
    if (m.action === "capabilities") response = { capabilities: this.capabilities };
    else if (m.action === "supported_api_versions") response = { supported_versions: this.versions };
    else if (m.action === "notify_capabilities") {
      this.notified = m.data;
      this.notifications.push(m.data);
      this.onNotified(m.data);
      for (const waiter of this.waiters.splice(0)) waiter();
    }
    this.#post({ ...m, response });
  }
  #post(message, { origin = this.window.origin, source = this.window } = {}) {
    deliver(message, { origin, source });
  }
  /** Resolves once `count` notify_capabilities have arrived in all (rejects after `timeoutMs`). */
  async notifiedTimes(count, timeoutMs = 2000) {
    const deadline = Date.now() + timeoutMs;
    while (this.notifications.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.notifications.length} notify_capabilities, expected ${count}`);
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.notifications[count - 1];
  }
  /** Sends a fromWidget request; resolves with the `response` object. */
  request(action, data = {}, { origin, source, timeoutMs = 2000 } = {}) {
    const requestId = `fake-${Date.now()}-${this.seq++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve({ timeout: true });
      }, timeoutMs);
      this.pending.set(requestId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.#post({ api: "fromWidget", widgetId: this.widgetId, requestId, action, data }, { origin: origin ?? this.window.origin, source: source ?? this.window });
    });
  }
}

/** Fires the iframe load events (after the host attached its listeners). */
export function loadAll(document) {
  for (const f of document.loaded.splice(0)) f.dispatchEvent(new Event("load"));
}
