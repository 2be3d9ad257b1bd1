/** OPT3001 result register in automatic full-scale mode: the finest range that holds the value. */
import { ByteWriter, requireFinite } from "../bytes.ts";
import { OPT3001_LSB_LUX, OPT3001_MAX_EXPONENT } from "../decode/opt3001.ts";
import { exp2FloatEncode } from "../exp2_float.ts";
import type { OpticalValues } from "../values.ts";

export function encodeOpt3001(v: OpticalValues): Uint8Array {
  const lux = requireFinite("OPT3001", "lux", v.lux);
  return new ByteWriter(2).uint16(0, exp2FloatEncode(lux / OPT3001_LSB_LUX, OPT3001_MAX_EXPONENT))
    .bytes;
}
