/**
 * The emulated controller holds as many LE connections as it has slots and refuses more with
 * HCI 0x09 (Connection Limit Exceeded), as real controllers do; the refusal reaches the gateway
 * through noble with its code, and the tag already connected keeps streaming.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../_support/ble_emulator.ts";
import { startEmulatedProduce } from "../_support/emulated_produce.ts";

Deno.test("a controller with one slot refuses a second tag with HCI 0x09", async () => {
  const emulator = await startEmulator({ cc2650: 2, cc2541: 0, slots: 1 });
  const [first, second] = emulator.tags.map((t) => t.address);
  const run = await startEmulatedProduce(emulator, [first, second], [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
  ]);
  try {
    await run.proc.waitForLine(/Connection Limit Exceeded \(0x9\)/, 20_000);
    await run.waitForTaken(3);
    const state = await emulator.command("state");
    assert.equal((state.connections as string[]).length, 1, "one link: the controller's one slot");
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    assert.ok(records.some((r) => r.bid === first || r.bid === second));
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
