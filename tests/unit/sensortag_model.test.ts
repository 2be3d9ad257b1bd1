import assert from "node:assert/strict";
import {
  isSensorName,
  parseModel,
  parseSensorList,
  SENSOR_NAMES,
  sensorsOf,
} from "../../src/sensortag/model.ts";

Deno.test("parseSensorList accepts a comma list, trims, lower-cases and drops duplicates", () => {
  assert.deepEqual(parseSensorList("ir,humidity"), ["ir", "humidity"]);
  assert.deepEqual(parseSensorList(" IR , Barometer,ir "), ["ir", "barometer"]);
});

Deno.test("parseSensorList names the unknown sensor and lists the valid ones", () => {
  assert.throws(() => parseSensorList("ir,humdity"), (e: Error) => {
    assert.match(e.message, /unknown sensor "humdity"/);
    for (const s of SENSOR_NAMES) assert.ok(e.message.includes(s), `lists ${s}`);
    return true;
  });
});

Deno.test("parseSensorList rejects an empty list and empty entries", () => {
  assert.throws(() => parseSensorList(""), /empty sensor list/);
  assert.throws(() => parseSensorList("ir,,humidity"), /empty sensor name at position 2/);
});

Deno.test("isSensorName knows exactly the seven sensors", () => {
  assert.equal(SENSOR_NAMES.length, 7);
  assert.ok(isSensorName("movement"));
  assert.ok(!isSensorName("accelerometer"));
});

Deno.test("the CC2541 has no optical sensor and no battery service; the CC2650 has all", () => {
  assert.deepEqual(sensorsOf("cc2650"), [...SENSOR_NAMES]);
  assert.deepEqual(sensorsOf("cc2541"), ["ir", "humidity", "barometer", "movement", "keys"]);
});

Deno.test("parseModel is case-insensitive and lists valid models on error", () => {
  assert.equal(parseModel("CC2650"), "cc2650");
  assert.throws(() => parseModel("cc2640"), /unknown SensorTag model "cc2640".*cc2650, cc2541/);
});
