/**
 * T5400 raw readings from temperature and pressure, for a given calibration:
 * the raw codes whose TI-formula conversion comes closest, as the real chip's
 * ADC codes would. Also the 16-byte calibration value and a default set.
 */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import {
  checkT5400Calibration,
  type T5400Calibration,
  t5400PressurePa,
  t5400Temperature,
} from "../decode/t5400.ts";
import type { BarometerValues } from "../values.ts";

/**
 * Synthetic but plausible coefficients: raw temperature covers about
 * -42..87 °C and raw pressure about 250..1210 hPa, with small second-order
 * terms, like a real part's.
 */
export const DEFAULT_T5400_CALIBRATION: Readonly<T5400Calibration> = Object.freeze({
  c1: 33000,
  c2: 23040,
  c3: 24000,
  c4: 1500,
  c5: -200,
  c6: 25000,
  c7: 1000,
  c8: 500,
});

/** The 16 bytes the calibration characteristic returns for `cal`. */
export function encodeT5400Calibration(cal: T5400Calibration): Uint8Array {
  checkT5400Calibration(cal);
  return new ByteWriter(16)
    .uint16(0, cal.c1)
    .uint16(2, cal.c2)
    .uint16(4, cal.c3)
    .uint16(6, cal.c4)
    .int16(8, cal.c5)
    .int16(10, cal.c6)
    .int16(12, cal.c7)
    .int16(14, cal.c8).bytes;
}

/** Among integer codes in [lo, hi] around `guess`, the one whose conversion is closest to `target`. */
function closest(
  guess: number,
  lo: number,
  hi: number,
  f: (raw: number) => number,
  target: number,
) {
  let best = saturate(guess, lo, hi);
  let bestErr = Math.abs(f(best) - target);
  for (let raw = Math.max(lo, best - 3); raw <= Math.min(hi, best + 3); raw++) {
    const err = Math.abs(f(raw) - target);
    if (err < bestErr) [best, bestErr] = [raw, err];
  }
  return best;
}

export function encodeT5400(
  v: BarometerValues,
  cal: T5400Calibration = DEFAULT_T5400_CALIBRATION,
): Uint8Array {
  checkT5400Calibration(cal);
  const t = requireFinite("T5400", "temperature", v.temperature);
  const pa = requireFinite("T5400", "pressure", v.pressure) * 100;
  const trGuess = ((t - cal.c2 / 1024) * 2 ** 24) / cal.c1;
  const tr = closest(trGuess, -32768, 32767, (raw) => t5400Temperature(cal, raw), t);
  // Pressure is linear in the raw code for a fixed raw temperature.
  const p0 = t5400PressurePa(cal, tr, 0);
  const slope = t5400PressurePa(cal, tr, 16384) - p0;
  const prGuess = slope === 0 ? 0 : ((pa - p0) * 16384) / slope;
  const pr = closest(prGuess, 0, 65535, (raw) => t5400PressurePa(cal, tr, raw), pa);
  return new ByteWriter(4).int16(0, tr).uint16(2, pr).bytes;
}
