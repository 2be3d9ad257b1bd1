/** Which SensorTag model a device is, from its advertised name or its services. */
import type { Model } from "../sensortag/model.ts";

export function modelFromName(name: string | undefined): Model | undefined {
  if (!name) return undefined;
  if (/CC2650/i.test(name)) return "cc2650";
  if (/^(TI BLE )?Sensor ?Tag$/i.test(name.trim())) return "cc2541";
  return undefined;
}

/** CC2650 has the movement service AA80; CC2541 the accelerometer service AA10. */
export function modelFromServices(uuids: readonly string[]): Model | undefined {
  const has = (short: string) => uuids.some((u) => u === short || u.startsWith(`f000${short}`));
  if (has("aa80")) return "cc2650";
  if (has("aa10")) return "cc2541";
  return undefined;
}
