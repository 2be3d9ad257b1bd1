/** Battery level (2A19): one unsigned byte, percent, 0..100 (Bluetooth SIG). */
import { requireLength } from "../bytes.ts";
import type { BatteryValues } from "../values.ts";

export function decodeBattery(data: Uint8Array): BatteryValues {
  requireLength("battery", data, 1);
  const level = data[0];
  if (level > 100) {
    throw new Error(`battery: level ${level} % is out of range 0..100`);
  }
  return { level };
}
