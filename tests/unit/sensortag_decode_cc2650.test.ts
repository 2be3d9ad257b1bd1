// Expected values are worked out by hand from TI's CC2650 SensorTag User's Guide formulas.
import assert from "node:assert/strict";
import { decodeSensor } from "../../src/sensortag/decode.ts";
import { parseHexBytes } from "../../src/sensortag/hex.ts";

const hex = parseHexBytes;
function close(actual: number | undefined, expected: number, eps = 1e-9, what = "") {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= eps,
    `${what} expected ${expected} ± ${eps}, got ${actual}`,
  );
}

Deno.test("TMP007: registers >> 2 times 0.03125 °C, object first", () => {
  // object 0x0CC0 = 3264 >> 2 = 816 → 25.5 °C; ambient 0x0A80 = 2688 >> 2 = 672 → 21.0 °C
  assert.deepEqual(decodeSensor("cc2650", "ir", hex("c0 0c 80 0a")), { object: 25.5, ambient: 21 });
});

Deno.test("TMP007: the two low flag bits are dropped, not read as a fraction", () => {
  // 0x0CC3: bits 1:0 set (data-invalid flag), still 816 → 25.5 °C
  assert.equal(decodeSensor("cc2650", "ir", hex("c3 0c 80 0a")).object, 25.5);
});

Deno.test("TMP007: below 0 °C the registers are two's complement", () => {
  // 0xFAE0 = -1312 >> 2 = -328 → -10.25 °C; 0xFF80 = -128 >> 2 = -32 → -1.0 °C
  assert.deepEqual(decodeSensor("cc2650", "ir", hex("e0 fa 80 ff")), {
    object: -10.25,
    ambient: -1,
  });
});

Deno.test("HDC1000: T = raw/65536*165-40, RH = raw/65536*100 with status bits cleared", () => {
  // 0x6400 = 25600 → 0.390625*165-40 = 24.453125 °C; 0x8003 → 0x8000 → 50 %
  assert.deepEqual(decodeSensor("cc2650", "humidity", hex("00 64 03 80")), {
    temperature: 24.453125,
    humidity: 50,
  });
});

Deno.test("HDC1000: below 0 °C and above 62.5 °C (unsigned raw)", () => {
  // 0x2000 = 8192 → 0.125*165-40 = -19.375 °C
  assert.equal(decodeSensor("cc2650", "humidity", hex("00 20 00 00")).temperature, -19.375);
  // 0xC000 = 49152 → 0.75*165-40 = 83.75 °C (an int16 cast would give a negative value)
  assert.equal(decodeSensor("cc2650", "humidity", hex("00 c0 00 00")).temperature, 83.75);
});

Deno.test("BMP280: 6 bytes, 24-bit temperature and pressure in hundredths", () => {
  // 0x000929 = 2345 → 23.45 °C; 0x018BCD = 101325 → 1013.25 hPa
  const v = decodeSensor("cc2650", "barometer", hex("29 09 00 cd 8b 01"));
  close(v.temperature, 23.45);
  close(v.pressure, 1013.25);
});

Deno.test("BMP280: negative temperature is sign-extended from 24 bits", () => {
  // 0xFFFB2E = -1234 → -12.34 °C
  close(decodeSensor("cc2650", "barometer", hex("2e fb ff cd 8b 01")).temperature, -12.34);
});

Deno.test("BMP280: early firmware 4-byte exp2 floats", () => {
  // temp 0x08E4: e=0, m=2276 → 22.76 °C; pressure 0x5C5E: e=5, m=3166 → 3166*32/100 = 1013.12 hPa
  const v = decodeSensor("cc2650", "barometer", hex("e4 08 5e 5c"));
  close(v.temperature, 22.76);
  close(v.pressure, 1013.12);
});

Deno.test("OPT3001: mantissa * 0.01 * 2^exponent", () => {
  // 0x2C4D: e=2, m=0xC4D=3149 → 3149*0.04 = 125.96 lux
  close(decodeSensor("cc2650", "optical", hex("4d 2c")).lux, 125.96);
  // 0xB000: e=11, m=0 → 0 lux; 0x0FFF: e=0 → 40.95 lux
  assert.equal(decodeSensor("cc2650", "optical", hex("00 b0")).lux, 0);
  close(decodeSensor("cc2650", "optical", hex("ff 0f")).lux, 40.95);
});

// gyro x=256, y=-256, z=0; accel x=4096, y=-4096, z=16384; mag x=1000, y=-1000, z=0
const MOVEMENT = hex("00 01 00 ff 00 00  00 10 00 f0 00 40  e8 03 18 fc 00 00");

Deno.test("MPU9250: gyro raw*500/65536 °/s and magnetometer raw*4912/32760 µT", () => {
  const v = decodeSensor("cc2650", "movement", MOVEMENT, { accelRange: 2 });
  assert.deepEqual(v.gyro, { x: 1.953125, y: -1.953125, z: 0 });
  close(v.mag?.x, 149.93894993894995);
  close(v.mag?.y, -149.93894993894995);
  assert.equal(v.mag?.z, 0);
});

Deno.test("MPU9250: accelerometer scales by the configured range 2/4/8/16 g", () => {
  // raw 4096 / (32768/range); raw 16384 / (32768/range)
  const expected: Record<number, [number, number]> = {
    2: [0.25, 1],
    4: [0.5, 2],
    8: [1, 4],
    16: [2, 8],
  };
  for (const [range, [x, z]] of Object.entries(expected)) {
    const a = decodeSensor("cc2650", "movement", MOVEMENT, { accelRange: Number(range) }).accel;
    assert.deepEqual(a, { x, y: -x, z }, `range ${range}`);
  }
  // default is ±8 g
  assert.equal(decodeSensor("cc2650", "movement", MOVEMENT).accel?.x, 1);
  assert.throws(
    () => decodeSensor("cc2650", "movement", MOVEMENT, { accelRange: 6 }),
    /invalid accelerometer range/,
  );
});

Deno.test("MPU9250: disabled parts are left out", () => {
  const v = decodeSensor("cc2650", "movement", MOVEMENT, { movement: { gyro: false, mag: false } });
  assert.deepEqual(Object.keys(v), ["accel"]);
});

Deno.test("CC2650 keys: bit 0 left, bit 1 right, bit 2 reed relay", () => {
  assert.deepEqual(decodeSensor("cc2650", "keys", hex("05")), {
    bits: 5,
    left: true,
    right: false,
    reedRelay: true,
  });
  assert.equal(decodeSensor("cc2650", "keys", hex("02")).right, true);
});

Deno.test("battery: one byte of percent, over 100 rejected", () => {
  assert.deepEqual(decodeSensor("cc2650", "battery", hex("5a")), { level: 90 });
  assert.throws(
    () => decodeSensor("cc2650", "battery", hex("65")),
    /battery: level 101 % is out of range 0..100/,
  );
});
