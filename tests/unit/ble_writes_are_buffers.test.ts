/**
 * noble's HCI stack (the Pi's path) copies every written value with `Buffer#readUInt8`, so a
 * `Uint8Array` write throws `data.readUInt8 is not a function` there. The virtual bindings behind
 * `--simulate` must reject it the same way, and the sessions must only ever write Buffers.
 */
import { waitUntil } from "../_support/gateway_process.ts";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { TagManager } from "../../src/ble/tag_manager.ts";
import type { Characteristic, Peripheral } from "../../src/ble/noble.ts";
import type { TagReading } from "../../src/ble/tag_session.ts";
import { createSimulatedNoble, simulatedAddresses } from "../../src/ble/virtual/simulated_noble.ts";
import { sensorsOf } from "../../src/sensortag/model.ts";
import { silentLogger } from "../../src/util/log.ts";

function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) {
  return waitUntil(what, ok, ms, 20);
}

Deno.test("the virtual bindings reject a Uint8Array write as noble's HCI stack does", async () => {
  const [address] = simulatedAddresses(1);
  const { noble } = createSimulatedNoble([address], { latencyMs: 1, model: "cc2650" });
  await noble.waitForPoweredOnAsync(5000);
  const found = new Promise<Peripheral>((resolve) => noble.once("discover", resolve));
  await noble.startScanningAsync([], false);
  const peripheral = await found;
  await noble.stopScanningAsync();
  await peripheral.connectAsync();
  try {
    const { characteristics } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
    const config = characteristics.find((c) => c.uuid === "f000aa0204514000b000000000000000") as
      | Characteristic
      | undefined;
    assert.ok(config, "IR temperature config characteristic");
    await assert.rejects(
      config.writeAsync(Uint8Array.of(1) as Buffer, false),
      (e: Error) => e instanceof TypeError && /data\.readUInt8 is not a function/.test(e.message),
    );
    await config.writeAsync(Buffer.of(1), false); // the same value as a Buffer is accepted
  } finally {
    await peripheral.disconnectAsync();
    noble.stop();
  }
});

for (const model of ["cc2650", "cc2541"] as const) {
  Deno.test(`every write a ${model} session makes is a Buffer, and the tag streams`, async () => {
    const [address] = simulatedAddresses(1);
    const sim = createSimulatedNoble([address], { latencyMs: 1, model });
    const written: unknown[] = [];
    const write = sim.bindings.write.bind(sim.bindings);
    sim.bindings.write = (id, service, uuid, data, withoutResponse) => {
      written.push(data);
      write(id, service, uuid, data, withoutResponse);
    };
    const m = new TagManager(sim.noble, [address], {
      sensors: sensorsOf(model),
      mode: "poll",
      intervalMs: 100,
      periodMs: 100,
      accelRange: 8,
      connectTimeoutMs: 2000,
      backoff: { startingDelayMs: 50, maxDelayMs: 200 },
    }, silentLogger);
    const readings: TagReading[] = [];
    await m.start((r) => readings.push(r));
    try {
      await until("a reading with every sensor", () => readings.length >= 1);
      assert.ok(written.length >= sensorsOf(model).length, `${written.length} writes`);
      for (const data of written) assert.ok(Buffer.isBuffer(data), `wrote ${String(data)}`);
    } finally {
      await m.stop();
    }
  });
}
