/**
 * One entry point for encoding physical values into the raw bytes a real
 * SensorTag sends (for the virtual SensorTag and for tests). Values are
 * quantised as the chip does and saturate at its full scale.
 */
import { checkModelSensor, type DecodeOptions } from "./decode.ts";
import { DEFAULT_KXTJ9_RANGE } from "./decode/kxtj9.ts";
import { encodeBattery } from "./encode/battery.ts";
import { encodeBmp280 } from "./encode/bmp280.ts";
import { encodeHdc1000 } from "./encode/hdc1000.ts";
import { encodeImu3000 } from "./encode/imu3000.ts";
import { encodeKeys, type KeysInput } from "./encode/keys.ts";
import { encodeKxtj9 } from "./encode/kxtj9.ts";
import { encodeMag3110 } from "./encode/mag3110.ts";
import { encodeMpu9250 } from "./encode/mpu9250.ts";
import { encodeOpt3001 } from "./encode/opt3001.ts";
import { encodeSht21 } from "./encode/sht21.ts";
import { DEFAULT_T5400_CALIBRATION, encodeT5400 } from "./encode/t5400.ts";
import { encodeTmp006 } from "./encode/tmp006.ts";
import { encodeTmp007 } from "./encode/tmp007.ts";
import { DEFAULT_ACCEL_RANGE, gattOf, parseAccelRange } from "./gatt.ts";
import type { Model, SensorName } from "./model.ts";
import type {
  AnySensorValues,
  BarometerValues,
  BatteryValues,
  HumidityValues,
  IrValues,
  MovementValues,
  OpticalValues,
  SensorValues,
} from "./values.ts";

/** What `encodeSensor` takes: the decoded values, except keys, which may be given as booleans. */
export type SensorInput = Omit<SensorValues, "keys"> & { keys: KeysInput };

export interface EncodeOptions extends Omit<DecodeOptions, "movement"> {
  /** CC2650 barometer: produce the early firmware's 4-byte format. */
  earlyBarometer?: boolean;
}

const MOVEMENT_PART_OF: Record<string, keyof MovementValues> = {
  kxtj9: "accel",
  mag3110: "mag",
  imu3000: "gyro",
};

function movementPart(model: Model, v: MovementValues, opts: EncodeOptions): string {
  const services = gattOf(model, "movement");
  if (services.length === 1) return services[0].part;
  if (opts.part !== undefined) {
    if (!services.some((s) => s.part === opts.part)) {
      throw new Error(
        `the ${model} movement sensor has no ${opts.part} chip: it has ${
          services.map((s) => s.part).join(", ")
        }`,
      );
    }
    return opts.part;
  }
  const present = services.filter((s) => v[MOVEMENT_PART_OF[s.part]] !== undefined);
  if (present.length === 1) return present[0].part;
  throw new Error(
    `the ${model} movement sensor is three chips (kxtj9: accel, mag3110: mag, imu3000: gyro): ` +
      `give opts.part or exactly one of accel, mag, gyro`,
  );
}

/** Encodes the values of one chip (`part` as in `SENSOR_GATT`). */
export function encodePart(
  model: Model,
  part: string,
  v: AnySensorValues | KeysInput,
  opts: EncodeOptions = {},
): Uint8Array {
  switch (part) {
    case "tmp007":
      return encodeTmp007(v as IrValues);
    case "tmp006":
      return encodeTmp006(v as IrValues);
    case "hdc1000":
      return encodeHdc1000(v as HumidityValues);
    case "sht21":
      return encodeSht21(v as HumidityValues);
    case "bmp280":
      return encodeBmp280(v as BarometerValues, { early: opts.earlyBarometer });
    case "t5400":
      return encodeT5400(v as BarometerValues, opts.calibration ?? DEFAULT_T5400_CALIBRATION);
    case "opt3001":
      return encodeOpt3001(v as OpticalValues);
    case "mpu9250":
      return encodeMpu9250(v as MovementValues, {
        accelRange: parseAccelRange(opts.accelRange ?? DEFAULT_ACCEL_RANGE),
      });
    case "kxtj9":
      return encodeKxtj9(v as MovementValues, opts.accelRange ?? DEFAULT_KXTJ9_RANGE);
    case "mag3110":
      return encodeMag3110(v as MovementValues);
    case "imu3000":
      return encodeImu3000(v as MovementValues);
    case "keys":
      return encodeKeys(model, v as KeysInput);
    case "battery":
      return encodeBattery(v as BatteryValues);
    default:
      throw new Error(`no encoder for chip "${part}"`);
  }
}

/**
 * The raw data bytes `model` sends for `sensor` reading `values`.
 * CC2541 movement: the chip is `opts.part`, or the one whose vector is the
 * only one given. CC2541 barometer: `opts.calibration`, default
 * `DEFAULT_T5400_CALIBRATION`.
 */
export function encodeSensor<S extends SensorName>(
  model: Model,
  sensor: S,
  values: SensorInput[S],
  opts: EncodeOptions = {},
): Uint8Array {
  checkModelSensor(model, sensor);
  if (values === null || typeof values !== "object") {
    throw new Error(`${model} ${sensor}: values must be an object, got ${String(values)}`);
  }
  const part = sensor === "movement"
    ? movementPart(model, values as MovementValues, opts)
    : gattOf(model, sensor)[0].part;
  return encodePart(model, part, values as AnySensorValues | KeysInput, opts);
}
