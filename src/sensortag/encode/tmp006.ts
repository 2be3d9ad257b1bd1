/**
 * TMP006 registers from temperatures: the ambient (die) register is 14-bit,
 * 0.03125 °C/LSB, left-justified; the sensor voltage is what a thermopile at
 * that die temperature produces for the object temperature, by inverting
 * TI's formula, quantised to 156.25 nV.
 */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { KELVIN, TMP006, tmp006ObjectTemperature, tmp006Terms } from "../decode/tmp006.ts";
import type { IrValues } from "../values.ts";

/** Sensor voltage (V) that TI's formula turns into `objectC` at die temperature `dieC`. */
export function tmp006SensorVoltage(objectC: number, dieC: number): number {
  const tDie = dieC + KELVIN;
  const { S, Vos } = tmp006Terms(tDie);
  const fObj = S * ((objectC + KELVIN) ** 4 - tDie ** 4);
  // Solve c2 x² + x - fObj = 0 for the root near x = fObj.
  const disc = 1 + 4 * TMP006.c2 * fObj;
  const x = disc > 0 ? (-1 + Math.sqrt(disc)) / (2 * TMP006.c2) : -1 / (2 * TMP006.c2);
  return x + Vos;
}

export function encodeTmp006(v: IrValues): Uint8Array {
  requireFinite("TMP006", "object temperature", v.object);
  const ambientRaw =
    saturate(requireFinite("TMP006", "ambient temperature", v.ambient) * 32, -8192, 8191) << 2;
  const die = ambientRaw / TMP006.ambientPerC;
  const guess = saturate(tmp006SensorVoltage(v.object, die) / TMP006.voltLsb, -32768, 32767);
  // The formula is not linear: pick the neighbouring code that decodes closest.
  let best = guess;
  let bestErr = Infinity;
  for (let raw = Math.max(-32768, guess - 1); raw <= Math.min(32767, guess + 1); raw++) {
    let t: number;
    try {
      t = tmp006ObjectTemperature(raw * TMP006.voltLsb, die);
    } catch {
      continue;
    }
    const err = Math.abs(t - v.object);
    if (err < bestErr) [best, bestErr] = [raw, err];
  }
  return new ByteWriter(4).int16(0, best).int16(2, ambientRaw).bytes;
}
