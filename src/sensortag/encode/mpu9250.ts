/** MPU-9250 data as the CC2650 sends it: 9 int16 (gyro, accel, mag), zeros for parts not given. */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import {
  MPU9250_GYRO_LSB_PER_DPS,
  MPU9250_MAG_MAX_LSB,
  MPU9250_MAG_UT_PER_LSB,
  mpu9250AccelLsbPerG,
} from "../decode/mpu9250.ts";
import { type AccelRange, DEFAULT_ACCEL_RANGE, parseAccelRange } from "../gatt.ts";
import type { MovementValues, Vec3 } from "../values.ts";

function put(
  w: ByteWriter,
  at: number,
  what: string,
  v: Vec3 | undefined,
  lsbPerUnit: number,
  max: number,
) {
  // Registers saturate symmetrically at ±max.
  if (v === undefined) return;
  (["x", "y", "z"] as const).forEach((axis, i) => {
    const value = requireFinite("MPU9250", `${what} ${axis}`, v[axis]);
    w.int16(at + 2 * i, saturate(value * lsbPerUnit, -max, max));
  });
}

export function encodeMpu9250(
  v: MovementValues,
  opts: { accelRange?: AccelRange } = {},
): Uint8Array {
  const range = parseAccelRange(opts.accelRange ?? DEFAULT_ACCEL_RANGE);
  const w = new ByteWriter(18);
  put(w, 0, "gyro", v.gyro, MPU9250_GYRO_LSB_PER_DPS, 32767);
  put(w, 6, "accel", v.accel, mpu9250AccelLsbPerG(range), 32767);
  // AK8963 16-bit output spans -32760..32760.
  put(w, 12, "mag", v.mag, 1 / MPU9250_MAG_UT_PER_LSB, MPU9250_MAG_MAX_LSB);
  return w.bytes;
}
