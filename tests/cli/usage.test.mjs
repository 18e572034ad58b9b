// `mxscope` help, version and usage errors (exit 1): no gateway needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mxscope } from "./helpers.mjs";

const commands = ["login", "logout", "whoami", "token mint", "token inspect", "token describe", "token list",
  "token revoke", "send"];

test("mxscope --help, -h and help print the overview with every command and the exit codes", async () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const r = await mxscope(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /^usage: mxscope /);
    for (const c of commands) assert.ok(r.stdout.includes(`  ${c} `), `the overview lists ${c}`);
    for (const n of [0, 1, 2, 3, 4, 5]) assert.match(r.stdout, new RegExp(`\\n  ${n}  `), `exit status ${n} documented`);
    assert.equal(r.stderr, "");
  }
});

test("every command has --help, -h and `mxscope help COMMAND`, on stdout with exit 0", async () => {
  for (const c of commands) {
    const words = c.split(" ");
    for (const args of [[...words, "--help"], [...words, "-h"], ["help", ...words]]) {
      const r = await mxscope(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.ok(r.stdout.startsWith(`usage: mxscope ${c}`), `${args.join(" ")}: ${r.stdout.slice(0, 60)}`);
      assert.match(r.stdout, /Exit status/, `${c} documents its exit statuses`);
    }
  }
  const t = await mxscope(["token", "--help"]);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /^usage: mxscope token COMMAND/);
});

test("token mint --help documents the --allow shortcuts and every delegable SDK action name", async () => {
  const r = await mxscope(["token", "mint", "--help"]);
  for (const s of ["read", "send-text", "send-notice", "react", "media", "chat"]) assert.match(r.stdout, new RegExp(`\\n  ${s} +\\S`));
  for (const a of ["read_timeline", "send_message", "upload_media", "receive_to_device"]) assert.ok(r.stdout.includes(a));
  assert.ok(!/\baccount\b(?! )/.test(r.stdout.split("Action names")[1].split("\n\n")[0]), "the root-only action is not offered");
});

test("--version prints the tool, SDK and token format versions", async () => {
  const r = await mxscope(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^mxscope \d+\.\d+\.\d+ \(SDK \d+\.\d+\.\d+, token format 1\)\n$/);
});

test("no command: usage on stderr, nothing on stdout, exit 1", async () => {
  const r = await mxscope([]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /usage: mxscope/);
});

test("bad arguments exit 1 with a one-line message on stderr naming the problem", async () => {
  const cases = [
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["token"], /which token command\?/],
    [["token", "frob"], /unknown command 'token frob'/],
    [["send", "--bogus"], /unknown option '--bogus' \(see: mxscope send --help\)/],
    [["send", "--room"], /option --room needs a value/],
    [["send", "hello"], /--room ROOM is required/],
    [["logout", "--local=yes"], /option --local takes no value/],
    [["whoami", "extra"], /unexpected argument 'extra'/],
    [["token", "mint", "--ttl", "10x", "--allow", "read"], /--ttl: expected a duration/],
    [["token", "mint", "--ttl", "0s", "--allow", "read"], /longer than zero/],
    [["token", "mint", "--qr", "--json", "--allow", "read"], /--qr and --json cannot be used together/],
    [["token", "mint", "extra"], /unexpected argument 'extra'/],
    [["token", "revoke"], /name one token to revoke/],
    [["token", "revoke", "a", "b"], /name one token to revoke/],
    [["login", "--gateway", "ftp://example.org", "--user", "x", "--password-stdin"], /must start with http:\/\/ or https:\/\//],
  ];
  for (const [args, re] of cases) {
    const r = await mxscope(args, { input: "" });
    assert.equal(r.code, 1, `${args.join(" ")} -> ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    if (args.includes("--json")) assert.equal(JSON.parse(r.stderr).exit, 1);
    else assert.match(r.stderr, /^mxscope: /);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
    assert.equal(r.stdout, "");
  }
});

test("commands that need a gateway say how to configure one (exit 1)", async () => {
  const r = await mxscope(["token", "list"], { env: { MXSCOPE_TOKEN: "mxs1_x" } });
  // A malformed token is reported before anything else: exit 3.
  assert.equal(r.code, 3);
  const l = await mxscope(["login", "--user", "alice", "--password-stdin"], { input: "pw\n" });
  assert.equal(l.code, 1);
  assert.match(l.stderr, /pass --gateway URL or set MXSCOPE_GATEWAY/);
});

test("with --json, errors are one JSON object on stderr with the message, a stable code and the exit status", async () => {
  const r = await mxscope(["send", "--json", "--room", "!a:b"], { input: "" });
  assert.equal(r.code, 1);
  const e = JSON.parse(r.stderr);
  assert.deepEqual(Object.keys(e).sort(), ["code", "error", "exit"]);
  assert.equal(e.exit, 1);
  assert.equal(e.code, "usage");
  const t = await mxscope(["--json", "send", "--room", "!a:b", "hi"], { env: { MXSCOPE_TOKEN: "not-a-token", MXSCOPE_GATEWAY: "http://127.0.0.1:1" } });
  assert.equal(t.code, 3);
  assert.equal(JSON.parse(t.stderr).code, "malformed_token");
});
