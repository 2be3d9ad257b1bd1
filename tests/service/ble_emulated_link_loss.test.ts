/**
 * Through the real HCI stack and the emulated radio: a tag whose link drops (supervision
 * timeout 0x08, remote user terminated 0x13, failed to be established 0x3E) streams again; so
 * does a tag that stops advertising for a while, and every tag after the controller's connection
 * closes and reopens (an unplugged dongle). The tag side proves the sensors were enabled again.
 */
import { waitUntil } from "../_support/gateway_process.ts";
import assert from "node:assert/strict";
import { startEmulator } from "../_support/ble_emulator.ts";
import { startEmulatedProduce } from "../_support/emulated_produce.ts";

const streamingCount = (lines: string[], tag: string) =>
  lines.filter((l) => l.includes(`tag=${tag}`) && l.includes("state=streaming")).length;

function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) {
  return waitUntil(what, ok, ms, 100);
}

Deno.test("a tag streams again after its link drops with 0x08, 0x13 and 0x3E", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "0.5",
  ]);
  try {
    await run.waitForTaken(1);
    for (const reason of ["08", "13", "3e"]) {
      const streamed = streamingCount(run.proc.lines, tag.address);
      const taken = run.taken();
      await emulator.command(`drop ${tag.address} ${reason}`);
      await run.proc.waitForLine(
        new RegExp(`tag=${tag.address} state=disconnected.*reason ${parseInt(reason, 16)}\\b`),
        10_000,
      );
      await until(
        `streaming again after reason 0x${reason}`,
        () => streamingCount(run.proc.lines, tag.address) > streamed,
      );
      await run.waitForTaken(taken + 2);
      // The tag switched its sensors off on the disconnect; they were enabled again.
      const state = await emulator.command("state");
      const sensors =
        (state.tags as Record<string, { sensors: Record<string, { config: number }> }>)[
          tag.address
        ].sensors;
      assert.equal(sensors.tmp007.config, 1, JSON.stringify(sensors));
      assert.equal(sensors.hdc1000.config, 1, JSON.stringify(sensors));
    }
    assert.equal(await run.proc.stop(), 0);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("a tag that stops advertising after a drop streams again once it is back", async () => {
  const emulator = await startEmulator({ cc2650: 0, cc2541: 1 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
  ]);
  try {
    await run.waitForTaken(1);
    const streamed = streamingCount(run.proc.lines, tag.address);
    await emulator.command(`adv ${tag.address} off`);
    await emulator.command(`drop ${tag.address} 08`);
    // Not heard: the session looks for it (and may give up an attempt and back off).
    await run.proc.waitForLine(new RegExp(`tag=${tag.address} state=scanning`), 10_000);
    const taken = run.taken();
    await new Promise((r) => setTimeout(r, 1500)); // a while away (not an assertion on time)
    assert.equal(streamingCount(run.proc.lines, tag.address), streamed, "no link while silent");
    await emulator.command(`adv ${tag.address} on`);
    await until("streaming again", () => streamingCount(run.proc.lines, tag.address) > streamed);
    await run.waitForTaken(taken + 2);
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    const last = records.at(-1)!;
    assert.ok(Math.abs((last.pressure as number) - tag.truth.pressure) < 0.2, "calibrated again");
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("after the controller's connection closes and reopens, the tag streams again", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    "0.5",
  ]);
  try {
    await run.waitForTaken(1);
    const streamed = streamingCount(run.proc.lines, tag.address);
    await emulator.command("unplug 2");
    await run.proc.waitForLine(/HCI transport down/, 10_000);
    await run.proc.waitForLine(/HCI transport up.*\n?/, 1); // the first "up", at start
    await until(
      "the transport up again",
      () => run.proc.lines.filter((l) => l.includes("HCI transport up")).length >= 2,
    );
    const taken = run.taken();
    await until("streaming again", () => streamingCount(run.proc.lines, tag.address) > streamed);
    await run.waitForTaken(taken + 2);
    assert.equal(await run.proc.stop(), 0);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});

Deno.test("a gateway killed mid-link leaves no ghost: the next one reads the tag again", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const args = ["--sensors", "ir,humidity,barometer", "--interval", "0.5"];
  const first = await startEmulatedProduce(emulator, [tag.address], args);
  let second: Awaited<ReturnType<typeof startEmulatedProduce>> | undefined;
  try {
    await first.waitForTaken(1);
    first.proc.signal("SIGKILL"); // no HCI Disconnect sent, no Reset: the controller must drop it
    await first.proc.exited;
    second = await startEmulatedProduce(emulator, [tag.address], args);
    await second.waitForTaken(2);
    assert.equal(await second.proc.stop(), 0);
  } finally {
    await first.proc.stop(3000).catch(() => {});
    await second?.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
