/**
 * T5400 / C953A (CC2541 barometer).
 *
 * Calibration: write 0x02 to the configuration characteristic, then read
 * 16 bytes from AA43: c1..c4 unsigned, c5..c8 signed, 16-bit little-endian.
 * Data: raw temperature (int16) then raw pressure (uint16), LSB first.
 *
 * Conversion is TI's SensorTag User Guide integer arithmetic (64-bit,
 * arithmetic right shifts): temperature in 0.01 °C steps and pressure in
 * whole pascals, as TI's sample code computes them. bluepy and
 * node-sensortag use the same polynomial in floating point without the
 * truncation; TI is followed.
 */
import { int16le, requireLength, uint16le } from "../bytes.ts";
import type { BarometerValues } from "../values.ts";

export interface T5400Calibration {
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
  c6: number;
  c7: number;
  c8: number;
}

export const T5400_COEFFICIENTS = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"] as const;

/** Floor division by 2^n, i.e. C's arithmetic `>> n` on a signed 64-bit integer. */
function shr(v: number, n: number): number {
  return Math.floor(v / 2 ** n);
}

export function parseT5400Calibration(data: Uint8Array): T5400Calibration {
  requireLength("T5400 calibration", data, 16);
  return {
    c1: uint16le(data, 0),
    c2: uint16le(data, 2),
    c3: uint16le(data, 4),
    c4: uint16le(data, 6),
    c5: int16le(data, 8),
    c6: int16le(data, 10),
    c7: int16le(data, 12),
    c8: int16le(data, 14),
  };
}

/** Checks that every coefficient is an integer within its 16-bit range. */
export function checkT5400Calibration(cal: T5400Calibration): T5400Calibration {
  T5400_COEFFICIENTS.forEach((name, i) => {
    const v = cal?.[name];
    const [lo, hi] = i < 4 ? [0, 0xffff] : [-0x8000, 0x7fff];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`T5400 calibration: ${name} must be an integer in ${lo}..${hi}, got ${v}`);
    }
  });
  return cal;
}

/** Temperature, °C (0.01 °C steps), from the raw temperature. */
export function t5400Temperature(cal: T5400Calibration, tr: number): number {
  const centi = shr(cal.c1 * tr * 100, 24) + shr(cal.c2 * 100, 10);
  return centi / 100;
}

/** Pressure, whole pascals, from the raw temperature and pressure. */
export function t5400PressurePa(cal: T5400Calibration, tr: number, pr: number): number {
  const s = cal.c3 + shr(cal.c4 * tr, 17) + shr(cal.c5 * tr * tr, 34);
  const o = cal.c6 * 2 ** 14 + shr(cal.c7 * tr, 3) + shr(cal.c8 * tr * tr, 19);
  return shr(s * pr + o, 14);
}

export function decodeT5400(data: Uint8Array, cal: T5400Calibration | undefined): BarometerValues {
  requireLength("T5400", data, 4);
  if (cal === undefined) {
    throw new Error(
      "T5400: calibration coefficients are required (write 0x02 to the barometer configuration, then read the 16-byte calibration characteristic)",
    );
  }
  checkT5400Calibration(cal);
  const tr = int16le(data, 0);
  const pr = uint16le(data, 2);
  return {
    temperature: t5400Temperature(cal, tr),
    pressure: t5400PressurePa(cal, tr, pr) / 100,
  };
}
