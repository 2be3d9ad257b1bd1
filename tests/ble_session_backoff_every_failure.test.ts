/**
 * Every failed attempt of a tag session waits its backoff, whatever the error: a TypeError (as
 * noble's HCI `gatt.js` throws for a non-Buffer write) and a link lost while the sensors are being
 * enabled included.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Peripheral } from "../src/ble/noble.ts";
import { TagSession, type TagState } from "../src/ble/tag_session.ts";
import { silentLogger } from "../src/util/log.ts";
import { waitFor } from "./_support/gateway_process.ts";

function session(findPeripheral: () => Promise<Peripheral>) {
  const states: TagState[] = [];
  let finds = 0;
  const s = new TagSession({
    address: "B0:B4:48:00:00:01",
    sensors: ["ir"],
    mode: "poll",
    intervalMs: 100,
    accelRange: 8,
    connectTimeoutMs: 1000,
    backoff: { startingDelayMs: 30_000, maxDelayMs: 30_000 },
    log: silentLogger,
    onReading: () => {},
    onState: (state) => states.push(state),
    findPeripheral: () => {
      finds++;
      return findPeripheral();
    },
  });
  return { s, states, finds: () => finds };
}

/** Lets timers and I/O run for a few turns of the event loop. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

Deno.test("a TypeError from the radio stack waits the announced backoff before the next attempt", async () => {
  const { s, states, finds } = session(async () => {
    await turns(1);
    throw new TypeError("data.readUInt8 is not a function");
  });
  s.start();
  try {
    await waitFor("the backoff", () => states.includes("backoff") || undefined, 5_000, 5);
    await turns(50);
    assert.equal(finds(), 1, `attempts during a 30 s backoff: ${finds()} (states ${states})`);
    assert.equal(s.state, "backoff");
  } finally {
    await s.stop();
  }
});

Deno.test("a link lost while enabling the sensors waits the backoff; it does not reconnect at once", async () => {
  const peripheral = Object.assign(new EventEmitter(), {
    id: "b0b448000001",
    address: "b0:b4:48:00:00:01",
    rssi: -50,
    state: "disconnected",
    advertisement: { localName: "CC2650 SensorTag" },
    connectAsync() {
      peripheral.state = "connected";
      return Promise.resolve();
    },
    discoverAllServicesAndCharacteristicsAsync() {
      // The link drops during discovery, as a tag going out of range does.
      setTimeout(() => {
        peripheral.state = "disconnected";
        peripheral.emit("disconnect", 0x08);
      }, 0);
      return new Promise<never>(() => {});
    },
    disconnectAsync: () => Promise.resolve(),
    cancelConnect: () => {},
    updateRssiAsync: () => Promise.resolve(-50),
  });
  const { s, states, finds } = session(() => Promise.resolve(peripheral as unknown as Peripheral));
  s.start();
  try {
    await waitFor("the backoff", () => states.includes("backoff") || undefined, 5_000, 5);
    await turns(50);
    assert.equal(finds(), 1, `attempts during a 30 s backoff: ${finds()} (states ${states})`);
  } finally {
    await s.stop();
  }
});
