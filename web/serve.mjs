// Serves the web client and the example widgets on two loopback origins, as a real deployment
// would (a widget must never share the client's origin: the host refuses that).
//
//   client origin   /                      web/index.html and web/*   (the app)
//                   /widget-host/ /js/ /dist/web/                     (the modules it imports)
//                   /vendor/matrix-widget-api.mjs                      (ES module over the UMD build)
//                   /config.json                                       (homeserver, gateway, widget origin)
//   widget origin   /examples/widgets/                                 (the example widgets)
//                   /vendor/matrix-widget-api/api.min.js
//
// usage: node web/serve.mjs [--port 8470] [--widget-port 8471] [--homeserver URL] [--gateway URL] [--demo]
//        (--demo shows the demo accounts of web/demo-setup.mjs on the sign-in screen;
//         --gateway: sign-in goes through that mxscope gateway: gateway mode, Devices & tokens)
// Imported by tests/web to start both on free ports (startWeb).
import http from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** matrix-widget-api's package directory: web/node_modules first, then the repository's. */
function widgetApiDir() {
  for (const base of [path.join(here, "package.json"), path.join(repoRoot, "package.json"), path.join(repoRoot, "tests/widget-host/package.json")]) {
    try {
      return path.dirname(createRequire(base).resolve("matrix-widget-api/package.json"));
    } catch {}
  }
  throw new Error("matrix-widget-api is not installed (run: npm ci --prefix web)");
}

/** An ES module re-exporting the UMD global `mxwidgets` (index.html loads api.min.js first). */
function widgetApiShim() {
  const names = Object.keys(createRequire(import.meta.url)(widgetApiDir()));
  return [
    "const g = globalThis.mxwidgets;",
    'const m = typeof g === "function" ? g() : g;',
    'if (!m) throw new Error("load /vendor/matrix-widget-api/api.min.js before this module");',
    `export const { ${names.join(", ")} } = m;`,
    "export default m;",
    "",
  ].join("\n");
}

// Path prefix -> directory, per origin. Anything else is 404.
const CLIENT_ROUTES = [
  ["/widget-host/", "widget-host"],
  ["/js/", "js"],
  ["/dist/web/", "dist/web"],
  ["/", "web"],
];
const WIDGET_ROUTES = [["/examples/widgets/", "examples/widgets"]];
const NOT_SERVED = new Set(["serve.mjs", "demo-setup.mjs", "package.json", "package-lock.json", "node_modules"]);

function resolveFile(routes, pathname) {
  for (const [prefix, dir] of routes) {
    if (!pathname.startsWith(prefix)) continue;
    const rel = pathname.slice(prefix.length);
    const base = path.join(repoRoot, dir);
    const file = path.resolve(base, rel);
    if (file !== base && !file.startsWith(base + path.sep)) return null;
    if (dir === "web" && NOT_SERVED.has(rel.split("/")[0])) return null;
    return file;
  }
  return null;
}

function handler({ routes, config, vendorShim }) {
  return async (req, res) => {
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return send(400, "bad request");
    }
    if (config && pathname === "/config.json") return send(200, JSON.stringify(config()), TYPES[".json"]);
    if (vendorShim && pathname === "/vendor/matrix-widget-api.mjs") return send(200, widgetApiShim(), TYPES[".mjs"]);
    let file;
    if (pathname === "/vendor/matrix-widget-api/api.min.js") file = path.join(widgetApiDir(), "dist", "api.min.js");
    else file = resolveFile(routes, pathname);
    if (!file) return send(404, "not found");
    try {
      let s = await stat(file);
      if (s.isDirectory()) {
        if (!pathname.endsWith("/")) {
          res.writeHead(301, { location: pathname + "/" });
          return res.end();
        }
        file = path.join(file, "index.html");
        s = await stat(file);
      }
      send(200, await readFile(file), TYPES[path.extname(file)] ?? "application/octet-stream");
    } catch {
      send(404, "not found");
    }
  };
}

function listen(handle, port, host) {
  return new Promise((resolve, reject) => {
    const s = http.createServer((req, res) => handle(req, res).catch(() => res.writeHead(500).end()));
    s.on("error", reject);
    s.listen(port, host, () => resolve(s));
  });
}

/**
 * Starts the client and widget servers.
 * @param {{port?: number, widgetPort?: number, host?: string, homeserver?: string, gateway?: string,
 *          demoUsers?: Array<{user: string, password: string}>, extraConfig?: object}} [o]
 *   demoUsers: shown on the sign-in screen; gateway: an mxscope gateway in front of the homeserver
 *   (sign-in goes through it); extraConfig: more /config.json fields (e.g. limitedPollMs)
 * @returns {Promise<{clientOrigin: string, widgetOrigin: string, close: () => Promise<void>}>}
 */
export async function startWeb({ port = 0, widgetPort = 0, host = "127.0.0.1", homeserver = "http://127.0.0.1:18008", gateway = null, demoUsers = null, extraConfig = {} } = {}) {
  widgetApiDir(); // fail early with a clear message
  let widgetOrigin = "";
  const widgets = await listen(handler({ routes: WIDGET_ROUTES }), widgetPort, host);
  widgetOrigin = `http://${host}:${widgets.address().port}`;
  const client = await listen(
    handler({ routes: CLIENT_ROUTES, vendorShim: true, config: () => ({ homeserver, ...(gateway ? { gateway } : {}), widgetOrigin, ...(demoUsers ? { demo: { users: demoUsers } } : {}), ...extraConfig }) }),
    port,
    host,
  );
  const clientOrigin = `http://${host}:${client.address().port}`;
  return {
    clientOrigin,
    widgetOrigin,
    close: () => Promise.all([client, widgets].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))).then(() => {}),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const web = await startWeb({
    port: Number(arg("--port", process.env.MXSCOPE_WEB_PORT ?? 8470)),
    widgetPort: Number(arg("--widget-port", process.env.MXSCOPE_WIDGET_PORT ?? 8471)),
    homeserver: arg("--homeserver", process.env.MXSCOPE_HS_URL ?? "http://127.0.0.1:18008"),
    gateway: arg("--gateway", process.env.MXSCOPE_GATEWAY_URL ?? null),
    demoUsers: process.argv.includes("--demo") ? (await import("./demo-setup.mjs")).DEMO_USERS : null,
  });
  console.log(`web client:  ${web.clientOrigin}/`);
  console.log(`widgets:     ${web.widgetOrigin}/examples/widgets/`);
  if (arg("--gateway", process.env.MXSCOPE_GATEWAY_URL)) console.log(`gateway:     ${arg("--gateway", process.env.MXSCOPE_GATEWAY_URL)}`);
  const stop = () => web.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
