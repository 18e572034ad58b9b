// Static file server for the browser tests and the manual demo: the same repository files on
// any number of loopback ports (one origin for the host page, another for the widgets).
// `node tests/widget-host/support/serve.mjs` starts the demo on 127.0.0.1:8480 (host) and :8481.
import http from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
const require = createRequire(path.join(here, "../package.json"));

/** Where matrix-widget-api's browser build is: top-level node_modules first, then ours. */
function widgetApiDir() {
  for (const base of [path.join(repoRoot, "package.json"), path.join(here, "../package.json")]) {
    try {
      return path.dirname(createRequire(base).resolve("matrix-widget-api/package.json"));
    } catch {}
  }
  throw new Error("matrix-widget-api is not installed (npm ci in tests/widget-host)");
}

/** An ES module re-exporting the UMD global `mxwidgets` (the page loads api.min.js first). */
function widgetApiShim() {
  const names = Object.keys(require(widgetApiDir()));
  // The UMD build (browserify --standalone) sets `mxwidgets` to a function returning the exports.
  return `const g = globalThis.mxwidgets;\nconst m = typeof g === "function" ? g() : g;\nif (!m) throw new Error("load /vendor/matrix-widget-api/api.min.js before this module");\nexport const { ${names.join(", ")} } = m;\nexport default m;\n`;
}

// Only these trees are served; everything else is 404.
const ROOTS = ["widget-host/", "js/", "dist/", "examples/", "tests/widget-host/pages/"];
const TYPES = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css", ".map": "application/json" };

async function handle(req, res) {
  const url = new URL(req.url, "http://x");
  let file;
  if (url.pathname === "/vendor/matrix-widget-api.mjs") {
    res.writeHead(200, { "content-type": TYPES[".mjs"], "cache-control": "no-store" });
    return res.end(widgetApiShim());
  }
  if (url.pathname.startsWith("/vendor/matrix-widget-api/")) {
    file = path.join(widgetApiDir(), "dist", path.basename(url.pathname));
  } else {
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const resolved = path.resolve(repoRoot, rel);
    if (!resolved.startsWith(repoRoot + path.sep) || !ROOTS.some((r) => (rel + (rel.endsWith("/") ? "" : "")).startsWith(r))) {
      res.writeHead(404).end("not found");
      return;
    }
    file = resolved;
  }
  try {
    let s = await stat(file);
    if (s.isDirectory()) {
      file = path.join(file, "index.html");
      s = await stat(file);
    }
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
}

/** Starts one server per port (0 = any free port); resolves to their origins and a close(). */
export async function startServers(ports = [0, 0], host = "127.0.0.1") {
  const servers = await Promise.all(
    ports.map(
      (port) =>
        new Promise((resolve, reject) => {
          const s = http.createServer((req, res) => handle(req, res).catch(() => res.writeHead(500).end()));
          s.on("error", reject);
          s.listen(port, host, () => resolve(s));
        }),
    ),
  );
  return {
    origins: servers.map((s) => `http://${host}:${s.address().port}`),
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origins } = await startServers([8480, 8481]);
  console.log(`host page:   ${origins[0]}/tests/widget-host/pages/host.html?widgets=${origins[1]}`);
  console.log(`widgets at:  ${origins[1]}/examples/widgets/`);
}
