/**
 * MPU-9250 (CC2650 movement). Data: 9 int16 little-endian values:
 * gyro x, y, z; accelerometer x, y, z; magnetometer x, y, z.
 *
 * - Gyroscope: ±250 °/s, raw / (65536 / 500) (TI).
 * - Accelerometer: raw / (32768 / range), range being the one configured in
 *   bits 8-9 of the configuration (TI). bluepy configures 4 g but scales by
 *   8 / 32768 and node-sensortag assumes 2 g; the configured range is used.
 * - Magnetometer (AK8963 in 16-bit mode, which TI's firmware selects):
 *   4912 µT per 32760 LSB (0.15 µT/LSB) per the MPU-9250 register map, as
 *   bluepy and node-sensortag do. TI's wiki sample returns the raw value as
 *   µT while stating the range as ±4900 µT, which only the datasheet scale
 *   gives, so the datasheet scale is used.
 */
import { int16le, requireLength } from "../bytes.ts";
import { type AccelRange, DEFAULT_ACCEL_RANGE, parseAccelRange } from "../gatt.ts";
import type { MovementValues, Vec3 } from "../values.ts";

export const MPU9250_GYRO_LSB_PER_DPS = 65536 / 500;
export const MPU9250_MAG_UT_PER_LSB = 4912 / 32760;
export const MPU9250_MAG_MAX_LSB = 32760;

export function mpu9250AccelLsbPerG(range: AccelRange): number {
  return 32768 / range;
}

export interface Mpu9250DecodeOptions {
  accelRange?: AccelRange;
  /** Which parts were enabled; disabled parts are left out. Default: all. */
  gyro?: boolean;
  accel?: boolean;
  mag?: boolean;
}

function vec(data: Uint8Array, at: number, scale: number): Vec3 {
  return {
    x: int16le(data, at) * scale,
    y: int16le(data, at + 2) * scale,
    z: int16le(data, at + 4) * scale,
  };
}

export function decodeMpu9250(data: Uint8Array, opts: Mpu9250DecodeOptions = {}): MovementValues {
  requireLength("MPU9250", data, 18);
  const range = parseAccelRange(opts.accelRange ?? DEFAULT_ACCEL_RANGE);
  const out: MovementValues = {};
  if (opts.gyro ?? true) out.gyro = vec(data, 0, 1 / MPU9250_GYRO_LSB_PER_DPS);
  if (opts.accel ?? true) out.accel = vec(data, 6, 1 / mpu9250AccelLsbPerG(range));
  if (opts.mag ?? true) out.mag = vec(data, 12, MPU9250_MAG_UT_PER_LSB);
  return out;
}
