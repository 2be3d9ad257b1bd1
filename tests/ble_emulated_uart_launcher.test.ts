/**
 * `./gateway scan --hci uart:PATH` through the real launcher, with its scoped permissions (no
 * --allow-all, FFI only for the addons and the C library): a pseudo-terminal plays the serial
 * dongle, its far side bridged to the emulated radio's controller, so the whole HCI conversation
 * of a scan crosses the tty both ways and finds the emulated tags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startEmulator } from "./_support/ble_emulator.ts";
import { REPO } from "./_support/gateway_process.ts";
import { openPty } from "./_support/pty.ts";

Deno.test("./gateway scan --hci uart: finds the emulated tags through a tty, scoped permissions", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 1 });
  const pty = openPty();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: emulator.port });
  conn.setNoDelay(true);
  const fromGateway: number[] = [];
  let toGateway = 0;
  // The dongle: bytes from the tty go to the controller, the controller's go back to the tty.
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
  const home = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(join(REPO, "gateway"), {
      args: ["scan", "--hci", `uart:${pty.path}`, "--seconds", "2", "--json"],
      env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", HOME: home },
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `${stderr}\nemulator:\n${emulator.stderr()}`);
    assert.deepEqual(fromGateway.slice(0, 4), [0x01, 0x03, 0x0c, 0x00], "HCI Reset first");
    assert.ok(toGateway > 0);
    const found = JSON.parse(stdout) as { address: string; model: string }[];
    for (const tag of emulator.tags) {
      assert.ok(
        found.some((f) => f.address === tag.address && f.model === tag.model),
        `${tag.model} ${tag.address} in ${stdout}`,
      );
    }
  } finally {
    pty.close();
    conn.close();
    await Promise.all([up, down]).catch(() => {});
    await emulator.stop();
    await Deno.remove(home, { recursive: true });
  }
});
