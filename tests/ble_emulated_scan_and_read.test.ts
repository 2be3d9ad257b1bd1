/**
 * The gateway's real BLE stack (noble's HCI layer, from bluetooth-hci-socket's H4 parser up)
 * against the emulated radio over `--hci tcp:`: scanning finds both models, and every sensor of
 * both models is read, in poll and in notify mode, with the values the emulated tags measure.
 */
import assert from "node:assert/strict";
import { type EmulatedTag, startEmulator } from "./_support/ble_emulator.ts";
import { runGateway } from "./_support/gateway_process.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

Deno.test("gateway scan --hci tcp: finds an emulated CC2650 and CC2541", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 1 });
  try {
    const out = await runGateway(["scan", "--hci", emulator.hci, "--seconds", "2", "--json"]);
    assert.equal(out.code, 0, out.stderr);
    const found = JSON.parse(out.stdout) as { address: string; model: string }[];
    for (const tag of emulator.tags) {
      assert.ok(
        found.some((f) => f.address === tag.address && f.model === tag.model),
        `${tag.model} ${tag.address} in ${out.stdout}`,
      );
    }
  } finally {
    await emulator.stop();
  }
});

const SENSORS = {
  cc2650: "ir,humidity,barometer,optical,movement,keys,battery",
  cc2541: "ir,humidity,barometer,movement,keys",
};

function near(field: string, actual: unknown, expected: number, tolerance: number) {
  assert.equal(typeof actual, "number", `${field} is ${actual}`);
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance,
    `${field}: read ${actual}, the tag measures ${expected} (±${tolerance})`,
  );
}

function assertMatchesTruth(record: Record<string, unknown>, tag: EmulatedTag) {
  const t = tag.truth;
  const cc2541 = tag.model === "cc2541";
  assert.equal(record.model, tag.model);
  near("ambient", record.ambient, t.ambient, 0.05);
  near("objecttemp", record.objecttemp, t.object, cc2541 ? 0.3 : 0.05);
  near("humidity (temperature)", record.humidity, t.humidity_temp, 0.05);
  near("rh", record.rh, t.rh, 0.1);
  near("pressure", record.pressure, t.pressure, cc2541 ? 0.2 : 0.02);
  near("barotemp", record.barotemp, t.baro_temp, 0.05);
  ["x", "y", "z"].forEach((axis, i) => {
    near(`accel_${axis}`, record[`accel_${axis}`], t.accel[i], cc2541 ? 0.07 : 0.01);
    near(`gyro_${axis}`, record[`gyro_${axis}`], t.gyro[i], 0.05);
    near(`mag_${axis}`, record[`mag_${axis}`], t.mag[i], 0.2);
  });
  if (!cc2541) {
    near("lux", record.lux, t.lux!, t.lux! * 0.01);
    assert.equal(record.battery, t.battery);
  }
}

for (const model of ["cc2650", "cc2541"] as const) {
  for (const mode of ["poll", "notify"] as const) {
    Deno.test(`${mode} mode reads every ${model} sensor through the real HCI stack`, async () => {
      const emulator = await startEmulator(
        model === "cc2650" ? { cc2650: 1, cc2541: 0 } : { cc2650: 0, cc2541: 1 },
      );
      const [tag] = emulator.tags;
      const run = await startEmulatedProduce(emulator, [tag.address], [
        "--sensors",
        SENSORS[model],
        "--mode",
        mode,
        "--interval",
        "1",
      ]);
      try {
        await run.proc.waitForLine(new RegExp(`tag=${tag.address} state=streaming`), 30_000);
        // Once readings flow (keys subscribed), a key press is notified (keys notify on change
        // only) and the readings after it carry the bits.
        await run.waitForTaken(1);
        await emulator.command(`keys ${tag.address} 1`);
        // Every sensor past its first conversion (the optical one takes 800 ms).
        await run.waitForTaken(run.taken() + 4);
        const code = await run.proc.stop();
        assert.equal(code, 0, run.proc.lines.slice(-10).join("\n"));
        assert.deepEqual(run.states(tag.address, "backoff"), [], "no failed attempt");
        const records = await run.records();
        assert.ok(records.length >= 5, `${records.length} readings`);
        // Every reading, the first included: a sensor reads zeros until its first conversion,
        // and such a read is no measurement.
        for (const record of records) assertMatchesTruth(record, tag);
        for (const record of records.slice(-2)) assert.equal(record.keys, 1, "the key press");
      } finally {
        await run.proc.stop(3000).catch(() => {});
        await emulator.stop();
      }
    });
  }
}

Deno.test("at an interval shorter than the sensors' first conversion, no reading is taken from the zeros before it", async () => {
  const emulator = await startEmulator({ cc2650: 1, cc2541: 0 });
  const [tag] = emulator.tags;
  const run = await startEmulatedProduce(emulator, [tag.address], [
    "--sensors",
    "ir,humidity,barometer,optical",
    "--mode",
    "poll",
    "--interval",
    "0.1",
  ]);
  try {
    await run.proc.waitForLine(new RegExp(`tag=${tag.address} state=streaming`), 30_000);
    await run.waitForTaken(10);
    assert.equal(await run.proc.stop(), 0, run.proc.lines.slice(-10).join("\n"));
    const records = await run.records();
    assert.ok(records.length >= 10, `${records.length} readings`);
    for (const record of records) {
      const t = tag.truth;
      near("ambient", record.ambient, t.ambient, 0.05);
      near("rh", record.rh, t.rh, 0.1);
      near("pressure", record.pressure, t.pressure, 0.02);
      near("lux", record.lux, t.lux!, t.lux! * 0.01);
    }
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
