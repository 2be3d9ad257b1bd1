/**
 * A controller that answers HCI Read RSSI with an error status and no parameters (the emulator's
 * `rssi-fault`), through the real HCI stack: when the RSSI refresh fires (15 s into the run) the
 * gateway lives on, says the connected tags' RSSI is unknown, and keeps reading. Before, noble's
 * hci.js threw reading the missing parameters and the process ended.
 */
import assert from "node:assert/strict";
import { startEmulator } from "./_support/ble_emulator.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

Deno.test("a Read RSSI answered with an error status and no parameters: RSSI unknown, readings go on", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  await emulator.command("rssi-fault on");
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "0.5",
  ]);
  try {
    await run.waitForTaken(2);
    const line = await run.proc.waitForLine(/connected tags' RSSI is unknown/, 30_000);
    assert.match(line, /status 0x01/);
    const taken = run.taken();
    await run.waitForTaken(taken + 3);
    assert.equal(await run.proc.stop(), 0);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
