// The web client's QR encoder (web/lib/qr.mjs), which draws the sign-in codes of "Sign in on
// another device": every version it is asked for, at every error-correction level, must decode
// back to the exact text with an independent decoder (zbarimg, from Debian's zbar-tools).
// And the sign-in links those codes carry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeQr, qrSvg } from "../../web/lib/qr.mjs";
import { signInLink, parseSignIn } from "../../web/views/token-ui.mjs";

let zbar = true;
try {
  execFileSync("zbarimg", ["--version"], { stdio: "ignore" });
} catch {
  zbar = false;
}
const needZbar = zbar ? false : "zbarimg is not installed (apt-get install zbar-tools)";

/** A binary PGM image of the symbol: `scale` pixels per module, a 4-module quiet zone. */
function pgm(qr, scale = 3, border = 4) {
  const n = (qr.size + 2 * border) * scale;
  const px = Buffer.alloc(n * n, 255);
  for (let y = 0; y < qr.size; y++)
    for (let x = 0; x < qr.size; x++)
      if (qr.get(x, y)) for (let dy = 0; dy < scale; dy++) px.fill(0, ((y + border) * scale + dy) * n + (x + border) * scale, ((y + border) * scale + dy) * n + (x + border + 1) * scale);
  return Buffer.concat([Buffer.from(`P5\n${n} ${n}\n255\n`), px]);
}

const TOKENISH = "mxs1_AYFr4iLRKAEaQGFsaWNlLWRtd3Z0dHAzNTpsb2NhbGhvc3QCCkdaTFhaTUJRWU-FC8NnNyXKBUIvBITVUKN_";
const text = (len) => Array.from({ length: len }, (_, i) => TOKENISH[(i * 7 + len) % TOKENISH.length]).join("");

test("encodes text of every size up to version 40, at every level, into symbols zbarimg reads back", { skip: needZbar }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mxscope-qr-"));
  const versions = new Set();
  try {
    for (const len of [1, 14, 40, 90, 180, 330, 520, 800, 1300, 2000, 2900]) {
      for (const ecl of ["L", "M", "Q", "H"]) {
        let qr;
        try {
          qr = encodeQr(text(len), { ecl, boostEcl: false });
        } catch (e) {
          assert.ok(e instanceof RangeError && len > 1200, `only too long texts are refused (${len} at ${ecl})`);
          continue;
        }
        assert.equal(qr.size, qr.version * 4 + 17);
        versions.add(qr.version);
        const file = path.join(dir, `${len}-${ecl}.pgm`);
        writeFileSync(file, pgm(qr));
        const out = execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\n$/, "");
        assert.equal(out, text(len), `${len} bytes at ${ecl} (version ${qr.version}, mask ${qr.mask})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(versions.size >= 25, `covered ${versions.size} versions`);
  assert.ok(versions.has(1) && [...versions].some((v) => v >= 7) && [...versions].some((v) => v >= 35), "small, version-info and large symbols");
});

test("a sign-in link round-trips (token and gateway), and bare token text is accepted too", () => {
  const token = "mxs1_" + "A".repeat(300);
  const link = signInLink(token, { origin: "http://127.0.0.1:8470", gateway: "http://127.0.0.1:8009" });
  assert.ok(link.startsWith("http://127.0.0.1:8470/#signin-token="));
  assert.deepEqual(parseSignIn(link), { token, gateway: "http://127.0.0.1:8009" });
  assert.deepEqual(parseSignIn(`#signin-token=${token}`), { token, gateway: null });
  assert.deepEqual(parseSignIn(`  ${token.slice(0, 100)}\n${token.slice(100)}  `), { token, gateway: null }, "line breaks from copying are dropped");
  const svg = qrSvg(encodeQr(link), { label: "Sign-in code <for> “x”" });
  assert.match(svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  assert.match(svg, /aria-label="Sign-in code &lt;for&gt; “x”"/);
});
