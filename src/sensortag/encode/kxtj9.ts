/** KXTJ9 data: x, y, z as int8 at the configured range (saturating at full scale). */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import { checkKxtj9Range, DEFAULT_KXTJ9_RANGE, kxtj9LsbPerG } from "../decode/kxtj9.ts";
import type { MovementValues } from "../values.ts";

export function encodeKxtj9(v: MovementValues, range: number = DEFAULT_KXTJ9_RANGE): Uint8Array {
  if (v.accel === undefined) throw new Error("KXTJ9: values need accel {x, y, z} (g)");
  const lsb = kxtj9LsbPerG(checkKxtj9Range(range));
  const w = new ByteWriter(3);
  (["x", "y", "z"] as const).forEach((axis, i) => {
    w.int8(i, saturate(requireFinite("KXTJ9", `accel ${axis}`, v.accel![axis]) * lsb, -128, 127));
  });
  return w.bytes;
}
