/**
 * ATT errors through the real HCI stack and the emulated radio. noble 2.8.0 never settles a
 * write the tag answers with an ATT Error Response, nor a read the tag never answers (and queues
 * every later request of that link behind it), so the session bounds each step: a rejected write
 * fails that attempt and the session retries and streams; a read that never answers ends the link,
 * which is made again, and readings resume once the tag answers.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../_support/ble_emulator.ts";
import { startEmulatedProduce } from "../_support/emulated_produce.ts";

Deno.test("a write the tag rejects with an ATT error fails that attempt; the next one streams", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  // The IR temperature configuration (AA02) rejects the first enable: 0x80, an application error.
  await emulator.command(`fail-write ${tag.address} aa02 80 1`);
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
  ]);
  try {
    const failed = await run.proc.waitForLine(
      new RegExp(`tag=${tag.address} state=backoff`),
      20_000,
    );
    assert.match(failed, /attempt 1 failed/);
    await run.waitForTaken(2);
    assert.equal(await run.proc.stop(), 0);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("a read the tag never answers ends the link; readings resume once it answers", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
    "--connect-timeout",
    "2",
  ]);
  try {
    await run.waitForTaken(1);
    await emulator.command(`hang-read ${tag.address} aa21 on`); // humidity data
    await run.proc.waitForLine(/sensor read failed .*sensor read timed out/, 20_000);
    await run.proc.waitForLine(
      new RegExp(`tag=${tag.address} state=backoff .*sensor read timed out`),
      20_000,
    );
    await emulator.command(`hang-read ${tag.address} aa21 off`);
    const taken = run.taken();
    await run.waitForTaken(taken + 2);
    assert.equal(await run.proc.stop(), 0);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
