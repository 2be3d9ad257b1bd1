/**
 * Guards around two behaviours of noble's HCI bindings (`@stoprocent/noble` 2.8.0,
 * lib/hci-socket/bindings.js and hci.js) that end the gateway instead of letting it stop or go on.
 * They are applied to a noble's bindings object at run time (node_modules stays untouched), and do
 * nothing to other bindings (the virtual SensorTags of `--simulate`).
 *
 * - SIGINT: `start()` adds `process.on('SIGINT', onSigInt)`, which calls `process.exit(1)` when it
 *   is the last Node-style SIGINT listener. The gateway listens through `Deno.addSignalListener`
 *   (src/util/signals.ts), so noble's listener is always the last and Ctrl-C exited 1 at once: no
 *   session stopped, no HCI Disconnect, no `stopped` line. The guard removes that listener once
 *   `start()` has added it, so SIGINT stops the gateway as SIGTERM does. noble's `exit` listener
 *   (which sends HCI Disconnect for the links still up) stays.
 * - HCI Read RSSI: `processCmdCompleteEvent` reads the handle and RSSI from the Command Complete
 *   without looking at its status. A controller that answers with an error status and no
 *   parameters (e.g. 0x01 Unknown HCI Command: Bumble's, some dongles') makes it throw a RangeError
 *   inside the socket's `data` event, an uncaught exception that ends the process. The guard
 *   answers such a reply as a failed RSSI read instead (`updateRssiAsync` rejects), and after
 *   0x01 remembers that the controller cannot read RSSI at all ({@linkcode rssiReadable}).
 */
import type { Buffer } from "node:buffer";
import process from "node:process";
import type { Noble } from "./noble.ts";

/** HCI Read RSSI (OGF 0x05 Status Parameters, OCF 0x0005). */
export const READ_RSSI_OPCODE = 0x0005 | (0x05 << 10);
/** HCI status "Unknown HCI Command": the controller does not implement the command. */
const UNKNOWN_HCI_COMMAND = 0x01;

interface HciLike {
  readRssi(handle: number): void;
  processCmdCompleteEvent(cmd: number, status: number, result: Buffer): void;
}

interface HciBindingsLike {
  start(): void;
  emit(event: string, ...args: unknown[]): boolean;
  onSigInt?: () => void;
  _sigIntHandler?: (...args: unknown[]) => void;
  _hci?: HciLike | null;
  _handles?: Record<string, unknown>;
}

interface GuardState {
  /** false once the controller said it does not implement Read RSSI. */
  rssiReadable: boolean;
  /** Why not, for the log. */
  rssiWhy?: string;
}

const states = new WeakMap<object, GuardState>();
const guardedHci = new WeakSet<object>();

function bindingsOf(noble: Noble): HciBindingsLike | undefined {
  const b = (noble as unknown as { _bindings?: HciBindingsLike })._bindings;
  // Only noble's HCI bindings have onSigInt; the virtual bindings and other platforms do not.
  return b && typeof b.onSigInt === "function" ? b : undefined;
}

/**
 * Applies the guards to `noble` if it runs over noble's HCI bindings: at once if they have
 * started, else as soon as they start. Idempotent.
 */
export function guardHciNoble(noble: Noble): void {
  const bindings = bindingsOf(noble);
  if (!bindings || states.has(bindings)) return;
  const state: GuardState = { rssiReadable: true };
  states.set(bindings, state);
  const apply = () => {
    if (bindings._sigIntHandler) process.removeListener("SIGINT", bindings._sigIntHandler);
    if (bindings._hci) guardReadRssi(bindings, bindings._hci, state);
  };
  const start = bindings.start;
  bindings.start = function (this: HciBindingsLike) {
    start.call(this);
    apply();
  };
  if (bindings._hci) apply(); // already started
}

/**
 * Whether asking a connected tag for its RSSI can work: false once the controller answered HCI
 * Read RSSI with Unknown HCI Command. Always true for bindings that are not noble's HCI ones.
 */
export function rssiReadable(noble: Noble): boolean {
  const bindings = bindingsOf(noble);
  return bindings ? states.get(bindings)?.rssiReadable ?? true : true;
}

/** Why {@linkcode rssiReadable} says false. */
export function rssiUnreadableWhy(noble: Noble): string | undefined {
  const bindings = bindingsOf(noble);
  return bindings ? states.get(bindings)?.rssiWhy : undefined;
}

function guardReadRssi(bindings: HciBindingsLike, hci: HciLike, state: GuardState): void {
  if (guardedHci.has(hci)) return;
  guardedHci.add(hci);
  // Read RSSI answers carry the handle only on success: match replies to requests in order (the
  // controller answers commands in the order they were sent).
  const asked: number[] = [];
  const readRssi = hci.readRssi;
  hci.readRssi = function (this: HciLike, handle: number) {
    asked.push(handle);
    readRssi.call(this, handle);
  };
  const processCmdComplete = hci.processCmdCompleteEvent;
  hci.processCmdCompleteEvent = function (
    this: HciLike,
    cmd: number,
    status: number,
    result: Buffer,
  ) {
    if (cmd !== READ_RSSI_OPCODE) return processCmdComplete.call(this, cmd, status, result);
    const handle = asked.shift();
    if (status === 0 && result.length >= 3) {
      return processCmdComplete.call(this, cmd, status, result);
    }
    const why = `the controller answered HCI Read RSSI with status 0x${
      status.toString(16).padStart(2, "0")
    }${status === 0 ? " and a short reply" : ""}`;
    if (status === UNKNOWN_HCI_COMMAND) {
      state.rssiReadable = false;
      state.rssiWhy = why;
    }
    const uuid = handle === undefined ? undefined : bindings._handles?.[handle];
    if (typeof uuid === "string") {
      // noble's rssiUpdate(uuid, rssi, error): updateRssiAsync rejects with the error. The RSSI
      // passed on is the one noble has (it stores what it gets): unknown stays unknown.
      bindings.emit("rssiUpdate", uuid, undefined, new Error(why));
    }
  };
}
