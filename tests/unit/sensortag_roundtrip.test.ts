// encode → decode returns the physical value within the chip's resolution, across its range.
import assert from "node:assert/strict";
import { decodeSensor } from "../../src/sensortag/decode.ts";
import { parseT5400Calibration } from "../../src/sensortag/decode/t5400.ts";
import { encodeSensor } from "../../src/sensortag/encode.ts";
import {
  DEFAULT_T5400_CALIBRATION,
  encodeT5400Calibration,
} from "../../src/sensortag/encode/t5400.ts";
import { formatHexBytes, parseHexBytes } from "../../src/sensortag/hex.ts";
import type { Vec3 } from "../../src/sensortag/values.ts";

function within(actual: number | undefined, expected: number, tol: number, what: string) {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tol + 1e-9,
    `${what}: expected ${expected} ± ${tol}, got ${actual}`,
  );
}

function sweep(lo: number, hi: number, n = 97): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

Deno.test("TMP007 round trip from -40 to 125 °C within 1/64 °C", () => {
  for (const t of sweep(-40, 125)) {
    const v = decodeSensor(
      "cc2650",
      "ir",
      encodeSensor("cc2650", "ir", { ambient: t, object: -t / 2 }),
    );
    within(v.ambient, t, 0.015625, "ambient");
    within(v.object, -t / 2, 0.015625, "object");
  }
});

Deno.test("TMP006 round trip: die -20..60 °C, object -30..100 °C, nearest voltage code chosen", () => {
  for (const die of sweep(-20, 60, 17)) {
    for (const obj of sweep(-30, 100, 27)) {
      const bytes = encodeSensor("cc2541", "ir", { ambient: die, object: obj });
      const v = decodeSensor("cc2541", "ir", bytes);
      within(v.ambient, die, 0.015625, "die");
      // one 156.25 nV step is 0.02..0.06 K over this range
      within(v.object, obj, 0.04, `object at die ${die}`);
      const raw = new DataView(bytes.buffer).getInt16(0, true);
      for (const neighbour of [raw - 1, raw + 1]) {
        const other = Uint8Array.from(bytes);
        new DataView(other.buffer).setInt16(0, neighbour, true);
        const o = decodeSensor("cc2541", "ir", other).object;
        assert.ok(Math.abs(o - obj) >= Math.abs(v.object - obj), `code ${raw} is the nearest`);
      }
    }
  }
});

Deno.test("HDC1000 round trip within 14-bit resolution", () => {
  // the largest code, 16383 << 2, is 124.9899 °C
  for (const t of sweep(-40, 124.98)) {
    for (const h of [0, 12.5, 50, 99.99]) {
      const bytes = encodeSensor("cc2650", "humidity", { temperature: t, humidity: h });
      assert.equal(bytes[0] & 3, 0, "14-bit: low bits read 0");
      const v = decodeSensor("cc2650", "humidity", bytes);
      within(v.temperature, t, 165 / 16384 / 2, "temperature");
      within(v.humidity, h, 100 / 16384 / 2, "humidity");
    }
  }
});

Deno.test("SHT21 round trip: 14-bit temperature, 12-bit humidity with the humidity status bit", () => {
  const bytes = encodeSensor("cc2541", "humidity", { temperature: 20, humidity: 50 });
  assert.equal(bytes[0] & 3, 0, "temperature status bits");
  assert.equal(bytes[2] & 3, 2, "humidity status: bit 1 set");
  for (const t of sweep(-40, 125)) {
    for (const h of [0, 33.3, 50, 100]) {
      const v = decodeSensor(
        "cc2541",
        "humidity",
        encodeSensor("cc2541", "humidity", { temperature: t, humidity: h }),
      );
      within(v.temperature, t, 175.72 / 16384 / 2, "temperature");
      within(v.humidity, h, 125 / 4096 / 2, "humidity");
    }
  }
});

Deno.test("BMP280 encodes exactly what the firmware sends and round-trips to 0.01", () => {
  assert.equal(
    formatHexBytes(encodeSensor("cc2650", "barometer", { temperature: 23.45, pressure: 1013.25 })),
    "29 09 00 cd 8b 01",
  );
  for (const t of sweep(-40, 85)) {
    for (const p of sweep(300, 1100, 9)) {
      const v = decodeSensor(
        "cc2650",
        "barometer",
        encodeSensor("cc2650", "barometer", { temperature: t, pressure: p }),
      );
      within(v.temperature, t, 0.005, "temperature");
      within(v.pressure, p, 0.005, "pressure");
    }
  }
});

Deno.test("BMP280 early 4-byte form round-trips within its float resolution and refuses negatives", () => {
  for (const t of sweep(0, 85, 20)) {
    for (const p of sweep(300, 1100, 9)) {
      const bytes = encodeSensor("cc2650", "barometer", { temperature: t, pressure: p }, {
        earlyBarometer: true,
      });
      assert.equal(bytes.length, 4);
      const v = decodeSensor("cc2650", "barometer", bytes);
      // half a step: 2^e / 200 with a mantissa of at least 2048 once e > 0
      within(v.temperature, t, Math.max(0.005, t / 4096), "temperature");
      within(v.pressure, p, Math.max(0.005, p / 4096), "pressure");
    }
  }
  assert.throws(
    () =>
      encodeSensor("cc2650", "barometer", { temperature: -1, pressure: 1000 }, {
        earlyBarometer: true,
      }),
    /cannot carry negative values/,
  );
});

Deno.test("T5400 round trip with the default and another calibration, -40..85 °C, 300..1100 hPa", () => {
  const other = parseT5400Calibration(parseHexBytes("c8af204eb0b3b88850fb24faecff2c01"));
  const cases = [
    { calibration: DEFAULT_T5400_CALIBRATION, tLo: -40, tHi: 85 },
    { calibration: other, tLo: -40, tHi: 85 },
  ];
  for (const { calibration, tLo, tHi } of cases) {
    for (const t of sweep(tLo, tHi, 26)) {
      for (const p of sweep(300, 1100, 9)) {
        const bytes = encodeSensor("cc2541", "barometer", { temperature: t, pressure: p }, {
          calibration,
        });
        const v = decodeSensor("cc2541", "barometer", bytes, { calibration });
        within(v.temperature, t, 0.01, `temperature (c1=${calibration.c1})`);
        within(v.pressure, p, 0.02, `pressure at ${t} °C (c1=${calibration.c1})`);
      }
    }
  }
});

Deno.test("T5400 calibration bytes round-trip and invalid coefficients are rejected", () => {
  const h = "c8af204eb0b3b88850fb24faecff2c01";
  assert.equal(
    formatHexBytes(encodeT5400Calibration(parseT5400Calibration(parseHexBytes(h)))).replaceAll(
      " ",
      "",
    ),
    h,
  );
  assert.throws(
    () => encodeT5400Calibration({ ...DEFAULT_T5400_CALIBRATION, c5: 40000 }),
    /c5 must be an integer in -32768..32767, got 40000/,
  );
});

Deno.test("OPT3001 round trip from 0 to 83 klux within half a step of the range chosen", () => {
  for (const lux of [0, 0.01, 1, 40.95, 41, 100, 555.5, 1234.56, 10_000, 83_000]) {
    const bytes = encodeSensor("cc2650", "optical", { lux });
    const v = decodeSensor("cc2650", "optical", bytes);
    const exponent = bytes[1] >> 4;
    within(v.lux, lux, 0.005 * 2 ** exponent, `lux ${lux}`);
    if (exponent > 0) {
      assert.ok((bytes[0] | ((bytes[1] & 0xf) << 8)) >= 2048, "finest range chosen");
    }
  }
});

function vec(x: number): Vec3 {
  return { x, y: -x / 2, z: x / 3 };
}

function withinVec(actual: Vec3 | undefined, expected: Vec3, tol: number, what: string) {
  assert.ok(actual, `${what} present`);
  within(actual.x, expected.x, tol, `${what}.x`);
  within(actual.y, expected.y, tol, `${what}.y`);
  within(actual.z, expected.z, tol, `${what}.z`);
}

Deno.test("MPU9250 round trip at every accelerometer range, with gyro and magnetometer", () => {
  for (const range of [2, 4, 8, 16]) {
    for (const a of sweep(-range * 0.99, range * 0.99, 21)) {
      const values = { accel: vec(a), gyro: vec(a * 12), mag: vec(a * 200) };
      const bytes = encodeSensor("cc2650", "movement", values, { accelRange: range });
      const v = decodeSensor("cc2650", "movement", bytes, { accelRange: range });
      withinVec(v.accel, values.accel, range / 32768 / 2, `accel ±${range} g`);
      withinVec(v.gyro, values.gyro, 500 / 65536 / 2, "gyro");
      withinVec(v.mag, values.mag, 4912 / 32760 / 2, "mag");
    }
  }
});

Deno.test("accelerometers saturate at full scale like the chip", () => {
  const v = decodeSensor(
    "cc2650",
    "movement",
    encodeSensor("cc2650", "movement", { accel: { x: 3, y: -3, z: 0 } }, { accelRange: 2 }),
    { accelRange: 2 },
  );
  within(v.accel?.x, 32767 / 16384, 0, "x at +full scale");
  within(v.accel?.y, -32767 / 16384, 0, "y at -full scale");
  const k = decodeSensor(
    "cc2541",
    "movement",
    encodeSensor("cc2541", "movement", { accel: { x: 5, y: -5, z: 0 } }),
  );
  assert.deepEqual(k.accel, { x: 127 / 64, y: -2, z: 0 });
});

Deno.test("CC2541 movement chips round-trip: KXTJ9 (±2 and ±8 g), MAG3110, IMU3000", () => {
  for (const range of [2, 8]) {
    for (const a of sweep(-range * 0.98, range * 0.98, 21)) {
      const bytes = encodeSensor("cc2541", "movement", { accel: vec(a) }, { accelRange: range });
      assert.equal(bytes.length, 3);
      withinVec(
        decodeSensor("cc2541", "movement", bytes, { accelRange: range }).accel,
        vec(a),
        range / 256,
        "accel",
      );
    }
  }
  for (const m of sweep(-999, 999, 21)) {
    const bytes = encodeSensor("cc2541", "movement", { mag: vec(m) });
    withinVec(
      decodeSensor("cc2541", "movement", bytes, { part: "mag3110" }).mag,
      vec(m),
      2000 / 65536 / 2,
      "mag",
    );
  }
  for (const g of sweep(-249, 249, 21)) {
    const bytes = encodeSensor("cc2541", "movement", { gyro: vec(g) });
    withinVec(
      decodeSensor("cc2541", "movement", bytes, { part: "imu3000" }).gyro,
      vec(g),
      500 / 65536 / 2,
      "gyro",
    );
  }
  assert.throws(
    () => encodeSensor("cc2541", "movement", { accel: vec(1), gyro: vec(1) }),
    /give opts.part or exactly one of accel, mag, gyro/,
  );
});

Deno.test("keys and battery round-trip exactly", () => {
  for (const model of ["cc2650", "cc2541"] as const) {
    for (let bits = 0; bits < 8; bits++) {
      const decoded = decodeSensor(model, "keys", Uint8Array.of(bits));
      const { bits: _b, ...state } = decoded;
      assert.deepEqual([...encodeSensor(model, "keys", state)], [bits], `${model} ${bits}`);
    }
  }
  assert.throws(
    () => encodeSensor("cc2541", "keys", { reedRelay: true }),
    /cc2541 has no reed relay/,
  );
  for (let level = 0; level <= 100; level++) {
    assert.equal(
      decodeSensor("cc2650", "battery", encodeSensor("cc2650", "battery", { level })).level,
      level,
    );
  }
});

Deno.test("encoders reject values that are not finite numbers, naming chip and quantity", () => {
  assert.throws(
    () => encodeSensor("cc2650", "ir", { ambient: NaN, object: 1 }),
    /TMP007: ambient temperature must be a finite number, got NaN/,
  );
  assert.throws(
    () => encodeSensor("cc2650", "movement", { gyro: { x: 1, y: Infinity, z: 0 } }),
    /MPU9250: gyro y must be a finite number/,
  );
});
