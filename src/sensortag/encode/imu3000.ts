/** IMU-3000 data: x, y, z as int16 little-endian, 65536 / 500 LSB per °/s. */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { IMU3000_LSB_PER_DPS } from "../decode/imu3000.ts";
import type { MovementValues } from "../values.ts";

export function encodeImu3000(v: MovementValues): Uint8Array {
  if (v.gyro === undefined) throw new Error("IMU3000: values need gyro {x, y, z} (°/s)");
  const w = new ByteWriter(6);
  (["x", "y", "z"] as const).forEach((axis, i) => {
    const value = requireFinite("IMU3000", `gyro ${axis}`, v.gyro![axis]);
    w.int16(2 * i, saturate(value * IMU3000_LSB_PER_DPS, -32768, 32767));
  });
  return w.bytes;
}
