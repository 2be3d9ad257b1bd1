/** `gateway scan`: SensorTags heard advertising nearby. */
import type { Model } from "../sensortag/model.ts";
import { modelFromName } from "./model_detect.ts";
import { type Noble, type Peripheral, waitForAdapter } from "./noble.ts";
import { guardHciNoble } from "./hci_guards.ts";

export interface FoundTag {
  address: string;
  model: Model;
  name: string;
  rssi: number;
}

export async function scanForTags(noble: Noble, durationMs: number): Promise<FoundTag[]> {
  guardHciNoble(noble);
  await waitForAdapter(noble);
  const found = new Map<string, FoundTag>();
  const onDiscover = (p: Peripheral) => {
    const name = p.advertisement.localName ?? "";
    const model = modelFromName(name) ??
      (p.advertisement.serviceUuids?.includes("aa80") ? "cc2650" : undefined);
    if (!model) return;
    const address = p.address.toUpperCase();
    const prev = found.get(address);
    // Keep the strongest signal heard.
    if (!prev || p.rssi > prev.rssi) found.set(address, { address, model, name, rssi: p.rssi });
  };
  noble.on("discover", onDiscover);
  await noble.startScanningAsync([], true);
  await new Promise((r) => setTimeout(r, durationMs));
  await noble.stopScanningAsync();
  noble.removeListener("discover", onDiscover);
  return [...found.values()].sort((a, b) => b.rssi - a.rssi);
}
