/**
 * Several tags of both models on one emulated controller, through the real HCI stack: every tag
 * streams, each reading carries its own tag's values, and one tag's dropped link leaves the others
 * streaming while it comes back (what tests/unit/ble_sessions_reconnect.test.ts proves at noble's seam).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../_support/ble_emulator.ts";
import { startEmulatedProduce } from "../_support/emulated_produce.ts";

Deno.test("three tags of both models on one controller all stream their own values", async () => {
  const emulator = await startEmulator({ cc2650: 2, cc2541: 1 });
  const addresses = emulator.tags.map((t) => t.address);
  const run = await startEmulatedProduce(emulator, addresses, [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
    "--connect-timeout",
    "15",
  ]);
  try {
    for (const a of addresses) {
      await run.proc.waitForLine(new RegExp(`tag=${a} state=streaming`), 60_000);
    }
    await emulator.command(`drop ${addresses[0]} 08`);
    await run.proc.waitForLine(new RegExp(`tag=${addresses[0]} state=disconnected`), 10_000);
    const taken = run.taken();
    await run.waitForTaken(taken + 9, 60_000);
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    for (const tag of emulator.tags) {
      const mine = records.filter((r) => r.bid === tag.address);
      assert.ok(mine.length >= 2, `${tag.address}: ${mine.length} readings`);
      const last = mine.at(-1)!;
      assert.equal(last.model, tag.model);
      assert.ok(Math.abs((last.ambient as number) - tag.truth.ambient) < 0.05, tag.address);
      assert.ok(Math.abs((last.pressure as number) - tag.truth.pressure) < 0.2, tag.address);
    }
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
