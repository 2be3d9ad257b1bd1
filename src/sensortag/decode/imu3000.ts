/**
 * IMU-3000 (CC2541 gyroscope). Data: x, y, z as int16 little-endian;
 * TI: raw / (65536 / 500) °/s, axes as the chip reports them.
 * (node-sensortag negates x and TI's Android app swaps x and y to match its
 * on-screen drawing; those are display conventions, not applied here.)
 */
import { int16le, requireLength } from "../bytes.ts";
import type { MovementValues } from "../values.ts";

export const IMU3000_LSB_PER_DPS = 65536 / 500;

export function decodeImu3000(data: Uint8Array): MovementValues {
  requireLength("IMU3000", data, 6);
  return {
    gyro: {
      x: int16le(data, 0) / IMU3000_LSB_PER_DPS,
      y: int16le(data, 2) / IMU3000_LSB_PER_DPS,
      z: int16le(data, 4) / IMU3000_LSB_PER_DPS,
    },
  };
}
