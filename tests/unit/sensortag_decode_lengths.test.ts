import assert from "node:assert/strict";
import { decodePart } from "../../src/sensortag/decode.ts";
import { DEFAULT_T5400_CALIBRATION } from "../../src/sensortag/encode/t5400.ts";
import { gattOf } from "../../src/sensortag/gatt.ts";
import { MODELS, sensorsOf } from "../../src/sensortag/model.ts";

const LABEL: Record<string, string> = {
  tmp007: "TMP007",
  tmp006: "TMP006",
  hdc1000: "HDC1000",
  sht21: "SHT21",
  bmp280: "BMP280",
  t5400: "T5400",
  opt3001: "OPT3001",
  mpu9250: "MPU9250",
  kxtj9: "KXTJ9",
  mag3110: "MAG3110",
  imu3000: "IMU3000",
  keys: "keys",
  battery: "battery",
};

Deno.test("every decoder rejects a wrong length, naming the chip, the expected and the actual length", () => {
  let checked = 0;
  for (const model of MODELS) {
    for (const sensor of sensorsOf(model)) {
      for (const g of gattOf(model, sensor)) {
        const expected = g.dataLengths.join(" or ");
        for (const n of [0, g.dataLength - 1, g.dataLength + 1, 20]) {
          if (n < 0 || g.dataLengths.includes(n)) continue;
          assert.throws(
            () =>
              decodePart(model, g.part, new Uint8Array(n), {
                calibration: DEFAULT_T5400_CALIBRATION,
              }),
            (e: Error) => {
              assert.equal(e.message, `${LABEL[g.part]}: expected ${expected} bytes, got ${n}`);
              return true;
            },
            `${model} ${g.part} with ${n} bytes`,
          );
          checked++;
        }
      }
    }
  }
  assert.ok(checked >= 40, `checked ${checked} cases`);
});

Deno.test("the BMP280 accepts its 6-byte and its early 4-byte form, nothing else", () => {
  assert.doesNotThrow(() => decodePart("cc2650", "bmp280", new Uint8Array(6)));
  assert.doesNotThrow(() => decodePart("cc2650", "bmp280", new Uint8Array(4)));
  assert.throws(
    () => decodePart("cc2650", "bmp280", new Uint8Array(5)),
    /BMP280: expected 6 or 4 bytes, got 5/,
  );
});
