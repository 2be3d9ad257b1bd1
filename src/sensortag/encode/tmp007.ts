/** TMP007 registers from temperatures: 14-bit two's complement, 0.03125 °C/LSB, left-justified. */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { TMP007_LSB_C } from "../decode/tmp007.ts";
import type { IrValues } from "../values.ts";

/** One 14-bit temperature register value (left-justified in 16 bits); saturates at the register's range. */
export function tmp007Register(celsius: number): number {
  return saturate(celsius / TMP007_LSB_C, -8192, 8191) << 2;
}

export function encodeTmp007(v: IrValues): Uint8Array {
  const object = tmp007Register(requireFinite("TMP007", "object temperature", v.object));
  const ambient = tmp007Register(requireFinite("TMP007", "ambient temperature", v.ambient));
  return new ByteWriter(4).int16(0, object).int16(2, ambient).bytes;
}
