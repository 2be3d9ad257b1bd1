/**
 * The compiled binary is granted write and ffi without paths (Deno fixes them at build time);
 * each command gives up what it does not use as it starts: the sink, decode, kcql and status
 * write nothing and load no addon; spool and install-service write but load no addon; produce
 * and scan keep ffi only until noble's addon (and for uart: the C library) is loaded, and not at
 * all with --simulate. Checked under exactly the compiled binary's grants (APP_PERMISSIONS).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { APP_PERMISSIONS } from "../../scripts/compile/permissions.ts";
import { REPO } from "../_support/gateway_process.ts";
import { permissionsToDrop } from "../../src/cli/permission_scope.ts";
import { openPty, type Pty } from "../_support/pty.ts";

async function after(args: string[], waitMs = 3000) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...APP_PERMISSIONS,
      "--quiet",
      "tests/_support/permissions_after_command.ts",
      ...args,
    ],
    cwd: REPO,
    env: { NO_COLOR: "1", GATEWAY_PROBE_AFTER_MS: String(waitMs) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  // Everything the run printed (noble writes its warnings to stdout), then the probe's line.
  const stderr = new TextDecoder().decode(out.stderr) + stdout;
  assert.equal(out.code, 0, stderr);
  const probe = stdout.trim().split("\n").at(-1) ?? "";
  return { ...JSON.parse(probe) as { code: number | null; write: string; ffi: string }, stderr };
}

Deno.test("which permissions each command gives up", () => {
  assert.deepEqual(permissionsToDrop("sink"), ["write", "ffi"]);
  assert.deepEqual(permissionsToDrop("kcql"), ["write", "ffi"]);
  assert.deepEqual(permissionsToDrop("spool"), ["ffi"]);
  assert.deepEqual(permissionsToDrop("install-service"), ["ffi"]);
  assert.deepEqual(permissionsToDrop("produce"), []);
  assert.deepEqual(permissionsToDrop("produce", { simulate: true }), ["ffi"]);
  assert.deepEqual(permissionsToDrop("scan"), ["write"]);
  assert.deepEqual(permissionsToDrop("no-such-command"), ["write", "ffi"]);
});

Deno.test("a command that writes nothing and loads no addon runs without write and ffi", async () => {
  const r = await after(["kcql", "check", "INSERT INTO c SELECT * FROM t"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.write, "prompt", "write revoked");
  assert.equal(r.ffi, "prompt", "ffi revoked");
});

Deno.test("spool keeps write (its file), not ffi", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway-perm-spool-" });
  try {
    const r = await after(["spool", "list", "--spool", join(dir, "none.sqlite")]);
    assert.equal(r.code, 2, "no spool there: a usage error, after the permissions were set");
    assert.equal(r.write, "granted");
    assert.equal(r.ffi, "prompt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("produce with simulated tags keeps write for its spool and gives up ffi", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway-perm-produce-" });
  try {
    const r = await after([
      "produce",
      "--simulate",
      "1",
      "--brokers",
      "127.0.0.1:1",
      "--spool",
      join(dir, "spool.sqlite"),
      "--http",
      "off",
    ]);
    assert.equal(r.code, null, `still running when probed:\n${r.stderr}`);
    assert.match(r.stderr, / INFO +/, "it ran");
    assert.doesNotMatch(r.stderr, /NotCapable|Requires .* access/);
    assert.equal(r.write, "granted");
    assert.equal(r.ffi, "prompt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("produce over the radio gives up ffi once noble's addon is loaded", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway-perm-radio-" });
  try {
    // No adapter here: noble loads its addon, then waits for the adapter; ffi is gone by then.
    const r = await after([
      "produce",
      "B0:B4:48:BE:5E:00",
      "--brokers",
      "127.0.0.1:1",
      "--spool",
      join(dir, "spool.sqlite"),
      "--http",
      "off",
    ], 5000);
    assert.match(r.stderr, /noble|adapter|Bluetooth/i, "noble was loaded");
    assert.doesNotMatch(r.stderr, /NotCapable|Requires ffi access/);
    assert.equal(r.ffi, "prompt");
    assert.equal(r.write, "granted");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scan over uart: gives up write and ffi, and still opens and writes the device", async () => {
  // The C library is loaded with noble's addon, before ffi goes; the device is opened after.
  const pty = openPty();
  try {
    const run = after(["scan", "--hci", `uart:${pty.path}`, "--seconds", "2"], 1500);
    const reset = await Promise.race([
      readReset(pty),
      run.then((r) => {
        throw new Error(`the run ended before writing to the tty:\n${r.stderr}`);
      }),
    ]);
    assert.deepEqual(reset, [0x01, 0x03, 0x0c, 0x00], "HCI Reset on the tty");
    const r = await run;
    assert.doesNotMatch(r.stderr, /NotCapable|Requires .* access|cannot load the C library/);
    assert.equal(r.ffi, "prompt");
    assert.equal(r.write, "prompt");
  } finally {
    pty.close();
  }
});

/** The first 4 bytes the gateway wrote to the pty. */
async function readReset(pty: Pty): Promise<number[]> {
  const got: number[] = [];
  const buf = new Uint8Array(64);
  while (got.length < 4) {
    const n = await pty.main.read(buf);
    if (n === null) break;
    got.push(...buf.subarray(0, n));
  }
  return got.slice(0, 4);
}
