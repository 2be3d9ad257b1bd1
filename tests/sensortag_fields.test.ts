import assert from "node:assert/strict";
import { decodeSensor } from "../src/sensortag/decode.ts";
import { ALL_FIELDS, FIELDS_OF, toFields } from "../src/sensortag/fields.ts";
import { parseHexBytes } from "../src/sensortag/hex.ts";
import { SENSOR_NAMES } from "../src/sensortag/model.ts";
import { FROM_THE_GATEWAY } from "../src/produce/schema_check.ts";

const hex = parseHexBytes;

Deno.test("every sensor field is a field of the Avro schema, and every schema reading field comes from a sensor", async () => {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../schemas/sensortag.avsc", import.meta.url)),
  ) as { fields: { name: string }[] };
  const names = schema.fields.map((f) => f.name);
  const reading = names.filter((n) => !FROM_THE_GATEWAY.has(n));
  assert.deepEqual([...ALL_FIELDS].sort(), [...reading].sort());
  assert.deepEqual(Object.keys(FIELDS_OF), [...SENSOR_NAMES]);
});

Deno.test("ir maps to ambient and objecttemp", () => {
  assert.deepEqual(toFields("cc2650", "ir", { ambient: 21, object: 25.5 }), {
    ambient: 21,
    objecttemp: 25.5,
  });
});

Deno.test("humidity maps the chip temperature to `humidity` and RH to `rh`, as the original script", () => {
  const decoded = decodeSensor("cc2650", "humidity", hex("00 64 03 80"));
  assert.deepEqual(toFields("cc2650", "humidity", decoded), { humidity: 24.453125, rh: 50 });
});

Deno.test("barometer maps to pressure and barotemp; optical to lux; battery to an integer", () => {
  assert.deepEqual(toFields("cc2650", "barometer", { temperature: 23.45, pressure: 1013.25 }), {
    pressure: 1013.25,
    barotemp: 23.45,
  });
  assert.deepEqual(toFields("cc2650", "optical", { lux: 125.96 }), { lux: 125.96 });
  assert.deepEqual(toFields("cc2650", "battery", { level: 90 }), { battery: 90 });
});

Deno.test("movement maps each present vector to its _x/_y/_z fields only", () => {
  const all = toFields("cc2650", "movement", {
    accel: { x: 1, y: 2, z: 3 },
    gyro: { x: 4, y: 5, z: 6 },
    mag: { x: 7, y: 8, z: 9 },
  });
  assert.deepEqual(Object.keys(all).sort(), [...FIELDS_OF.movement].sort());
  assert.equal(all.gyro_y, 5);
  assert.equal(all.mag_z, 9);
  const mag = decodeSensor("cc2541", "movement", hex("e8 03 18 fc 00 00"), { part: "mag3110" });
  assert.deepEqual(toFields("cc2541", "movement", mag), {
    mag_x: 30.517578125,
    mag_y: -30.517578125,
    mag_z: 0,
  });
});

Deno.test("keys maps to the raw bit mask of the model", () => {
  assert.deepEqual(toFields("cc2541", "keys", decodeSensor("cc2541", "keys", hex("03"))), {
    keys: 3,
  });
});

Deno.test("toFields refuses a sensor the model does not have", () => {
  assert.throws(() => toFields("cc2541", "optical", { lux: 1 }), /cc2541 SensorTag has no optical/);
});
