/**
 * OPT3001 (CC2650 light). Data: the result register, LSB first:
 * mantissa bits 0-11, exponent bits 12-15; lux = mantissa * 0.01 * 2^exponent (TI).
 */
import { requireLength, uint16le } from "../bytes.ts";
import { exp2FloatDecode } from "../exp2_float.ts";
import type { OpticalValues } from "../values.ts";

export const OPT3001_LSB_LUX = 0.01;
/** The OPT3001's largest full-scale range uses exponent 11 (83865.6 lux). */
export const OPT3001_MAX_EXPONENT = 11;

export function decodeOpt3001(data: Uint8Array): OpticalValues {
  requireLength("OPT3001", data, 2);
  return { lux: exp2FloatDecode(uint16le(data, 0)) * OPT3001_LSB_LUX };
}
