/**
 * Loading noble (`@stoprocent/noble`, whose Linux transport is a Node-API
 * addon Deno can load) — over the host's radio, or over any bindings object
 * such as the virtual SensorTags.
 */
import { adapterHint, nobleWarningRewriter } from "./adapter_state.ts";
import { addConsoleRewriter } from "../util/console_to_log.ts";
import { createRequire } from "node:module";
import { H4StreamSocket } from "./hci/h4_stream_socket.ts";
import { openHciStream } from "./hci/open_stream.ts";
import { loadLibcEarly } from "./hci/libc.ts";
import { describeHciTransport, type HciTransport } from "./hci/transport.ts";
import type { EventEmitter } from "node:events";
import type { Buffer } from "node:buffer";
import { dropFfiAfterAddonLoaded } from "../cli/permission_scope.ts";

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

/** The byte-stream socket behind a noble made for a `tcp:`/`uart:` transport. */
const streamSockets = new WeakMap<Noble, { socket: H4StreamSocket; name: string }>();

/**
 * noble over the host's Bluetooth controller: the Linux HCI socket of an adapter (`hciN`; none
 * given: the first adapter, as noble picks it), or an H4 byte stream (`tcp:`, `uart:`) feeding
 * noble's own HCI layer through {@linkcode H4StreamSocket}.
 */
export function hostNoble(
  transport?: HciTransport,
  onLink?: (up: boolean, detail?: string) => void,
): Noble {
  // Its adapter warnings (advice for `node`), once, in the gateway's words, in a JSON log.
  addConsoleRewriterOnce();
  const { withBindings } = require("@stoprocent/noble") as {
    withBindings: (t: string, options?: Record<string, unknown>) => Noble;
  };
  // uart: opens its device through the C library (tty_stream.ts): load it now, while ffi is
  // still granted; calls into a loaded library need no permission.
  if (transport?.kind === "uart") loadLibcEarly();
  // noble's HCI socket addon is loaded now (at require): nothing else is loaded through ffi.
  dropFfiAfterAddonLoaded();
  if (!transport) return withBindings("default");
  if (transport.kind === "hci") return withBindings("hci", { deviceId: transport.device });
  const name = describeHciTransport(transport);
  const socket = new H4StreamSocket({ name, open: () => openHciStream(transport), onLink });
  const HciBindings = require("@stoprocent/noble/lib/hci-socket/bindings.js");
  const bindings = new HciBindings({});
  // noble 2.8.0's HCI bindings take no socket object: `start()` builds `new Hci(options)`, whose
  // constructor makes a socket of the driver bluetooth-hci-socket picks (the native one, whose
  // constructor opens nothing), then calls `hci.init()`. The Hci is stored in `bindings._hci`
  // in between, so this setter swaps our socket in before init binds or starts anything.
  let hci: { _socket: unknown } | null = null;
  Object.defineProperty(bindings, "_hci", {
    configurable: true,
    get: () => hci,
    set: (value: { _socket: unknown } | null) => {
      if (value) value._socket = socket;
      hci = value;
    },
  });
  const noble = nobleOver(bindings);
  streamSockets.set(noble, { socket, name });
  return noble;
}

/** Waits for the adapter, or explains what to check. */
export async function waitForAdapter(noble: Noble, timeoutMs = 15_000): Promise<void> {
  const stream = streamSockets.get(noble);
  if (stream) {
    // A tcp:/uart: transport: its own failure is the cause, never a hint about BlueZ.
    const opened = stream.socket.firstOpen.then(() => new Promise<never>(() => {}));
    try {
      await Promise.race([noble.waitForPoweredOnAsync(timeoutMs), opened]);
    } catch (error) {
      const why = stream.socket.lastError ?? (error as Error).message;
      throw new Error(
        `HCI transport ${stream.name} not ready: ${
          stream.socket.lastError || stream.socket.isDevUp() ? why : (
            `no answer to HCI Reset within ${timeoutMs} ms (is it an HCI controller ` +
            `speaking H4${
              stream.name.startsWith("uart:") ? ", at the line speed set with stty" : ""
            }?)`
          )
        }`,
      );
    }
    return;
  }
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
