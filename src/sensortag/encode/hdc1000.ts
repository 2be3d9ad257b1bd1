/** HDC1000 registers: 14-bit results, left-justified in 16 bits (the two low bits read 0). */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import type { HumidityValues } from "../values.ts";

export function encodeHdc1000(v: HumidityValues): Uint8Array {
  const t = requireFinite("HDC1000", "temperature", v.temperature);
  const h = requireFinite("HDC1000", "humidity", v.humidity);
  const rawT = saturate(((t + 40) / 165) * 16384, 0, 16383) << 2;
  const rawH = saturate((h / 100) * 16384, 0, 16383) << 2;
  return new ByteWriter(4).uint16(0, rawT).uint16(2, rawH).bytes;
}
