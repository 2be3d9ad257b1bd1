/**
 * HDC1000 (CC2650 humidity). Data: temperature LSB, MSB, humidity LSB, MSB,
 * both unsigned. TI: T = raw / 65536 * 165 - 40 °C, RH = raw / 65536 * 100 %
 * with the two low status bits of the humidity cleared. TI's sample code
 * casts the temperature to int16, which breaks above 62.5 °C; the HDC1000
 * datasheet's unsigned reading is followed.
 */
import { requireLength, uint16le } from "../bytes.ts";
import type { HumidityValues } from "../values.ts";

export function decodeHdc1000(data: Uint8Array): HumidityValues {
  requireLength("HDC1000", data, 4);
  return {
    temperature: (uint16le(data, 0) / 65536) * 165 - 40,
    humidity: ((uint16le(data, 2) & ~0x0003) / 65536) * 100,
  };
}
