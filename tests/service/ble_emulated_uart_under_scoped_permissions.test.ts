/**
 * `--hci uart:PATH` through the real launcher, with its scoped permissions (no --allow-all, FFI
 * only for the addons and the C library), and under the compiled binary's permission list: a
 * pseudo-terminal plays the serial dongle, its far side bridged to the emulated radio's
 * controller, so the whole HCI conversation of a scan (and of a produce run, stopped by SIGTERM)
 * crosses the tty both ways.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Emulator, startEmulator } from "../_support/ble_emulator.ts";
import { REPO, waitFor } from "../_support/gateway_process.ts";
import { openPty } from "../_support/pty.ts";
import { APP_PERMISSIONS } from "../../scripts/compile/permissions.ts";
import { GATEWAY_RUNTIME_FLAGS } from "../../scripts/compile/runtime_flags.ts";

/** A pty playing a serial dongle, its main side bridged to the emulated controller over TCP. */
async function startDongle(emulator: Emulator) {
  const pty = openPty();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: emulator.port });
  conn.setNoDelay(true);
  const fromGateway: number[] = [];
  let toGateway = 0;
  const up = (async () => {
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await pty.main.read(buf).catch(() => null);
      if (n === null) return;
      fromGateway.push(...buf.subarray(0, n));
      await conn.write(buf.slice(0, n)).catch(() => {});
    }
  })();
  const down = (async () => {
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) return;
      toGateway += n;
      let off = 0;
      while (off < n) off += await pty.main.write(buf.subarray(off, n));
    }
  })();
  return {
    path: pty.path,
    fromGateway,
    toGateway: () => toGateway,
    async close() {
      pty.close();
      conn.close();
      await Promise.all([up, down]).catch(() => {});
    },
  };
}

/** Whether `bytes` holds `sub` in order. */
function holds(bytes: number[], sub: number[]): boolean {
  outer: for (let i = 0; i + sub.length <= bytes.length; i++) {
    for (let j = 0; j < sub.length; j++) if (bytes[i + j] !== sub[j]) continue outer;
    return true;
  }
  return false;
}

/** How each runs the gateway: the launcher, and main.ts under the compiled binary's permissions. */
const RUNNERS: [string, string, string[]][] = [
  ["./gateway", join(REPO, "gateway"), []],
  ["the compiled binary's permissions", Deno.execPath(), [
    "run",
    "--quiet",
    ...APP_PERMISSIONS,
    ...GATEWAY_RUNTIME_FLAGS,
    join(REPO, "main.ts"),
  ]],
];

for (const [runner, command, prefix] of RUNNERS) {
  Deno.test(`scan --hci uart: finds the emulated tags through a tty, under ${runner}`, async () => {
    const emulator = await startEmulator({ cc2650: 1, cc2541: 1 });
    const dongle = await startDongle(emulator);
    const home = await Deno.makeTempDir();
    try {
      const out = await new Deno.Command(command, {
        args: [...prefix, "scan", "--hci", `uart:${dongle.path}`, "--seconds", "2", "--json"],
        env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", HOME: home },
        stdin: "null",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${stderr}\nemulator:\n${emulator.stderr()}`);
      assert.deepEqual(dongle.fromGateway.slice(0, 4), [0x01, 0x03, 0x0c, 0x00], "HCI Reset first");
      assert.ok(dongle.toGateway() > 0);
      const found = JSON.parse(stdout) as { address: string; model: string }[];
      for (const tag of emulator.tags) {
        assert.ok(
          found.some((f) => f.address === tag.address && f.model === tag.model),
          `${tag.model} ${tag.address} in ${stdout}`,
        );
      }
    } finally {
      await dongle.close();
      await emulator.stop();
      await Deno.remove(home, { recursive: true });
    }
  });
}

Deno.test("./gateway produce --hci uart: streams readings, and SIGTERM disconnects and stops it", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const dongle = await startDongle(emulator);
  const state = await Deno.makeTempDir();
  const child = new Deno.Command(join(REPO, "gateway"), {
    args: [
      "produce",
      tag.address,
      "--hci",
      `uart:${dongle.path}`,
      // No broker is needed to prove the BLE side: readings wait in the spool.
      "--brokers",
      "127.0.0.1:9",
      "--format",
      "avro-single-object",
      "--sensors",
      "ir,humidity",
      "--interval",
      "1",
      "--stats-interval",
      "1",
    ],
    cwd: state,
    env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", XDG_STATE_HOME: state },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const dec = new TextDecoder();
  const pump = (s: ReadableStream<Uint8Array>) =>
    s.pipeTo(new WritableStream({ write: (c) => void (text += dec.decode(c)) }));
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  try {
    await waitFor(
      "3 readings taken",
      () =>
        [...text.matchAll(/ stats .*\btaken=(\d+)/g)].some((m) => Number(m[1]) >= 3) || undefined,
      45_000,
    ).catch((e) => {
      throw new Error(`${e.message}\n${text}\nemulator:\n${emulator.stderr()}`);
    });
    const before = dongle.fromGateway.length;
    child.kill("SIGTERM");
    const status = await child.status;
    await pumps;
    assert.equal(status.code, 0, text);
    assert.match(text.trimEnd().split("\n").at(-1) ?? "", /\bstopped\b/, text);
    // HCI Disconnect (opcode 0x0406) went out over the tty after the signal.
    assert.ok(
      holds(dongle.fromGateway.slice(before), [0x01, 0x06, 0x04, 0x03]),
      "HCI Disconnect sent on SIGTERM",
    );
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await dongle.close();
    await emulator.stop();
    await Deno.remove(state, { recursive: true });
  }
});
