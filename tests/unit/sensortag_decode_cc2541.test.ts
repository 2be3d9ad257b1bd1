// Expected values are worked out by hand from TI's SensorTag (CC2541) User Guide formulas.
import assert from "node:assert/strict";
import { decodeSensor } from "../../src/sensortag/decode.ts";
import { parseT5400Calibration } from "../../src/sensortag/decode/t5400.ts";
import { kxtj9RangeForFirmware } from "../../src/sensortag/decode/kxtj9.ts";
import { parseHexBytes } from "../../src/sensortag/hex.ts";

const hex = parseHexBytes;
function close(actual: number | undefined, expected: number, eps = 1e-9, what = "") {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= eps,
    `${what} expected ${expected} ± ${eps}, got ${actual}`,
  );
}

Deno.test("TMP006: ambient raw/128 and TI's object formula with S0 = 6.4e-14", () => {
  // Vobj raw -200 → -31.25 µV, ambient 0x0C00 = 3072 → 24 °C; object by TI's formula = 23.63773493886771 °C
  const v = decodeSensor("cc2541", "ir", hex("38 ff 00 0c"));
  assert.equal(v.ambient, 24);
  close(v.object, 23.63773493886771, 1e-9);
  // Vobj 0, die 25 °C → object 29.243395820133173 °C (offset voltage Vos at Tdie)
  close(decodeSensor("cc2541", "ir", hex("00 00 80 0c")).object, 29.243395820133173, 1e-9);
});

Deno.test("TMP006: below 0 °C for die and object", () => {
  // ambient 0xFD80 = -640 → -5 °C; Vobj raw -300 → object -13.841336272906574 °C
  const v = decodeSensor("cc2541", "ir", hex("d4 fe 80 fd"));
  assert.equal(v.ambient, -5);
  close(v.object, -13.841336272906574, 1e-9);
  // ambient 0xF600 = -2560 → -20 °C; Vobj raw -100 → -25.973403966062506 °C
  const w = decodeSensor("cc2541", "ir", hex("9c ff 00 f6"));
  assert.equal(w.ambient, -20);
  close(w.object, -25.973403966062506, 1e-9);
});

Deno.test("SHT21: status bits cleared, -46.85 + 175.72*raw/65536 and -6 + 125*raw/65536", () => {
  // T 0x6A5F → 0x6A5C = 27228 → 26.15573974609375 °C; RH 0x7D32 → 0x7D30 = 32048 → 55.126708984375 %
  const v = decodeSensor("cc2541", "humidity", hex("5f 6a 32 7d"));
  close(v.temperature, 26.15573974609375);
  close(v.humidity, 55.126708984375);
});

Deno.test("SHT21: below 0 °C", () => {
  // 0x3A00 = 14848 → -7.038437500000001 °C
  close(decodeSensor("cc2541", "humidity", hex("00 3a 02 10")).temperature, -7.0384375);
});

const CAL_HEX = "c8af204eb0b3b88850fb24faecff2c01"; // c1..c8 = 45000 20000 46000 35000 -1200 -1500 -20 300

Deno.test("T5400: calibration bytes are c1..c4 unsigned then c5..c8 signed", () => {
  assert.deepEqual(parseT5400Calibration(hex(CAL_HEX)), {
    c1: 45000,
    c2: 20000,
    c3: 46000,
    c4: 35000,
    c5: -1200,
    c6: -1500,
    c7: -20,
    c8: 300,
  });
  assert.throws(
    () => parseT5400Calibration(hex("00 01")),
    /T5400 calibration: expected 16 bytes, got 2/,
  );
});

Deno.test("T5400: TI's integer formula gives 0.01 °C and whole-pascal steps", () => {
  const calibration = parseT5400Calibration(hex(CAL_HEX));
  // Tr 1200, Pr 39000 (0x9858)
  const v = decodeSensor("cc2541", "barometer", hex("b0 04 58 98"), { calibration });
  assert.equal(v.temperature, 22.74);
  assert.equal(v.pressure, 1087.56);
  // Tr -12000 (0xD120), Pr 36000 (0x8CA0): below 0 °C; floating point would give -12.655.. and 925.18..
  const w = decodeSensor("cc2541", "barometer", hex("20 d1 a0 8c"), { calibration });
  assert.equal(w.temperature, -12.66);
  assert.equal(w.pressure, 925.14);
});

Deno.test("T5400: decoding without calibration says how to get it", () => {
  assert.throws(
    () => decodeSensor("cc2541", "barometer", hex("b0 04 58 98")),
    /T5400: calibration coefficients are required.*0x02/,
  );
});

Deno.test("KXTJ9: int8 / 64 at ±2 g (TI), / 16 at ±8 g (firmware 1.5)", () => {
  assert.deepEqual(decodeSensor("cc2541", "movement", hex("40 c0 10")).accel, {
    x: 1,
    y: -1,
    z: 0.25,
  });
  assert.deepEqual(
    decodeSensor("cc2541", "movement", hex("40 c0 10"), { part: "kxtj9", accelRange: 8 }).accel,
    { x: 4, y: -4, z: 1 },
  );
  assert.throws(
    () => decodeSensor("cc2541", "movement", hex("40 c0 10"), { accelRange: 16 }),
    /KXTJ9: invalid accelerometer range 16/,
  );
  assert.equal(kxtj9RangeForFirmware("1.4 (Jul 12 2013)"), 2);
  assert.equal(kxtj9RangeForFirmware("1.5 (Jun 11 2014)"), 8);
});

Deno.test("MAG3110: raw * 2000/65536 µT", () => {
  // 1000, -1000, 0
  const v = decodeSensor("cc2541", "movement", hex("e8 03 18 fc 00 00"), { part: "mag3110" });
  assert.deepEqual(v, { mag: { x: 30.517578125, y: -30.517578125, z: 0 } });
});

Deno.test("IMU3000: raw * 500/65536 °/s, axes as sent", () => {
  // -1000, 256, 0
  const v = decodeSensor("cc2541", "movement", hex("18 fc 00 01 00 00"), { part: "imu3000" });
  assert.deepEqual(v, { gyro: { x: -7.62939453125, y: 1.953125, z: 0 } });
});

Deno.test("CC2541 movement needs the chip named when the length is ambiguous", () => {
  assert.throws(
    () => decodeSensor("cc2541", "movement", hex("00 00 00 00 00 00")),
    /three chips|3 chips/,
  );
  assert.throws(
    () => decodeSensor("cc2541", "movement", hex("00 00 00"), { part: "mpu9250" }),
    /no mpu9250 chip: it has kxtj9, mag3110, imu3000/,
  );
});

Deno.test("CC2541 keys: bit 0 right, bit 1 left, bit 2 side", () => {
  assert.deepEqual(decodeSensor("cc2541", "keys", hex("02")), {
    bits: 2,
    left: true,
    right: false,
    side: false,
  });
  assert.deepEqual(decodeSensor("cc2541", "keys", hex("05")), {
    bits: 5,
    left: false,
    right: true,
    side: true,
  });
});

Deno.test("sensors a model lacks are rejected", () => {
  assert.throws(
    () => decodeSensor("cc2541", "optical", hex("00 00")),
    /cc2541 SensorTag has no optical/,
  );
  assert.throws(() => decodeSensor("cc2541", "battery", hex("50")), /no battery sensor/);
});
