/**
 * More tags than the controller holds links: the first refusal (HCI 0x09) sets the budget, and
 * from then on the tags are read in turns (connect, enable, first conversion, read, disable,
 * disconnect), every tag read, never more links than the controller holds. Through noble and the
 * virtual bindings (tests/ble_emulated_connection_budget_*.test.ts does it through the HCI stack).
 */
import assert from "node:assert/strict";
import { TagManager } from "../src/ble/tag_manager.ts";
import type { TagReading } from "../src/ble/tag_session.ts";
import { createSimulatedNoble, simulatedAddresses } from "../src/ble/virtual/simulated_noble.ts";
import { silentLogger } from "../src/util/log.ts";
import { waitFor } from "./_support/gateway_process.ts";

function run(slots: number, tags: number, maxConnections?: number, intervalMs = 1000) {
  const addresses = simulatedAddresses(tags);
  const sim = createSimulatedNoble(addresses, {
    latencyMs: 1,
    maxConnections: slots,
    model: "cc2650",
  });
  const states = new Map<string, string[]>();
  const m = new TagManager(sim.noble, addresses, {
    sensors: ["humidity"],
    mode: "poll",
    intervalMs,
    accelRange: 8,
    connectTimeoutMs: 2000,
    backoff: { startingDelayMs: 50, maxDelayMs: 500 },
    maxConnections,
    onTagState: (a, s) => states.set(a, [...(states.get(a) ?? []), s]),
  }, silentLogger);
  return { m, sim, addresses, states };
}

Deno.test("3N tags on a controller with N slots: the budget is learned and every tag is read", async () => {
  const { m, sim, addresses, states } = run(2, 6);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "three readings from every tag",
      () => {
        const per = addresses.map((a) => readings.filter((r) => r.address === a).length);
        return per.every((n) => n >= 3) || undefined;
      },
      30_000,
      50,
    );
    assert.equal(m.budget.limit, 2, "learned from the first refusal");
    assert.equal(m.budget.learned, true);
    assert.ok(sim.bindings.peakConnections <= 2, `peak links ${sim.bindings.peakConnections}`);
    for (const a of addresses) {
      assert.ok(states.get(a)!.includes("queued"), `${a} was read in turns`);
    }
    // Read in turns, the sensors are switched off after each reading.
    const tag = sim.bindings.tag(addresses[0]);
    const writes = tag.configWrites.filter((w) => w.part === "hdc1000");
    assert.ok(writes.some((w) => w.value[0] === 0), "the sensor was disabled after a turn");
    assert.ok(readings.every((r) => typeof r.fields.rh === "number" && r.fields.rh > 0));
  } finally {
    await m.stop();
  }
});

Deno.test("--max-connections N: tags are read in turns from the start, no refusal needed", async () => {
  const { m, sim, addresses } = run(2, 4, 2);
  const readings: TagReading[] = [];
  let refusals = 0;
  sim.bindings.on("connect", (_id: string, error: Error | null) => {
    if (error && /0x9/.test(error.message)) refusals++;
  });
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "two readings from every tag",
      () => {
        const per = addresses.map((a) => readings.filter((r) => r.address === a).length);
        return per.every((n) => n >= 2) || undefined;
      },
      30_000,
      50,
    );
    assert.equal(refusals, 0);
    assert.equal(m.budget.learned, false);
    assert.ok(sim.bindings.peakConnections <= 2);
  } finally {
    await m.stop();
  }
});

Deno.test("tags within the budget keep their links (no turns)", async () => {
  const { m, sim, addresses, states } = run(4, 3);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "readings from every tag",
      () => new Set(readings.map((r) => r.address)).size === 3 || undefined,
      15_000,
      50,
    );
    assert.equal(m.budget.limit, undefined);
    assert.equal(sim.bindings.peakConnections, 3);
    for (const a of addresses) assert.ok(!states.get(a)!.includes("queued"));
  } finally {
    await m.stop();
  }
});

Deno.test("once the budget is learned, streaming tags give their links up at once, not at their next tick", async () => {
  // A 60 s interval: tags streaming when the refusal comes would otherwise hold their links
  // (and keep the others from their first reading) for up to a minute.
  const { m, addresses } = run(2, 6, undefined, 60_000);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "a reading from every tag",
      () => new Set(readings.map((r) => r.address)).size === addresses.length || undefined,
      20_000,
      50,
    );
    assert.equal(m.budget.limit, 2);
  } finally {
    await m.stop();
  }
});
