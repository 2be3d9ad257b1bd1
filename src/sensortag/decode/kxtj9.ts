/**
 * KXTJ9 (CC2541 accelerometer). Data: x, y, z as int8, 128 / range LSB per g.
 *
 * TI's user guide (firmware 1.4) runs it at ±2 g: raw / 64. Firmware 1.5
 * and later run it at ±8 g (raw / 16, which is what node-sensortag uses and
 * what bluepy picks for any firmware but 1.4): pass the range, or get it
 * from the firmware revision with `kxtj9RangeForFirmware`.
 */
import { int8, requireLength } from "../bytes.ts";
import type { MovementValues } from "../values.ts";

export const KXTJ9_RANGES = [2, 4, 8] as const;
export type Kxtj9Range = (typeof KXTJ9_RANGES)[number];
export const DEFAULT_KXTJ9_RANGE: Kxtj9Range = 2;

export function isKxtj9Range(n: number): n is Kxtj9Range {
  return (KXTJ9_RANGES as readonly number[]).includes(n);
}

export function checkKxtj9Range(n: number): Kxtj9Range {
  if (!isKxtj9Range(n)) {
    throw new Error(
      `KXTJ9: invalid accelerometer range ${n}: valid ranges are ${KXTJ9_RANGES.join(", ")} (g)`,
    );
  }
  return n;
}

/** ±2 g on firmware 1.4 and earlier, ±8 g on 1.5 and later (as bluepy observed). */
export function kxtj9RangeForFirmware(firmwareRevision: string): Kxtj9Range {
  const m = /(\d+)\.(\d+)/.exec(firmwareRevision);
  if (!m) return DEFAULT_KXTJ9_RANGE;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || (major === 1 && minor >= 5) ? 8 : 2;
}

export function kxtj9LsbPerG(range: Kxtj9Range): number {
  return 128 / range;
}

export function decodeKxtj9(data: Uint8Array, range: number = DEFAULT_KXTJ9_RANGE): MovementValues {
  requireLength("KXTJ9", data, 3);
  const lsb = kxtj9LsbPerG(checkKxtj9Range(range));
  return { accel: { x: int8(data, 0) / lsb, y: int8(data, 1) / lsb, z: int8(data, 2) / lsb } };
}
