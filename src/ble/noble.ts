/**
 * Loading noble (`@stoprocent/noble`, whose Linux transport is a Node-API
 * addon Deno can load) — over the host's radio, or over any bindings object
 * such as the virtual SensorTags.
 */
import { createRequire } from "node:module";
import type { EventEmitter } from "node:events";
import type { Buffer } from "node:buffer";

const require = createRequire(import.meta.url);

export interface Characteristic extends EventEmitter {
  uuid: string;
  properties: string[];
  readAsync(): Promise<Uint8Array>;
  /**
   * A `Buffer`, never a bare `Uint8Array`: noble's HCI `gatt.js` copies the bytes with
   * `data.readUInt8(i)`, so any other type throws `data.readUInt8 is not a function`.
   */
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
  unsubscribeAsync(): Promise<void>;
}

export interface Service {
  uuid: string;
  characteristics: Characteristic[];
}

export interface Peripheral extends EventEmitter {
  id: string;
  address: string;
  rssi: number;
  state: string;
  advertisement: { localName?: string; serviceUuids?: string[]; manufacturerData?: Uint8Array };
  connectAsync(): Promise<void>;
  updateRssiAsync(): Promise<number>;
  cancelConnect(): void;
  disconnectAsync(): Promise<void>;
  discoverAllServicesAndCharacteristicsAsync(): Promise<
    { services: Service[]; characteristics: Characteristic[] }
  >;
}

export interface Noble extends EventEmitter {
  state: string;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  waitForPoweredOnAsync(timeoutMs?: number): Promise<void>;
  stop(): void;
}

/** A real `Noble` over the given bindings (the seam the virtual SensorTags plug into). */
export function nobleOver(bindings: EventEmitter): Noble {
  const NobleClass = require("@stoprocent/noble/lib/noble.js");
  return new NobleClass(bindings) as Noble;
}

/** noble over the host's Bluetooth adapter (HCI socket on Linux). */
export function hostNoble(): Noble {
  const { withBindings } = require("@stoprocent/noble") as { withBindings: (t: string) => Noble };
  return withBindings("default");
}

/** Waits for the adapter, or explains what to check. */
export async function waitForAdapter(noble: Noble, timeoutMs = 15_000): Promise<void> {
  try {
    await noble.waitForPoweredOnAsync(timeoutMs);
  } catch {
    const state = noble.state;
    const hint: Record<string, string> = {
      unsupported:
        "no usable Bluetooth LE adapter: check `hciconfig`/`bluetoothctl list`, that BlueZ sees it, " +
        "and that the adapter supports Bluetooth 4.0 (LE)",
      unauthorized: "no permission to use the adapter: run as root or grant the binary " +
        "`sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which gateway))`",
      poweredOff:
        "the adapter is powered off: `bluetoothctl power on` (or `rfkill unblock bluetooth`)",
      resetting: "the adapter is resetting: try again in a moment",
    };
    throw new Error(
      `Bluetooth adapter not ready (state ${state}): ${
        hint[state] ?? "check the adapter and BlueZ"
      }`,
    );
  }
}
