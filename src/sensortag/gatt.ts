/**
 * GATT map of both SensorTag models, as data.
 *
 * UUIDs are full 128-bit, lower-case, without dashes. noble reports the
 * Bluetooth SIG's 16-bit UUIDs in their short form ("180f"); compare with
 * `uuidEquals` or `normalizeUuid`, which accept both forms.
 *
 * Sources: TI "CC2650 SensorTag User's Guide" and "SensorTag User Guide"
 * (CC2541) wiki pages; the TI sensor service base UUID is
 * F000xxxx-0451-4000-B000-000000000000.
 */
import { hasSensor, type Model, PARTS, SENSOR_NAMES, type SensorName } from "./model.ts";

const TI_BASE_PREFIX = "f000";
const TI_BASE_SUFFIX = "04514000b000000000000000";
const SIG_BASE_PREFIX = "0000";
const SIG_BASE_SUFFIX = "00001000800000805f9b34fb";

function check16(short: string): string {
  const s = short.trim().toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{4}$/.test(s)) {
    throw new Error(`not a 16-bit UUID: "${short}" (expected 4 hex digits, e.g. "180f")`);
  }
  return s;
}

/** Expands a Bluetooth SIG 16-bit UUID ("180f", "0x2A19") onto the SIG base UUID. */
export function uuid16To128(short: string): string {
  return SIG_BASE_PREFIX + check16(short) + SIG_BASE_SUFFIX;
}

/** Expands a TI SensorTag 16-bit UUID ("aa01") onto TI's base F000xxxx-0451-4000-B000-000000000000. */
export function tiUuid(short: string): string {
  return TI_BASE_PREFIX + check16(short) + TI_BASE_SUFFIX;
}

/**
 * Normalises any UUID form to 128 bits, lower-case, no dashes: 4 or 8 hex
 * digits are taken as SIG short UUIDs (as noble reports them).
 */
export function normalizeUuid(uuid: string): string {
  const s = uuid.trim().toLowerCase().replace(/-/g, "").replace(/^0x/, "");
  if (/^[0-9a-f]{4}$/.test(s)) return uuid16To128(s);
  if (/^[0-9a-f]{8}$/.test(s)) return s + SIG_BASE_SUFFIX;
  if (/^[0-9a-f]{32}$/.test(s)) return s;
  throw new Error(`not a UUID: "${uuid}" (expected 4, 8 or 32 hex digits, dashes allowed)`);
}

/** True when both UUIDs name the same attribute, whatever form each is written in. */
export function uuidEquals(a: string, b: string): boolean {
  return normalizeUuid(a) === normalizeUuid(b);
}

/** The short form noble uses for SIG UUIDs ("180f"); 128-bit vendor UUIDs come back unchanged. */
export function shortUuid(uuid: string): string {
  const n = normalizeUuid(uuid);
  if (n.startsWith(SIG_BASE_PREFIX) && n.endsWith(SIG_BASE_SUFFIX)) return n.slice(4, 8);
  return n;
}

/** Period registers count in units of 10 ms, one byte: at most 2550 ms. */
export const PERIOD_UNIT_MS = 10;
export const MAX_PERIOD_MS = 255 * PERIOD_UNIT_MS;

/** One sensor service: what to enable, where to read, and what the data looks like. */
export interface SensorGatt {
  /** Chip name, also the decoder's name: "tmp007", "kxtj9", ... */
  readonly part: string;
  readonly service: string;
  /** Data characteristic (read + notify). */
  readonly data: string;
  /** Configuration characteristic, absent for services that need no enabling (keys, battery). */
  readonly config?: string;
  /**
   * Period characteristic, one byte in 10 ms units. On the CC2541 only the
   * accelerometer and magnetometer have it in firmware 1.4; the others gained
   * it in 1.5 (`periodSince`): check the discovered characteristics.
   */
  readonly period?: string;
  readonly periodSince?: string;
  /** CC2541 barometer: the 16-byte calibration characteristic. */
  readonly calibration?: string;
  /** Bytes written to `config` to trigger the calibration read (then read `calibration`). */
  readonly calibrate?: Uint8Array;
  readonly calibrationLength?: number;
  /** Bytes written to `config` to switch the sensor on / off. For CC2650 movement see `movementConfig`. */
  readonly enable?: Uint8Array;
  readonly disable?: Uint8Array;
  readonly minPeriodMs?: number;
  readonly defaultPeriodMs?: number;
  /** Canonical length of a data value, in bytes. */
  readonly dataLength: number;
  /** Every length the decoder accepts (the canonical one first), e.g. BMP280 early firmware sent 4 bytes. */
  readonly dataLengths: readonly number[];
}

/** CC2650 movement sensor accelerometer ranges, in g. */
export const ACCEL_RANGES = [2, 4, 8, 16] as const;
export type AccelRange = (typeof ACCEL_RANGES)[number];
/** TI's SensorTag app runs the MPU-9250 accelerometer at ±8 g; the gateway does the same by default. */
export const DEFAULT_ACCEL_RANGE: AccelRange = 8;

export function isAccelRange(n: number): n is AccelRange {
  return (ACCEL_RANGES as readonly number[]).includes(n);
}

/** Parses "2", "4", "8" or "16" (an optional trailing "g"/"G" allowed). */
export function parseAccelRange(s: string | number): AccelRange {
  const n = typeof s === "number" ? s : Number(String(s).trim().replace(/g$/i, ""));
  if (!isAccelRange(n)) {
    throw new Error(
      `invalid accelerometer range "${s}": valid ranges are ${ACCEL_RANGES.join(", ")} (g)`,
    );
  }
  return n;
}

export interface MovementOptions {
  accelRange?: AccelRange;
  /** Gyroscope, all three axes. Default true. */
  gyro?: boolean;
  /** Accelerometer, all three axes. Default true. */
  accel?: boolean;
  /** Magnetometer. Default true. */
  mag?: boolean;
  /** Wake-on-motion: the tag only sends when moved. Default false. */
  wakeOnMotion?: boolean;
}

/** CC2650 movement configuration bits (TI CC2650 SensorTag User's Guide, Movement Sensor). */
export const MOVEMENT_BITS = {
  gyroZ: 1 << 0,
  gyroY: 1 << 1,
  gyroX: 1 << 2,
  accelZ: 1 << 3,
  accelY: 1 << 4,
  accelX: 1 << 5,
  mag: 1 << 6,
  wakeOnMotion: 1 << 7,
  /** Bits 8-9: accelerometer range, 0 = 2 g, 1 = 4 g, 2 = 8 g, 3 = 16 g. */
  accelRangeShift: 8,
} as const;

/** The 16-bit CC2650 movement configuration word. */
export function movementConfigWord(opts: MovementOptions = {}): number {
  const range = opts.accelRange ?? DEFAULT_ACCEL_RANGE;
  if (!isAccelRange(range)) {
    throw new Error(
      `invalid accelerometer range ${range}: valid ranges are ${ACCEL_RANGES.join(", ")} (g)`,
    );
  }
  const b = MOVEMENT_BITS;
  let w = 0;
  if (opts.gyro ?? true) w |= b.gyroX | b.gyroY | b.gyroZ;
  if (opts.accel ?? true) w |= b.accelX | b.accelY | b.accelZ;
  if (opts.mag ?? true) w |= b.mag;
  if (opts.wakeOnMotion ?? false) w |= b.wakeOnMotion;
  w |= ACCEL_RANGES.indexOf(range) << b.accelRangeShift;
  return w;
}

/** The two bytes (little-endian) written to the CC2650 movement configuration characteristic. */
export function movementConfig(opts: MovementOptions = {}): Uint8Array {
  const w = movementConfigWord(opts);
  return Uint8Array.of(w & 0xff, w >> 8);
}

/** Reads a CC2650 movement configuration value back into options (used by the virtual SensorTag). */
export function parseMovementConfig(bytes: Uint8Array): Required<MovementOptions> {
  if (bytes.length !== 2) {
    throw new Error(`MPU9250 configuration: expected 2 bytes, got ${bytes.length}`);
  }
  const w = bytes[0] | (bytes[1] << 8);
  const b = MOVEMENT_BITS;
  return {
    gyro: (w & (b.gyroX | b.gyroY | b.gyroZ)) !== 0,
    accel: (w & (b.accelX | b.accelY | b.accelZ)) !== 0,
    mag: (w & b.mag) !== 0,
    wakeOnMotion: (w & b.wakeOnMotion) !== 0,
    accelRange: ACCEL_RANGES[(w >> b.accelRangeShift) & 3],
  };
}

const ON = Uint8Array.of(0x01);
const OFF = Uint8Array.of(0x00);

function ti(
  part: string,
  base: number,
  dataLengths: readonly number[],
  extra: Partial<SensorGatt> = {},
): SensorGatt {
  const h = (n: number) => tiUuid(n.toString(16).padStart(4, "0"));
  return {
    part,
    service: h(base),
    data: h(base + 1),
    config: h(base + 2),
    period: h(base + 3),
    enable: ON,
    disable: OFF,
    dataLength: dataLengths[0],
    dataLengths,
    ...extra,
  };
}

/** Simple keys service: notifications only, no configuration. */
export const KEYS_GATT: SensorGatt = {
  part: "keys",
  service: uuid16To128("ffe0"),
  data: uuid16To128("ffe1"),
  dataLength: 1,
  dataLengths: [1],
};

/** Standard battery service (CC2650 firmware 1.20 and later): level in percent, read + notify. */
export const BATTERY_GATT: SensorGatt = {
  part: "battery",
  service: uuid16To128("180f"),
  data: uuid16To128("2a19"),
  dataLength: 1,
  dataLengths: [1],
};

/** Standard device information service. */
export const DEVICE_INFO = {
  service: uuid16To128("180a"),
  systemId: uuid16To128("2a23"),
  modelNumber: uuid16To128("2a24"),
  serialNumber: uuid16To128("2a25"),
  firmwareRevision: uuid16To128("2a26"),
  hardwareRevision: uuid16To128("2a27"),
  softwareRevision: uuid16To128("2a28"),
  manufacturerName: uuid16To128("2a29"),
} as const;

/** T5400 calibration: write 0x02 to the barometer configuration, then read 16 bytes from AA43. */
export const T5400_CALIBRATE = Uint8Array.of(0x02);

export const SENSOR_GATT: Readonly<
  Record<Model, Partial<Record<SensorName, readonly SensorGatt[]>>>
> = {
  cc2650: {
    // TMP007: object, ambient. Period 300 ms .. 2.55 s.
    ir: [ti("tmp007", 0xaa00, [4], { minPeriodMs: 300, defaultPeriodMs: 1000 })],
    // HDC1000: temperature, humidity.
    humidity: [ti("hdc1000", 0xaa20, [4], { minPeriodMs: 100, defaultPeriodMs: 1000 })],
    // BMP280: the period characteristic is AA44 (AA43 was the calibration of the early firmware).
    barometer: [
      ti("bmp280", 0xaa40, [6, 4], {
        period: tiUuid("aa44"),
        minPeriodMs: 100,
        defaultPeriodMs: 1000,
      }),
    ],
    optical: [ti("opt3001", 0xaa70, [2], { minPeriodMs: 100, defaultPeriodMs: 800 })],
    movement: [
      ti("mpu9250", 0xaa80, [18], {
        enable: movementConfig(),
        disable: Uint8Array.of(0, 0),
        minPeriodMs: 100,
        defaultPeriodMs: 1000,
      }),
    ],
    keys: [KEYS_GATT],
    battery: [BATTERY_GATT],
  },
  cc2541: {
    ir: [
      ti("tmp006", 0xaa00, [4], { minPeriodMs: 300, defaultPeriodMs: 1000, periodSince: "1.5" }),
    ],
    humidity: [
      ti("sht21", 0xaa20, [4], { minPeriodMs: 100, defaultPeriodMs: 1000, periodSince: "1.5" }),
    ],
    barometer: [
      ti("t5400", 0xaa40, [4], {
        calibration: tiUuid("aa43"),
        calibrate: T5400_CALIBRATE,
        calibrationLength: 16,
        period: tiUuid("aa44"),
        periodSince: "1.5",
        minPeriodMs: 100,
        defaultPeriodMs: 1000,
      }),
    ],
    movement: [
      ti("kxtj9", 0xaa10, [3], { minPeriodMs: 100, defaultPeriodMs: 1000 }),
      ti("mag3110", 0xaa30, [6], { minPeriodMs: 100, defaultPeriodMs: 2000 }),
      // IMU-3000: the configuration is an axis mask, bit 0 = X, bit 1 = Y, bit 2 = Z.
      ti("imu3000", 0xaa50, [6], {
        enable: Uint8Array.of(0x07),
        minPeriodMs: 100,
        defaultPeriodMs: 1000,
        periodSince: "1.5",
      }),
    ],
    keys: [KEYS_GATT],
  },
};

/** The services behind a sensor on a model, or an Error when the model has no such sensor. */
export function gattOf(model: Model, sensor: SensorName): readonly SensorGatt[] {
  const g = SENSOR_GATT[model][sensor];
  if (g === undefined || !hasSensor(model, sensor)) {
    const have = SENSOR_NAMES.filter((s) => PARTS[model][s] !== undefined).join(", ");
    throw new Error(`the ${model} SensorTag has no ${sensor} sensor: it has ${have}`);
  }
  return g;
}

/** The service of one chip ("kxtj9") on a model, or an Error naming the chips it has. */
export function gattOfPart(model: Model, part: string): SensorGatt {
  for (const list of Object.values(SENSOR_GATT[model])) {
    const g = list?.find((x) => x.part === part);
    if (g) return g;
  }
  const parts = Object.values(SENSOR_GATT[model]).flatMap((l) => l?.map((x) => x.part) ?? []);
  throw new Error(`the ${model} SensorTag has no ${part} chip: it has ${parts.join(", ")}`);
}

/** Clamps a period to what the sensor accepts and rounds it to the 10 ms register unit. */
export function clampPeriodMs(g: SensorGatt, ms: number): number {
  if (!Number.isFinite(ms)) throw new Error(`${g.part}: period must be a number of ms, got ${ms}`);
  const lo = g.minPeriodMs ?? PERIOD_UNIT_MS;
  const units = Math.round(Math.min(Math.max(ms, lo), MAX_PERIOD_MS) / PERIOD_UNIT_MS);
  return Math.max(units * PERIOD_UNIT_MS, lo);
}

/** The one byte written to a period characteristic for `ms` (clamped, see `clampPeriodMs`). */
export function periodBytes(g: SensorGatt, ms: number): Uint8Array {
  return Uint8Array.of(clampPeriodMs(g, ms) / PERIOD_UNIT_MS);
}
