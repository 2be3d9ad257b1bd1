/**
 * TMP007 (CC2650 IR thermometer). Data: object LSB, MSB, ambient LSB, MSB.
 * TI's user guide: each register >> 2, times 0.03125 °C. The registers are
 * 14-bit two's complement, left-justified (TMP007 datasheet), so they are
 * read as int16 and shifted arithmetically: TI's sample code reads them as
 * uint16, which breaks below 0 °C. Bit 0 of the object register is the
 * "data invalid" flag and bit 1 is unused: the shift drops both.
 * (node-sensortag divides the int16 by 128, which keeps those two bits as a
 * fraction; TI's >> 2 is followed here.)
 */
import { int16le, requireLength } from "../bytes.ts";
import type { IrValues } from "../values.ts";

export const TMP007_LSB_C = 0.03125;

export function decodeTmp007(data: Uint8Array): IrValues {
  requireLength("TMP007", data, 4);
  return {
    object: (int16le(data, 0) >> 2) * TMP007_LSB_C,
    ambient: (int16le(data, 2) >> 2) * TMP007_LSB_C,
  };
}
