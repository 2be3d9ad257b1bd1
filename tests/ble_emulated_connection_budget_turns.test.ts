/**
 * A controller with N connection slots and 3N tags, through the real HCI stack and the emulated
 * radio: the first refusal (HCI 0x09) sets the budget to N, the tags are read in turns, and every
 * tag's readings reach the spool; each tag's share of expected readings is in /status.json.
 */
import assert from "node:assert/strict";
import { startEmulator } from "./_support/ble_emulator.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

Deno.test("2 slots, 6 tags of both models: the budget is learned and every tag is read", async () => {
  const emulator = await startEmulator({ cc2650: 4, cc2541: 2, slots: 2 });
  const addresses = emulator.tags.map((t) => t.address);
  const run = await startEmulatedProduce(emulator, addresses, [
    "--sensors",
    "ir,humidity",
    "--interval",
    "4",
    "--connect-timeout",
    "10",
    "--http",
    "127.0.0.1:0",
  ]);
  try {
    const refused = await run.proc.waitForLine(/the controller refused one link more/, 60_000);
    assert.match(refused, /max_connections=2\b/);
    for (const a of addresses) {
      await run.proc.waitForLine(new RegExp(`tag=${a} state=queued`), 60_000);
    }
    await run.waitForTaken(3 * addresses.length, 90_000);
    const state = await emulator.command("state");
    assert.ok((state.connections as string[]).length <= 2, JSON.stringify(state.connections));
    const url = /url=(http:\/\/\S+)/.exec(
      run.proc.lines.find((l) => /http listening/.test(l))!,
    )![1];
    const status = await (await fetch(`${url}/status.json`)).json() as {
      tags: { device: string; readingShare?: number }[];
    };
    for (const t of status.tags) {
      assert.ok((t.readingShare ?? 0) > 0, `${t.device} share ${t.readingShare}`);
    }
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    for (const tag of emulator.tags) {
      const mine = records.filter((r) => r.bid === tag.address);
      assert.ok(mine.length >= 1, `${tag.address}: ${mine.length} readings`);
      const last = mine.at(-1)!;
      assert.equal(last.model, tag.model);
      // Read after the first conversion: the tag's value, not the zeros of a sensor just enabled.
      assert.ok(Math.abs((last.ambient as number) - tag.truth.ambient) < 0.05, tag.address);
      assert.ok(Math.abs((last.rh as number) - tag.truth.rh) < 0.5, tag.address);
    }
    // Read in turns, a tag's sensors are off between readings.
    const after = await emulator.command("state");
    const sensors = after.tags as Record<string, { sensors: Record<string, { config: number }> }>;
    for (const a of addresses) {
      assert.ok(
        Object.values(sensors[a].sensors).every((s) => s.config === 0),
        `${a}: ${JSON.stringify(sensors[a].sensors)}`,
      );
    }
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
