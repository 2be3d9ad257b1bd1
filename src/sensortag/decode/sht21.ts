/**
 * SHT21 (CC2541 humidity). Data: temperature LSB, MSB, humidity LSB, MSB,
 * unsigned. The two low bits are status bits (bit 1 = measurement type) and
 * are cleared first. TI: T = -46.85 + 175.72 * raw / 65536 °C,
 * RH = -6 + 125 * raw / 65536 %. (TI's sample code casts the temperature to
 * int16, wrong above 41 °C; the datasheet's unsigned reading is followed.)
 */
import { requireLength, uint16le } from "../bytes.ts";
import type { HumidityValues } from "../values.ts";

export const SHT21_STATUS_BITS = 0x0003;

export function decodeSht21(data: Uint8Array): HumidityValues {
  requireLength("SHT21", data, 4);
  const rawT = uint16le(data, 0) & ~SHT21_STATUS_BITS;
  const rawH = uint16le(data, 2) & ~SHT21_STATUS_BITS;
  return {
    temperature: -46.85 + (175.72 * rawT) / 65536,
    humidity: -6 + (125 * rawH) / 65536,
  };
}
