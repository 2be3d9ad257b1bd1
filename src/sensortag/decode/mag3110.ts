/**
 * MAG3110 (CC2541 magnetometer). Data: x, y, z as int16 little-endian;
 * TI: raw / (65536 / 2000) µT (bluepy and node-sensortag agree).
 */
import { int16le, requireLength } from "../bytes.ts";
import type { MovementValues } from "../values.ts";

export const MAG3110_LSB_PER_UT = 65536 / 2000;

export function decodeMag3110(data: Uint8Array): MovementValues {
  requireLength("MAG3110", data, 6);
  return {
    mag: {
      x: int16le(data, 0) / MAG3110_LSB_PER_UT,
      y: int16le(data, 2) / MAG3110_LSB_PER_UT,
      z: int16le(data, 4) / MAG3110_LSB_PER_UT,
    },
  };
}
