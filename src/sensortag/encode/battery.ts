/** Battery level byte: whole percent, 0..100. */
import { requireFinite, saturate } from "../bytes.ts";
import type { BatteryValues } from "../values.ts";

export function encodeBattery(v: BatteryValues): Uint8Array {
  return Uint8Array.of(saturate(requireFinite("battery", "level", v.level), 0, 100));
}
