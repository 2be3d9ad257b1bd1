/**
 * One virtual SensorTag: its GATT table, sensor configuration, periods,
 * notifications and calibration, behaving as the firmware does — a disabled
 * sensor reads zeros and does not notify, the period register paces
 * notifications, the CC2541 barometer serves its calibration after 0x02 is
 * written, and the CC2541 switches every sensor off when the link drops.
 */
import { encodePart } from "../../sensortag/encode.ts";
import { gattOfPart, parseMovementConfig, PERIOD_UNIT_MS } from "../../sensortag/gatt.ts";
import { DEFAULT_T5400_CALIBRATION, encodeT5400Calibration } from "../../sensortag/encode/t5400.ts";
import { kxtj9RangeForFirmware } from "../../sensortag/decode/kxtj9.ts";
import type { Model } from "../../sensortag/model.ts";
import type { AnySensorValues } from "../../sensortag/values.ts";
import { type CharacteristicDef, FIRMWARE, gattTable, type ServiceDef } from "./gatt_table.ts";
import { signalAt } from "./signal.ts";

export interface VirtualTagSpec {
  address: string;
  model: Model;
  rssi?: number;
  /** Index used for the signal's per-tag offset. */
  index?: number;
}

const MOVEMENT_KEY: Record<string, "accel" | "gyro" | "mag"> = {
  kxtj9: "accel",
  mag3110: "mag",
  imu3000: "gyro",
};

export class VirtualTag {
  readonly address: string;
  readonly model: Model;
  readonly index: number;
  rssi: number;
  reachable = true;
  connected = false;
  readonly services: ServiceDef[];
  /** Every configuration write, in order (tests check re-enabling after a reconnect). */
  readonly configWrites: { part: string; value: number[]; at: number }[] = [];
  #config = new Map<string, Uint8Array>();
  #period = new Map<string, number>();
  #values = new Map<string, Uint8Array>();
  #keys = 0;
  #failReads = 0;

  constructor(spec: VirtualTagSpec) {
    this.address = spec.address.toUpperCase();
    this.model = spec.model;
    this.index = spec.index ?? 0;
    this.rssi = spec.rssi ?? -50 - (this.index % 40);
    this.services = gattTable(this.model, this.address);
    this.#resetSensors();
  }

  characteristic(serviceUuid: string, uuid: string): CharacteristicDef | undefined {
    return this.services.find((s) => s.uuid === serviceUuid)?.characteristics.find((c) =>
      c.uuid === uuid
    );
  }

  /** The tag's value for `c` right now; throws an Error (an ATT error) for unreadable ones. */
  read(c: CharacteristicDef, now = Date.now()): Uint8Array {
    if (!c.properties.includes("read")) {
      throw new Error(`ATT error: characteristic ${c.uuid} is not readable`);
    }
    if (c.part && this.#failReads > 0 && c.role === "data") {
      this.#failReads--;
      throw new Error(`ATT error: read of ${c.uuid} failed (injected)`);
    }
    if (!c.part) return c.value ?? this.#values.get(c.uuid) ?? new Uint8Array();
    switch (c.role) {
      case "config":
        return this.#config.get(c.part) ?? Uint8Array.of(0);
      case "period":
        return Uint8Array.of(this.#period.get(c.part)! / PERIOD_UNIT_MS);
      case "calibration":
        return this.#config.get(c.part)?.[0] === 0x02
          ? encodeT5400Calibration(DEFAULT_T5400_CALIBRATION)
          : new Uint8Array(16);
      default:
        return this.sample(c.part, now);
    }
  }

  write(c: CharacteristicDef, data: Uint8Array): void {
    if (!c.properties.includes("write") && !c.properties.includes("writeWithoutResponse")) {
      throw new Error(`ATT error: characteristic ${c.uuid} is not writable`);
    }
    if (!c.part) {
      this.#values.set(c.uuid, data.slice());
      return;
    }
    if (c.role === "config") {
      this.#config.set(c.part, data.slice());
      this.configWrites.push({ part: c.part, value: Array.from(data), at: Date.now() });
    } else if (c.role === "period") {
      const g = gattOfPart(this.model, c.part);
      this.#period.set(c.part, Math.max(data[0] * PERIOD_UNIT_MS, g.minPeriodMs ?? PERIOD_UNIT_MS));
    } else {
      throw new Error(`ATT error: characteristic ${c.uuid} is not writable`);
    }
  }

  enabled(part: string): boolean {
    if (part === "keys" || part === "battery") return true;
    const cfg = this.#config.get(part);
    if (!cfg) return false;
    if (this.model === "cc2650" && part === "mpu9250") {
      return (cfg[0] | (cfg[1] ?? 0) << 8) & 0x7f ? true : false;
    }
    if (part === "t5400") return cfg[0] === 0x01;
    return cfg.some((b) => b !== 0);
  }

  periodMs(part: string): number {
    return this.#period.get(part) ?? 1000;
  }

  /** The data bytes of `part` at `now`: zeros while the sensor is off, as the firmware answers. */
  sample(part: string, now = Date.now()): Uint8Array {
    const g = gattOfPart(this.model, part);
    if (part === "keys") return Uint8Array.of(this.#keys);
    if (!this.enabled(part)) return new Uint8Array(g.dataLength);
    const s = signalAt(this.index, this.model, now);
    let values: AnySensorValues;
    const opts: { accelRange?: number } = {};
    switch (g.part) {
      case "tmp007":
      case "tmp006":
        values = s.ir;
        break;
      case "hdc1000":
      case "sht21":
        values = s.humidity;
        break;
      case "bmp280":
      case "t5400":
        values = s.barometer;
        break;
      case "opt3001":
        values = s.optical;
        break;
      case "mpu9250": {
        const cfg = parseMovementConfig(this.#config.get(part)!);
        opts.accelRange = cfg.accelRange;
        values = {
          accel: cfg.accel ? s.movement.accel : { x: 0, y: 0, z: 0 },
          gyro: cfg.gyro ? s.movement.gyro : { x: 0, y: 0, z: 0 },
          mag: cfg.mag ? s.movement.mag : { x: 0, y: 0, z: 0 },
        };
        break;
      }
      case "kxtj9":
        opts.accelRange = kxtj9RangeForFirmware(FIRMWARE[this.model]);
        values = { accel: s.movement.accel };
        break;
      case "mag3110":
      case "imu3000":
        values = { [MOVEMENT_KEY[g.part]]: s.movement[MOVEMENT_KEY[g.part]] };
        break;
      case "battery":
        values = s.battery;
        break;
      default:
        return new Uint8Array(g.dataLength);
    }
    return encodePart(this.model, g.part, values, opts);
  }

  /** Presses (or releases, with 0) keys: the next keys notification carries `bits`. */
  setKeys(bits: number): void {
    this.#keys = bits;
  }

  failNextReads(count: number): void {
    this.#failReads = count;
  }

  /** Link lost or closed: the CC2541 firmware switches its sensors off. */
  onDisconnect(): void {
    this.connected = false;
    if (this.model === "cc2541") this.#resetSensors();
  }

  #resetSensors(): void {
    for (const s of this.services) {
      for (const c of s.characteristics) {
        if (!c.part || c.role !== "config") continue;
        const g = gattOfPart(this.model, c.part);
        this.#config.set(c.part, new Uint8Array(g.disable?.length ?? 1));
        this.#period.set(c.part, g.defaultPeriodMs ?? 1000);
      }
    }
  }
}
