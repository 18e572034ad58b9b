// What the package tests share: the scratch project (the repository `npm pack`ed and the tarball
// installed into a fresh directory, as a user gets it), a tiny static server on loopback, and
// Debian's headless Chromium driven by playwright-core (no browser is ever downloaded).
//
// scripts/test-package.sh packs and installs once and passes the project in
// MXSCOPE_PACKAGE_SCRATCH; run alone (`node --test tests/package/`), each file makes its own.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const CHROMIUM = process.env.MXSCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** What the package ships of the widget host (`mxscope/widget-host`), besides dist/. */
export const WIDGET_HOST_FILES = Object.freeze([
  'widget-host/README.md',
  'widget-host/clients/fetch-client.mjs',
  'widget-host/clients/matrix-js-sdk-client.mjs',
  'widget-host/driver.mjs',
  'widget-host/enforcement.mjs',
  'widget-host/grants.mjs',
  'widget-host/hosted-widget.mjs',
  'widget-host/index.d.ts',
  'widget-host/index.mjs',
  'widget-host/panel-dom.mjs',
  'widget-host/prompt-dom.mjs',
  'widget-host/prompt-model.mjs',
  'widget-host/sdk.mjs',
  'widget-host/tokens.mjs',
  'widget-host/url-template.mjs',
  'widget-host/widget-host.mjs',
]);

const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
const npm = (args, cwd) => execFileSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Packs the repository and installs the tarball into a new scratch project holding fixture/.
 * Returns { dir, tarball }. Used by scripts/test-package.sh (once) and by each file run alone.
 */
export function makeScratch(into) {
  for (const f of ['dist/node/index.mjs', 'dist/node/mxscope-core.wasm', 'dist/web/index.mjs', 'dist/web/mxscope-core.wasm', 'dist/index.d.ts']) {
    assert.ok(existsSync(path.join(repoRoot, f)), `${f} is missing: run scripts/build-wasm.sh (or scripts/test-package.sh, which builds it)`);
  }
  const dir = into ?? mkdtempSync(path.join(tmpdir(), 'mxscope-package-'));
  const packDir = path.join(dir, 'pack');
  const project = path.join(dir, 'project');
  mkdirSync(packDir, { recursive: true });
  cpSync(path.join(here, 'fixture'), project, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'mxscope-consumer', private: true, type: 'module' }, null, 2));
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], repoRoot))[0];
  const tarball = path.join(packDir, packed.filename);
  // The tarball's one dependency (matrix-widget-api, for mxscope/widget-host) and its two come
  // from npm's cache when it has them (--prefer-offline).
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], project);
  return { dir: project, tarball, packed, root: dir };
}

let scratchMemo;
/** The scratch project for this run: { dir, tarball }. */
export function scratch() {
  if (scratchMemo) return scratchMemo;
  const given = process.env.MXSCOPE_PACKAGE_SCRATCH;
  if (given) {
    assert.ok(existsSync(path.join(given, 'node_modules/mxscope/package.json')), `MXSCOPE_PACKAGE_SCRATCH=${given} holds no installed mxscope`);
    scratchMemo = { dir: given, tarball: process.env.MXSCOPE_PACKAGE_TARBALL ?? null };
  } else {
    const made = makeScratch();
    process.on('exit', () => rmSync(made.root, { recursive: true, force: true }));
    scratchMemo = made;
  }
  return scratchMemo;
}

/** The scenario as a Node user runs it, in a child process inside the scratch project. */
export function runNodeConsumer(dir = scratch().dir) {
  const out = execFileSync(process.execPath, ['node-consumer.mjs'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

/** What every environment must have checked and produced (see fixture/scenario.mjs). */
export function assertScenario(out, label) {
  assert.ok(out.ok !== false, `${label}: the scenario threw: ${out.error}`);
  const failed = Object.entries(out.checks).filter(([, ok]) => !ok).map(([n]) => n);
  assert.deepEqual(failed, [], `${label}: checks failed in place: ${failed.join(', ')}\n${JSON.stringify(out.result, null, 2)}`);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(out.result.version, pkg.version);
  assert.equal(out.result.decisions.sendInRoom.allowed, true);
  assert.equal(out.result.decisions.sendInOther.message, 'block 1 allows only rooms !backups:example.org');
  assert.ok(out.result.sentences.includes('Messages it sends are labelled "backup-bot"'), out.result.sentences.join('\n'));
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.map': 'application/json',
};

/**
 * Serves `root` on 127.0.0.1 (a free port) with the right MIME types, `.wasm` as
 * application/wasm so browsers compile it while it streams. Records every request.
 */
export async function serve(root) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      requests.push({ path: url.pathname, status: 404 });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    requests.push({ path: url.pathname, status: 200, type });
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Skip reason when Debian's Chromium is absent (scripts/setup.sh browser installs it). */
export function chromiumMissing() {
  if (existsSync(CHROMIUM)) return false;
  const reason = `${CHROMIUM} is missing (scripts/setup.sh browser)`;
  if (process.env.MXSCOPE_PACKAGE_REQUIRE_BROWSER === '1') throw new Error(reason);
  return reason;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens `url`, waits for the page's scenario to finish, and returns what it left on window plus
 * the page's text, console messages, page errors and failed requests.
 */
export async function runPage(browser, url) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  const failedRequests = [];
  page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__mxscope !== undefined, null, { timeout: 20_000 }).catch(() => {});
    const out = (await page.evaluate(() => window.__mxscope)) ?? { ok: false, error: 'the page never finished' };
    const text = await page.textContent('#out');
    const status = await page.getAttribute('#out', 'data-status');
    return { out, text, status, consoleMessages, pageErrors, failedRequests };
  } finally {
    await page.close();
  }
}

/**
 * A Vite production build of the app in `root` into `outDir`, collecting Vite's warnings.
 * @returns {Promise<{warnings: string[], assets: string[], ms: number, version: string}>}
 */
export async function viteBuild(root, outDir) {
  const { build, createLogger, version } = await import('vite');
  rmSync(outDir, { recursive: true, force: true });
  const warnings = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (msg) => warnings.push(msg);
  logger.warnOnce = logger.warn;
  const started = performance.now();
  await build({ root, configFile: false, logLevel: 'warn', customLogger: logger, build: { outDir, emptyOutDir: true, reportCompressedSize: false } });
  return { warnings, assets: readdirSync(path.join(outDir, 'assets')), ms: performance.now() - started, version };
}

/** Runs `fn(url)` against the Vite dev server for the app in `root` (cache in `cacheDir`), then stops it. */
export async function withViteDev(root, cacheDir, fn) {
  const { createServer: createViteServer } = await import('vite');
  const dev = await createViteServer({
    root,
    configFile: false,
    logLevel: 'silent',
    cacheDir,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  try {
    await dev.listen();
    return await fn(dev.resolvedUrls.local[0]);
  } finally {
    await dev.close();
  }
}
