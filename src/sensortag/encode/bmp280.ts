/**
 * BMP280 data as the CC2650 firmware sends it: 6 bytes, temperature
 * (signed 24-bit, 0.01 °C) then pressure (24-bit, Pa), or the early
 * firmware's 4 bytes of 16-bit exp2 floats (`early: true`).
 */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { exp2FloatEncode } from "../exp2_float.ts";
import type { BarometerValues } from "../values.ts";

export function encodeBmp280(v: BarometerValues, opts: { early?: boolean } = {}): Uint8Array {
  const t = requireFinite("BMP280", "temperature", v.temperature);
  const p = requireFinite("BMP280", "pressure", v.pressure);
  if (opts.early) {
    if (t < 0 || p < 0) {
      throw new Error(
        `BMP280: the early-firmware 4-byte format cannot carry negative values (temperature ${t} °C, pressure ${p} hPa)`,
      );
    }
    return new ByteWriter(4)
      .uint16(0, exp2FloatEncode(t * 100))
      .uint16(2, exp2FloatEncode(p * 100)).bytes;
  }
  return new ByteWriter(6)
    .int24(0, saturate(t * 100, -0x800000, 0x7fffff))
    .int24(3, saturate(p * 100, 0, 0x7fffff)).bytes;
}
