/**
 * SHT21 readings: temperature at 14-bit resolution, humidity at 12-bit (the
 * chip's default), each with its status bits: bit 1 is the measurement type
 * (0 temperature, 1 humidity), bit 0 unused.
 */
import { ByteWriter, requireFinite, saturate } from "../bytes.ts";
import type { HumidityValues } from "../values.ts";

export const SHT21_HUMIDITY_STATUS = 0x02;

export function encodeSht21(v: HumidityValues): Uint8Array {
  const t = requireFinite("SHT21", "temperature", v.temperature);
  const h = requireFinite("SHT21", "humidity", v.humidity);
  const rawT = saturate(((t + 46.85) / 175.72) * 16384, 0, 16383) << 2;
  const rawH = (saturate(((h + 6) / 125) * 4096, 0, 4095) << 4) | SHT21_HUMIDITY_STATUS;
  return new ByteWriter(4).uint16(0, rawT).uint16(2, rawH).bytes;
}
