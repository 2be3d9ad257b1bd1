/** MAG3110 data: x, y, z as int16 little-endian, 65536 / 2000 LSB per µT. */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { MAG3110_LSB_PER_UT } from "../decode/mag3110.ts";
import type { MovementValues } from "../values.ts";

export function encodeMag3110(v: MovementValues): Uint8Array {
  if (v.mag === undefined) throw new Error("MAG3110: values need mag {x, y, z} (µT)");
  const w = new ByteWriter(6);
  (["x", "y", "z"] as const).forEach((axis, i) => {
    const value = requireFinite("MAG3110", `mag ${axis}`, v.mag![axis]);
    w.int16(2 * i, saturate(value * MAG3110_LSB_PER_UT, -32768, 32767));
  });
  return w.bytes;
}
