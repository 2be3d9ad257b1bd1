/**
 * The virtual SensorTag seen through a real noble `Noble`: its GATT table,
 * data bytes and configuration semantics are the real devices'.
 */
import assert from "node:assert/strict";
import { waitForPoweredOn } from "../src/ble/adapter.ts";
import type { Characteristic, Noble, Peripheral } from "../src/ble/noble.ts";
import { createSimulatedNoble } from "../src/ble/virtual/simulated_noble.ts";
import { partSignal } from "../src/ble/virtual/signal.ts";
import type { VirtualBindings } from "../src/ble/virtual/virtual_bindings.ts";
import type { VirtualTagSpec } from "../src/ble/virtual/virtual_tag.ts";
import { encodePart } from "../src/sensortag/encode.ts";
import {
  DEFAULT_T5400_CALIBRATION,
  encodeT5400Calibration,
} from "../src/sensortag/encode/t5400.ts";
import { movementConfig } from "../src/sensortag/gatt.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const CC2650 = "B0:B4:48:00:00:01";
const CC2541 = "B0:B4:48:00:00:02";
const SPECS: VirtualTagSpec[] = [
  { address: CC2650, model: "cc2650" },
  { address: CC2541, model: "cc2541" },
];
const ti = (s: string) => `f000${s}04514000b000000000000000`;

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, limitMs = 5000) {
  const end = performance.now() + limitMs;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Rig {
  noble: Noble;
  bindings: VirtualBindings;
  peripherals: Map<string, Peripheral>;
  connect(address: string): Promise<Peripheral>;
  char(p: Peripheral, service: string, uuid: string): Promise<Characteristic>;
  close(): void;
}

async function rig(): Promise<Rig> {
  const { noble, bindings } = createSimulatedNoble(SPECS, { clock: () => T0, latencyMs: 1 });
  await waitForPoweredOn(noble, 2000);
  const peripherals = new Map<string, Peripheral>();
  noble.on("discover", (p: Peripheral) => peripherals.set(p.address.toUpperCase(), p));
  await noble.startScanningAsync([], false);
  await waitFor("both tags heard", () => peripherals.size === 2);
  await noble.stopScanningAsync();
  return {
    noble,
    bindings,
    peripherals,
    async connect(address) {
      const p = peripherals.get(address)!;
      await p.connectAsync();
      return p;
    },
    async char(p, service, uuid) {
      const [s] = await p.discoverServicesAsync([service]);
      const chars = await s.discoverCharacteristicsAsync([uuid]);
      assert.equal(chars.length, 1, `${uuid} found in ${service}`);
      return chars[0];
    },
    close: () => noble.stop(),
  };
}

Deno.test("a CC2650 advertises its name, TI manufacturer data and the movement service", async () => {
  const r = await rig();
  try {
    const p = r.peripherals.get(CC2650)!;
    assert.equal(p.address, "b0:b4:48:00:00:01");
    assert.equal(p.advertisement.localName, "CC2650 SensorTag");
    assert.deepEqual(p.advertisement.serviceUuids, ["aa80"]);
    assert.deepEqual([...p.advertisement.manufacturerData!], [0x0d, 0x00, 0x03, 0x00, 0x00]);
    const old = r.peripherals.get(CC2541)!;
    assert.equal(old.advertisement.localName, "SensorTag");
    assert.equal(old.advertisement.manufacturerData, undefined);
  } finally {
    r.close();
  }
});

Deno.test("the CC2650 GATT table lists its services in handle order with TI's UUIDs", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const services = await p.discoverServicesAsync([]);
    assert.deepEqual(services.map((s) => s.uuid), [
      "1800",
      "1801",
      "180a",
      "180f",
      ti("aa00"),
      ti("aa20"),
      ti("aa40"),
      ti("aa80"),
      ti("aa70"),
      "ffe0",
      ti("aa64"),
      ti("ac00"),
      ti("ccc0"),
      ti("ffc0"),
    ]);
    const ir = await services[4].discoverCharacteristicsAsync([]);
    assert.deepEqual(ir.map((c) => [c.uuid, c.properties]), [
      [ti("aa01"), ["read", "notify"]],
      [ti("aa02"), ["read", "write"]],
      [ti("aa03"), ["read", "write"]],
    ]);
    const baro = await services[6].discoverCharacteristicsAsync([]);
    assert.deepEqual(baro.map((c) => c.uuid), [ti("aa41"), ti("aa42"), ti("aa44")]);
    const keys = await services[9].discoverCharacteristicsAsync([]);
    assert.deepEqual(keys.map((c) => [c.uuid, c.properties]), [["ffe1", ["notify"]]]);
  } finally {
    r.close();
  }
});

Deno.test("the CC2541 GATT table has three movement services, barometer calibration and no battery", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2541);
    const uuids = (await p.discoverServicesAsync([])).map((s) => s.uuid);
    for (const s of ["aa00", "aa10", "aa20", "aa30", "aa40", "aa50"]) {
      assert.ok(uuids.includes(ti(s)), s);
    }
    assert.ok(!uuids.includes("180f"), "no battery service");
    assert.ok(!uuids.includes(ti("aa70")), "no optical service");
    assert.ok(!uuids.includes(ti("aa80")), "no CC2650 movement service");
    const name = await r.char(p, "1800", "2a00");
    assert.equal(new TextDecoder().decode(await name.readAsync()), "TI BLE Sensor Tag");
    const cal = await r.char(p, ti("aa40"), ti("aa43"));
    assert.deepEqual(cal.properties, ["read"]);
  } finally {
    r.close();
  }
});

Deno.test("the System ID is derived from the BD address as TI firmware does", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const sysId = await r.char(p, "180a", "2a23");
    assert.deepEqual([...await sysId.readAsync()], [
      0x01,
      0x00,
      0x00,
      0x00,
      0x00,
      0x48,
      0xb4,
      0xb0,
    ]);
  } finally {
    r.close();
  }
});

Deno.test("a disabled sensor reads as zeros; once enabled it reads the encoded signal", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const data = await r.char(p, ti("aa20"), ti("aa21"));
    const config = await r.char(p, ti("aa20"), ti("aa22"));
    assert.deepEqual([...await data.readAsync()], [0, 0, 0, 0]);
    await config.writeAsync(Uint8Array.of(1), false);
    const expected = encodePart("cc2650", "hdc1000", partSignal("hdc1000", 0, "cc2650", T0));
    assert.ok(expected.some((b) => b !== 0), "the signal is not zero");
    await waitFor("first conversion", async () => (await data.readAsync()).some((b) => b !== 0));
    assert.deepEqual([...await data.readAsync()], [...expected]);
    await config.writeAsync(Uint8Array.of(0), false);
    assert.deepEqual([...await data.readAsync()], [0, 0, 0, 0]);
  } finally {
    r.close();
  }
});

Deno.test("the period register reads back what was written, clamped to the sensor's minimum", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const humidityPeriod = await r.char(p, ti("aa20"), ti("aa23"));
    assert.deepEqual([...await humidityPeriod.readAsync()], [100], "default 1 s");
    await humidityPeriod.writeAsync(Uint8Array.of(15), false);
    assert.deepEqual([...await humidityPeriod.readAsync()], [15]);
    const irPeriod = await r.char(p, ti("aa00"), ti("aa03"));
    await irPeriod.writeAsync(Uint8Array.of(10), false);
    assert.deepEqual([...await irPeriod.readAsync()], [30], "IR period is at least 300 ms");
    assert.equal(r.bindings.tag(CC2650).periodMs("tmp007"), 300);
  } finally {
    r.close();
  }
});

Deno.test("notifications carry the encoded signal and stop while the sensor is disabled", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const data = await r.char(p, ti("aa70"), ti("aa71"));
    const config = await r.char(p, ti("aa70"), ti("aa72"));
    const period = await r.char(p, ti("aa70"), ti("aa73"));
    const got: number[][] = [];
    data.on("data", (b: Uint8Array, isNotification: boolean) => isNotification && got.push([...b]));
    await period.writeAsync(Uint8Array.of(10), false);
    await data.subscribeAsync();
    await config.writeAsync(Uint8Array.of(1), false);
    await waitFor("two notifications", () => got.length >= 2);
    const expected = [...encodePart("cc2650", "opt3001", partSignal("opt3001", 0, "cc2650", T0))];
    assert.deepEqual(got[0], expected);
    await config.writeAsync(Uint8Array.of(0), false);
    const after = got.length;
    await new Promise((res) => setTimeout(res, 350));
    assert.equal(got.length, after, "no notification while disabled");
  } finally {
    r.close();
  }
});

Deno.test("the CC2541 barometer serves its calibration only after 0x02 is written", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2541);
    const config = await r.char(p, ti("aa40"), ti("aa42"));
    const cal = await r.char(p, ti("aa40"), ti("aa43"));
    assert.deepEqual([...await cal.readAsync()], new Array(16).fill(0));
    await config.writeAsync(Uint8Array.of(2), false);
    assert.deepEqual([...await cal.readAsync()], [
      ...encodeT5400Calibration(DEFAULT_T5400_CALIBRATION),
    ]);
  } finally {
    r.close();
  }
});

Deno.test("the CC2541 switches its sensors off on disconnect; the CC2650 keeps them", async () => {
  const r = await rig();
  try {
    for (const [address, model] of [[CC2541, "cc2541"], [CC2650, "cc2650"]] as const) {
      let p = await r.connect(address);
      let config = await r.char(p, ti("aa00"), ti("aa02"));
      await config.writeAsync(Uint8Array.of(1), false);
      r.bindings.dropConnection(address);
      await waitFor("disconnect", () => p.state === "disconnected");
      p = await r.connect(address);
      config = await r.char(p, ti("aa00"), ti("aa02"));
      assert.deepEqual([...await config.readAsync()], [model === "cc2541" ? 0 : 1], model);
    }
  } finally {
    r.close();
  }
});

Deno.test("the CC2650 movement configuration selects the accelerometer range of the data", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const data = await r.char(p, ti("aa80"), ti("aa81"));
    const config = await r.char(p, ti("aa80"), ti("aa82"));
    await assert.rejects(config.writeAsync(Uint8Array.of(0x7f), false), /length/);
    const cfg = movementConfig({ accelRange: 4 });
    await config.writeAsync(cfg, false);
    assert.deepEqual([...await config.readAsync()], [...cfg]);
    await waitFor("first conversion", async () => (await data.readAsync()).some((b) => b !== 0));
    const expected = encodePart("cc2650", "mpu9250", partSignal("mpu9250", 0, "cc2650", T0), {
      accelRange: 4,
    });
    assert.deepEqual([...await data.readAsync()], [...expected]);
  } finally {
    r.close();
  }
});

Deno.test("key presses are notified on FFE1 with the model's bits", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2541);
    const keys = await r.char(p, "ffe0", "ffe1");
    const got: number[] = [];
    keys.on("data", (b: Uint8Array, isNotification: boolean) => isNotification && got.push(b[0]));
    await keys.subscribeAsync();
    r.bindings.pressKeys(CC2541, 0b10);
    r.bindings.pressKeys(CC2541, 0);
    await waitFor("two key notifications", () => got.length === 2);
    assert.deepEqual(got, [0b10, 0]);
  } finally {
    r.close();
  }
});

Deno.test("injected read failures look as noble's Linux bindings report them", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const data = await r.char(p, ti("aa00"), ti("aa01"));
    r.bindings.injectFailure(CC2650, { kind: "att-error" });
    assert.equal((await data.readAsync()).length, 0, "an ATT error reads as no bytes");
    r.bindings.injectFailure(CC2650, { kind: "error" });
    await assert.rejects(data.readAsync(), /injected/);
    r.bindings.injectFailure(CC2650, { kind: "no-response" });
    const pending = data.readAsync();
    r.bindings.dropConnection(CC2650);
    await assert.rejects(pending, /Disconnected 8/, "an unanswered read only ends with the link");
  } finally {
    r.close();
  }
});

Deno.test("connecting to an unreachable tag stays pending until it is back in range", async () => {
  const r = await rig();
  try {
    const p = r.peripherals.get(CC2541)!;
    r.bindings.setReachable(CC2541, false);
    let connected = false;
    const connecting = p.connectAsync().then(() => (connected = true));
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(connected, false);
    r.bindings.setReachable(CC2541, true);
    await connecting;
    assert.equal(p.state, "connected");
  } finally {
    r.close();
  }
});

Deno.test("a dropped link reaches noble as a supervision timeout disconnect", async () => {
  const r = await rig();
  try {
    const p = await r.connect(CC2650);
    const reason = new Promise((res) => p.once("disconnect", res));
    r.bindings.dropConnection(CC2650);
    assert.equal(await reason, 0x08);
    assert.equal(r.bindings.tag(CC2650).connected, false);
  } finally {
    r.close();
  }
});
