/**
 * A controller that answers HCI Read RSSI with an error status and no parameters (Bumble's, some
 * dongles') no longer ends the process: noble's real HCI layer gets the reply bytes, the guard turns
 * them into a failed RSSI read, and the gateway stops asking that controller.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { nobleOver } from "../src/ble/noble.ts";
import { guardHciNoble, READ_RSSI_OPCODE, rssiReadable } from "../src/ble/hci_guards.ts";

const require = createRequire(import.meta.url);
const HciBindings = require("@stoprocent/noble/lib/hci-socket/bindings.js");
const Hci = require("@stoprocent/noble/lib/hci-socket/hci.js");

/** noble's HCI bindings as after a connection on handle 0x40, over a socket that records writes. */
function connectedHciBindings() {
  const bindings = new HciBindings({});
  const hci = new Hci({});
  const written: Buffer[] = [];
  hci._socket = { write: (b: Buffer) => written.push(b) };
  bindings._hci = hci;
  bindings._handles = { 64: "b0b448000001", b0b448000001: 64 };
  return { bindings, hci, written };
}

/** HCI Command Complete for Read RSSI: 04 0e len ncmd opcode(le) status params. */
function readRssiComplete(status: number, params: number[]): Buffer {
  return Buffer.from([
    0x04,
    0x0e,
    3 + 1 + params.length,
    0x01,
    READ_RSSI_OPCODE & 0xff,
    READ_RSSI_OPCODE >> 8,
    status,
    ...params,
  ]);
}

Deno.test("noble alone: a Read RSSI error reply with no parameters throws in the socket's data handler", () => {
  // The defect the guard exists for (if noble fixes it, this test says so).
  const { hci } = connectedHciBindings();
  hci.readRssi(64);
  assert.throws(() => hci.onSocketData(readRssiComplete(0x01, [])), RangeError);
});

Deno.test("guarded: the error reply is a failed RSSI read, the controller is marked as unable", () => {
  const { bindings, hci, written } = connectedHciBindings();
  const noble = nobleOver(bindings);
  guardHciNoble(noble);
  const updates: unknown[][] = [];
  bindings.on("rssiUpdate", (...args: unknown[]) => updates.push(args));
  hci.readRssi(64);
  assert.equal(written.length, 1, "the Read RSSI command went out");
  hci.onSocketData(readRssiComplete(0x01, []));
  assert.equal(updates.length, 1);
  assert.equal(updates[0][0], "b0b448000001");
  assert.match(String(updates[0][2]), /Read RSSI with status 0x01/);
  assert.equal(rssiReadable(noble), false);
});

Deno.test("guarded: a successful Read RSSI reply still reaches noble", () => {
  const { bindings, hci } = connectedHciBindings();
  const noble = nobleOver(bindings);
  guardHciNoble(noble);
  const reads: unknown[][] = [];
  hci.on("rssiRead", (...args: unknown[]) => reads.push(args));
  hci.readRssi(64);
  hci.onSocketData(readRssiComplete(0x00, [0x40, 0x00, 0xc4]));
  assert.deepEqual(reads, [[64, -60]]);
  assert.equal(rssiReadable(noble), true);
  // Another error status (not "unknown command") fails that read only.
  hci.readRssi(64);
  hci.onSocketData(readRssiComplete(0x02, []));
  assert.equal(rssiReadable(noble), true);
});
