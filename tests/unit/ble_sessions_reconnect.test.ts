import { waitUntil } from "../_support/gateway_process.ts";
import assert from "node:assert/strict";
import { TagManager } from "../../src/ble/tag_manager.ts";
import type { TagReading } from "../../src/ble/tag_session.ts";
import { createSimulatedNoble, simulatedAddresses } from "../../src/ble/virtual/simulated_noble.ts";
import { signalAt } from "../../src/ble/virtual/signal.ts";
import { silentLogger } from "../../src/util/log.ts";
import type { Model, SensorName } from "../../src/sensortag/model.ts";

function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) {
  return waitUntil(what, ok, ms, 20);
}

function manager(
  addresses: string[],
  mode: "poll" | "notify",
  sensors: SensorName[] = ["ir", "humidity", "barometer"],
  model?: Model,
) {
  const sim = createSimulatedNoble(addresses, { latencyMs: 1, model });
  const m = new TagManager(sim.noble, addresses, {
    sensors,
    mode,
    intervalMs: 100,
    periodMs: 100,
    accelRange: 8,
    connectTimeoutMs: 1000,
    backoff: { startingDelayMs: 20, maxDelayMs: 200 },
  }, silentLogger);
  return { m, sim };
}

Deno.test("readings from both models through noble match the virtual tags' signals", async () => {
  const addresses = simulatedAddresses(3); // the third is a CC2541
  const { m } = manager(addresses, "poll");
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await until(
      "readings from all three tags",
      () => new Set(readings.map((r) => r.address)).size === 3,
    );
    for (const r of readings.slice(-6)) {
      const i = addresses.indexOf(r.address);
      const s = signalAt(i, r.model, r.time);
      assert.equal(r.model, i === 2 ? "cc2541" : "cc2650");
      assert.ok(
        Math.abs(r.fields.ambient - s.ir.ambient) < 0.1,
        `${r.address} ambient ${r.fields.ambient} vs ${s.ir.ambient}`,
      );
      assert.ok(Math.abs(r.fields.rh - s.humidity.humidity) < 0.5, `${r.address} rh`);
      assert.ok(
        Math.abs(r.fields.pressure - s.barometer.pressure) < 0.5,
        `${r.address} pressure ${r.fields.pressure}`,
      );
    }
  } finally {
    await m.stop();
  }
});

Deno.test("a dropped CC2541 reconnects with backoff and its sensors are enabled again", async () => {
  const [address] = simulatedAddresses(1);
  const { m, sim } = manager([address], "notify", ["ir", "humidity", "barometer"], "cc2541");
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await until("first readings", () => readings.length >= 2);
    const tag = sim.bindings.tag(address);
    const enablesBefore = tag.configWrites.filter((w) =>
      w.part === "tmp006" && w.value[0] === 1
    ).length;
    sim.bindings.dropConnection(address);
    const dropAt = Date.now();
    await until("readings after the drop", () =>
      readings.some((r) => r.time > dropAt + 50), 10_000);
    const enablesAfter = tag.configWrites.filter((w) =>
      w.part === "tmp006" && w.value[0] === 1
    ).length;
    assert.equal(tag.model, "cc2541");
    assert.ok(enablesBefore >= 1, "enabled once before the drop");
    assert.equal(
      enablesAfter,
      enablesBefore + 1,
      "the IR sensor was enabled again after reconnecting",
    );
    assert.equal(m.sessions[0].state, "streaming");
  } finally {
    await m.stop();
  }
});

Deno.test("an unreachable tag does not stop the others", async () => {
  const addresses = simulatedAddresses(2);
  const { m, sim } = manager(addresses, "poll", ["ir"]);
  sim.bindings.setReachable(addresses[0], false);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await until(
      "readings from the reachable tag",
      () => readings.filter((r) => r.address === addresses[1]).length >= 5,
    );
    assert.equal(readings.filter((r) => r.address === addresses[0]).length, 0);
    sim.bindings.setReachable(addresses[0], true);
    await until(
      "the first tag once reachable",
      () => readings.some((r) => r.address === addresses[0]),
      10_000,
    );
  } finally {
    await m.stop();
  }
});

Deno.test("a sensor the model lacks is a clear error for that tag only", async () => {
  const addresses = simulatedAddresses(3); // cc2650, cc2650, cc2541
  const { m } = manager(addresses, "poll", ["ir", "optical"]);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await until("the CC2541 session to fail", () => m.sessions[2].state === "failed");
    await until(
      "readings from the CC2650s",
      () => new Set(readings.map((r) => r.address)).size === 2,
    );
    assert.ok(readings.every((r) => r.address !== addresses[2]));
  } finally {
    await m.stop();
  }
});
