/**
 * What tests/ble_sessions_reconnect.test.ts proves at noble's seam (virtual bindings), through the
 * real HCI stack and the emulated radio: a dropped CC2541 reconnects and its sensors are enabled
 * again (the tag switched them off), a tag not heard does not stop the others and streams once it
 * advertises, and a sensor the model lacks fails that tag only.
 */
import assert from "node:assert/strict";
import { startEmulator } from "./_support/ble_emulator.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

type TagState = { sensors: Record<string, { config: number }>; connected: boolean };

Deno.test("a dropped CC2541 reconnects and its sensors are enabled again", async () => {
  const emulator = await startEmulator({ cc2650: 0, cc2541: 1 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "0.5",
  ]);
  try {
    await run.waitForTaken(2);
    await emulator.command(`drop ${tag.address} 08`);
    await run.proc.waitForLine(new RegExp(`tag=${tag.address} state=disconnected`), 10_000);
    const taken = run.taken();
    await run.waitForTaken(taken + 2);
    const state = await emulator.command("state");
    const sensors = (state.tags as Record<string, TagState>)[tag.address].sensors;
    assert.equal(sensors.tmp006.config, 1, JSON.stringify(sensors));
    assert.equal(sensors.sht21.config, 1, JSON.stringify(sensors));
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    assert.ok(records.every((r) => r.model === "cc2541"));
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("a tag not heard does not stop the other; it streams once it advertises", async () => {
  const emulator = await startEmulator({ cc2650: 2, cc2541: 0 });
  const [silent, heard] = emulator.tags.map((t) => t.address);
  await emulator.command(`adv ${silent} off`);
  const run = await startEmulatedProduce(emulator, [silent, heard], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "0.5",
    "--connect-timeout",
    "2",
  ]);
  try {
    await run.proc.waitForLine(new RegExp(`tag=${silent} state=backoff .*not heard`), 20_000);
    await run.proc.waitForLine(new RegExp(`tag=${heard} state=streaming`), 20_000);
    await emulator.command(`adv ${silent} on`);
    await run.proc.waitForLine(new RegExp(`tag=${silent} state=streaming`), 30_000);
    await run.waitForTaken(run.taken() + 4);
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    assert.ok(records.some((r) => r.bid === silent) && records.some((r) => r.bid === heard));
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("a sensor the model lacks fails that tag only", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 1 });
  const cc2650 = emulator.tags.find((t) => t.model === "cc2650")!.address;
  const cc2541 = emulator.tags.find((t) => t.model === "cc2541")!.address;
  const run = await startEmulatedProduce(emulator, [cc2650, cc2541], [
    "--sensors",
    "ir,humidity,optical",
    "--interval",
    "0.5",
  ]);
  try {
    const failed = await run.proc.waitForLine(new RegExp(`tag=${cc2541} state=failed`), 20_000);
    assert.match(failed, /cc2541 SensorTag, which has no optical sensor/);
    await run.waitForTaken(2);
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    assert.ok(records.length >= 2 && records.every((r) => r.bid === cc2650));
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
