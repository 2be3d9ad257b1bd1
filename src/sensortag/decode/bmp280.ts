/**
 * BMP280 (CC2650 barometer).
 *
 * Firmware 1.01 and later send 6 bytes: temperature (24-bit, 0.01 °C) then
 * pressure (24-bit, 0.01 hPa = Pa), least significant byte first. The
 * firmware packs the chip's signed 32-bit temperature, so the 24 bits are
 * sign-extended here (TI's sample code and bluepy read them unsigned, which
 * breaks below 0 °C).
 *
 * Early firmware (0.89) sent 4 bytes: two 16-bit exp2 floats
 * (12-bit mantissa, 4-bit exponent), temperature then pressure, both in
 * 0.01 units, as TI's app and node-sensortag decode them.
 */
import { int24le, requireLength, uint16le, uint24le } from "../bytes.ts";
import { exp2FloatDecode } from "../exp2_float.ts";
import type { BarometerValues } from "../values.ts";

export function decodeBmp280(data: Uint8Array): BarometerValues {
  requireLength("BMP280", data, 6, 4);
  if (data.length === 4) {
    return {
      temperature: exp2FloatDecode(uint16le(data, 0)) / 100,
      pressure: exp2FloatDecode(uint16le(data, 2)) / 100,
    };
  }
  return { temperature: int24le(data, 0) / 100, pressure: uint24le(data, 3) / 100 };
}
