import assert from "node:assert/strict";
import {
  clampPeriodMs,
  gattOf,
  gattOfPart,
  movementConfig,
  movementConfigWord,
  normalizeUuid,
  parseAccelRange,
  parseMovementConfig,
  periodBytes,
  SENSOR_GATT,
  shortUuid,
  uuid16To128,
  uuidEquals,
} from "../../src/sensortag/gatt.ts";
import { MODELS, sensorsOf } from "../../src/sensortag/model.ts";

Deno.test("UUID helpers expand SIG and compare short with long forms", () => {
  assert.equal(uuid16To128("180F"), "0000180f00001000800000805f9b34fb");
  assert.equal(
    normalizeUuid("F000AA01-0451-4000-B000-000000000000"),
    "f000aa0104514000b000000000000000",
  );
  assert.ok(uuidEquals("2a19", "00002A19-0000-1000-8000-00805F9B34FB"));
  assert.equal(shortUuid("0000ffe100001000800000805f9b34fb"), "ffe1");
  assert.throws(() => uuid16To128("18f"), /not a 16-bit UUID/);
  assert.throws(() => normalizeUuid("xyz"), /not a UUID/);
});

Deno.test("TI sensor services follow the F000xxxx-0451-4000-B000 base with data/config/period at +1/+2/+3", () => {
  const ir = gattOf("cc2650", "ir")[0];
  assert.equal(ir.service, "f000aa0004514000b000000000000000");
  assert.equal(ir.data, "f000aa0104514000b000000000000000");
  assert.equal(ir.config, "f000aa0204514000b000000000000000");
  assert.equal(ir.period, "f000aa0304514000b000000000000000");
  const mov = gattOf("cc2650", "movement")[0];
  assert.equal(mov.data, "f000aa8104514000b000000000000000");
  assert.equal(gattOf("cc2650", "optical")[0].service, "f000aa7004514000b000000000000000");
  assert.equal(gattOf("cc2650", "humidity")[0].service, "f000aa2004514000b000000000000000");
});

Deno.test("barometer period is AA44 on both models and the CC2541 calibrates via 0x02 then AA43", () => {
  assert.equal(gattOf("cc2650", "barometer")[0].period, "f000aa4404514000b000000000000000");
  const t5400 = gattOf("cc2541", "barometer")[0];
  assert.equal(t5400.period, "f000aa4404514000b000000000000000");
  assert.equal(t5400.calibration, "f000aa4304514000b000000000000000");
  assert.deepEqual([...t5400.calibrate!], [0x02]);
  assert.equal(t5400.calibrationLength, 16);
});

Deno.test("CC2541 movement is accelerometer AA10, magnetometer AA30 and gyroscope AA50 (axis mask 0x07)", () => {
  const parts = gattOf("cc2541", "movement");
  assert.deepEqual(parts.map((p) => [p.part, p.service.slice(4, 8), p.dataLength]), [
    ["kxtj9", "aa10", 3],
    ["mag3110", "aa30", 6],
    ["imu3000", "aa50", 6],
  ]);
  assert.deepEqual([...gattOfPart("cc2541", "imu3000").enable!], [0x07]);
  assert.throws(() => gattOfPart("cc2541", "opt3001"), /no opt3001 chip/);
});

Deno.test("keys FFE0/FFE1 and battery 180F/2A19 are SIG UUIDs without configuration", () => {
  const keys = gattOf("cc2541", "keys")[0];
  assert.equal(keys.service, "0000ffe000001000800000805f9b34fb");
  assert.equal(keys.data, "0000ffe100001000800000805f9b34fb");
  assert.equal(keys.config, undefined);
  const bat = gattOf("cc2650", "battery")[0];
  assert.equal(bat.data, "00002a1900001000800000805f9b34fb");
  assert.throws(() => gattOf("cc2541", "battery"), /cc2541 SensorTag has no battery sensor/);
  assert.throws(() => gattOf("cc2541", "optical"), /no optical sensor: it has ir, humidity/);
});

Deno.test("every sensor of every model has a GATT entry whose data length is among its accepted lengths", () => {
  for (const model of MODELS) {
    assert.deepEqual(Object.keys(SENSOR_GATT[model]).sort(), [...sensorsOf(model)].sort());
    for (const s of sensorsOf(model)) {
      for (const g of gattOf(model, s)) {
        assert.equal(g.dataLengths[0], g.dataLength, `${model} ${g.part}`);
        assert.equal(g.enable === undefined, g.config === undefined, `${model} ${g.part}`);
      }
    }
  }
});

Deno.test("movement configuration: axes in bits 0-5, mag bit 6, wake-on-motion bit 7, range in bits 8-9", () => {
  assert.equal(movementConfigWord({ accelRange: 2 }), 0x007f);
  assert.equal(movementConfigWord({ accelRange: 4 }), 0x017f);
  assert.equal(movementConfigWord({ accelRange: 8 }), 0x027f);
  assert.equal(movementConfigWord({ accelRange: 16 }), 0x037f);
  assert.equal(movementConfigWord({ accelRange: 2, gyro: false, mag: false }), 0x0038);
  assert.equal(movementConfigWord({ accelRange: 4, accel: false, mag: false }), 0x0107);
  assert.equal(movementConfigWord({ accelRange: 2, wakeOnMotion: true }), 0x00ff);
  assert.deepEqual([...movementConfig({ accelRange: 16 })], [0x7f, 0x03]);
  assert.deepEqual([...gattOf("cc2650", "movement")[0].enable!], [0x7f, 0x02]);
  assert.throws(() => movementConfigWord({ accelRange: 3 as 2 }), /invalid accelerometer range 3/);
});

Deno.test("a movement configuration reads back into the options that built it", () => {
  const opts = { accelRange: 4 as const, gyro: false, accel: true, mag: true, wakeOnMotion: true };
  assert.deepEqual(parseMovementConfig(movementConfig(opts)), opts);
  assert.throws(() => parseMovementConfig(Uint8Array.of(1)), /expected 2 bytes, got 1/);
});

Deno.test("parseAccelRange accepts 2/4/8/16 with an optional g", () => {
  assert.equal(parseAccelRange("16g"), 16);
  assert.equal(parseAccelRange(4), 4);
  assert.throws(() => parseAccelRange("3"), /invalid accelerometer range "3".*2, 4, 8, 16/);
});

Deno.test("periods are clamped to each sensor's limits and written in 10 ms units", () => {
  const ir = gattOf("cc2650", "ir")[0];
  assert.equal(clampPeriodMs(ir, 100), 300);
  assert.equal(clampPeriodMs(ir, 1004), 1000);
  assert.equal(clampPeriodMs(ir, 60_000), 2550);
  assert.deepEqual([...periodBytes(ir, 1000)], [100]);
  assert.deepEqual([...periodBytes(gattOf("cc2650", "movement")[0], 100)], [10]);
  assert.throws(() => clampPeriodMs(ir, NaN), /period must be a number/);
});
