import assert from "node:assert/strict";
import { decodeHexCommand, formatHexBytes, parseHexBytes } from "../../src/sensortag/hex.ts";

const A00B3C0F = [0xa0, 0x0b, 0x3c, 0x0f];

Deno.test("hex bytes parse in every form a user types", () => {
  for (
    const s of [
      "a0 0b 3c 0f",
      "a00b3c0f",
      "a0:0b:3c:0f",
      "0xa0 0x0b 0x3c 0x0f",
      "A0-0B-3C-0F",
      "a0,0b, 3c ,0f",
      "  a0\t0b\n3c 0f  ",
      "0xA00B3C0F",
      "a0 b 3c f",
    ]
  ) {
    assert.deepEqual([...parseHexBytes(s)], A00B3C0F, JSON.stringify(s));
  }
});

Deno.test("a bad hex digit is reported with its column and token", () => {
  assert.throws(
    () => parseHexBytes("a0 0g 3c"),
    /"g" at column 5 \(token 2 "0g" at column 4\) is not a hex digit/,
  );
  assert.throws(() => parseHexBytes("0xzz"), /"z" at column 3/);
});

Deno.test("odd digit counts, bare 0x and empty input are rejected", () => {
  assert.throws(
    () => parseHexBytes("a00b3"),
    /token 1 "a00b3" at column 1 has an odd number of digits \(5\)/,
  );
  assert.throws(() => parseHexBytes("a0 0x"), /token 2 "0x" at column 4 has no digits after 0x/);
  assert.throws(() => parseHexBytes("  :: "), /none given/);
});

Deno.test("formatHexBytes writes lower-case space-separated pairs", () => {
  assert.equal(formatHexBytes(Uint8Array.of(0xa0, 0x0b, 0x3c, 0x0f)), "a0 0b 3c 0f");
});

Deno.test("decodeHexCommand returns model, sensor, chip, bytes, decoded values and fields", () => {
  const out = decodeHexCommand({ model: "CC2650", sensor: "ir", hex: "c0:0c:80:0a" });
  assert.deepEqual(out, {
    model: "cc2650",
    sensor: "ir",
    part: "tmp007",
    bytes: "c0 0c 80 0a",
    length: 4,
    decoded: { object: 25.5, ambient: 21 },
    fields: { ambient: 21, objecttemp: 25.5 },
  });
  assert.deepEqual(JSON.parse(JSON.stringify(out)), out, "JSON-able");
});

Deno.test("decodeHexCommand applies the accelerometer range and the T5400 calibration", () => {
  const mov = decodeHexCommand({
    model: "cc2650",
    sensor: "movement",
    hex: "000000000000 0010 0000 0000 000000000000",
    accelRange: "16",
  });
  assert.equal(mov.fields.accel_x, 2);
  const baro = decodeHexCommand({
    model: "cc2541",
    sensor: "barometer",
    hex: "b0 04 58 98",
    calibration: "c8af204eb0b3b88850fb24faecff2c01",
  });
  assert.deepEqual(baro.fields, { pressure: 1087.56, barotemp: 22.74 });
  const gyro = decodeHexCommand({
    model: "cc2541",
    sensor: "movement",
    hex: "18fc00010000",
    part: "imu3000",
  });
  assert.equal(gyro.part, "imu3000");
  assert.equal(gyro.fields.gyro_y, 1.953125);
});

Deno.test("decodeHexCommand errors name the bad model, sensor, length or range", () => {
  assert.throws(
    () => decodeHexCommand({ model: "cc26", sensor: "ir", hex: "00" }),
    /unknown SensorTag model "cc26"/,
  );
  assert.throws(
    () => decodeHexCommand({ model: "cc2650", sensor: "temp", hex: "00" }),
    /unknown sensor "temp": valid sensors are ir, humidity/,
  );
  assert.throws(
    () => decodeHexCommand({ model: "cc2650", sensor: "ir", hex: "00 01 02" }),
    /TMP007: expected 4 bytes, got 3/,
  );
  assert.throws(
    () =>
      decodeHexCommand({
        model: "cc2650",
        sensor: "movement",
        hex: "00".repeat(18),
        accelRange: "5",
      }),
    /invalid accelerometer range/,
  );
  assert.throws(
    () => decodeHexCommand({ model: "cc2541", sensor: "optical", hex: "00 00" }),
    /no optical sensor/,
  );
});
