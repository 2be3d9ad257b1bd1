/**
 * SIGINT and SIGTERM stop `gateway produce` the same way through the real HCI stack and the
 * emulated radio: the sessions stop, HCI Disconnect goes out (the emulated tag sees its link end
 * with 0x13, the reason a host's Disconnect carries, not 0x08 as when the controller vanishes),
 * the `stopped` line is logged and the exit code is 0. Before, noble's own SIGINT listener exited
 * 1 at once with nothing stopped.
 */
import assert from "node:assert/strict";
import { startEmulator } from "./_support/ble_emulator.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

const REMOTE_USER_TERMINATED = 0x13;

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${sig}: sessions stopped, HCI Disconnect sent, stopped line, exit 0`, async () => {
    const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
    const [tag] = emulator.tags;
    const run = await startEmulatedProduce(emulator, [tag.address], [
      "--sensors",
      "ir,humidity",
      "--interval",
      "0.5",
      "--flush-timeout",
      "1",
    ]);
    try {
      await run.waitForTaken(2);
      const before = await emulator.command("state");
      assert.equal(
        (before.tags as Record<string, { connected: boolean }>)[tag.address].connected,
        true,
      );
      run.proc.signal(sig);
      const code = await Promise.race([
        run.proc.exited,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`no exit 15 s after ${sig}`)), 15_000)
        ),
      ]);
      const lines = run.proc.lines.join("\n");
      assert.equal(code, 0, lines.slice(-2000));
      assert.match(lines, new RegExp(`${sig} received: stopping`));
      assert.match(lines, new RegExp(`tag=${tag.address} state=stopped`));
      assert.match(lines, /\bINFO\s+stopped\b/, "the stopped line");
      const after = await emulator.command("state");
      const seen = (after.tags as Record<
        string,
        { connected: boolean; last_disconnect_reason: number | null }
      >)[tag.address];
      assert.equal(seen.connected, false);
      assert.equal(seen.last_disconnect_reason, REMOTE_USER_TERMINATED, JSON.stringify(seen));
      // Every reading taken is in the spool (flushed as configured: none could be delivered).
      const records = await run.records();
      assert.ok(records.length >= 2, `${records.length} readings spooled`);
    } finally {
      await run.proc.stop(3000).catch(() => {});
      await emulator.stop();
    }
  });
}
