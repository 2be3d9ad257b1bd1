/**
 * Loading noble (`@stoprocent/noble`, whose Linux transport is a Node-API
 * addon Deno can load) — over the host's radio, or over any bindings object
 * such as the virtual SensorTags.
 */
import { adapterHint, nobleWarningRewriter } from "./adapter_state.ts";
import { addConsoleRewriter } from "../util/console_to_log.ts";
import { createRequire } from "node:module";
import type { EventEmitter } from "node:events";

const require = createRequire(import.meta.url);

export interface Characteristic extends EventEmitter {
  uuid: string;
  properties: string[];
  readAsync(): Promise<Uint8Array>;
  writeAsync(data: Uint8Array, withoutResponse: boolean): Promise<void>;
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
  // Its adapter warnings (advice for `node`), once, in the gateway's words, in a JSON log.
  addConsoleRewriterOnce();
  const { withBindings } = require("@stoprocent/noble") as { withBindings: (t: string) => Noble };
  return withBindings("default");
}

/** Waits for the adapter, or explains what to check. */
export async function waitForAdapter(noble: Noble, timeoutMs = 15_000): Promise<void> {
  try {
    await noble.waitForPoweredOnAsync(timeoutMs);
  } catch {
    const state = noble.state;
    throw new Error(`Bluetooth adapter not ready (state ${state}): ${adapterHint(state)}`);
  }
}

let rewriterAdded = false;
function addConsoleRewriterOnce(): void {
  if (!rewriterAdded) addConsoleRewriter(nobleWarningRewriter());
  rewriterAdded = true;
}
