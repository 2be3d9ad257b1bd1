/** One entry point for decoding any SensorTag data value. */
import { decodeBattery } from "./decode/battery.ts";
import { decodeBmp280 } from "./decode/bmp280.ts";
import { decodeHdc1000 } from "./decode/hdc1000.ts";
import { decodeImu3000 } from "./decode/imu3000.ts";
import { decodeKeys } from "./decode/keys.ts";
import { decodeKxtj9, DEFAULT_KXTJ9_RANGE } from "./decode/kxtj9.ts";
import { decodeMag3110 } from "./decode/mag3110.ts";
import { decodeMpu9250 } from "./decode/mpu9250.ts";
import { decodeOpt3001 } from "./decode/opt3001.ts";
import { decodeSht21 } from "./decode/sht21.ts";
import { decodeT5400, type T5400Calibration } from "./decode/t5400.ts";
import { decodeTmp006 } from "./decode/tmp006.ts";
import { decodeTmp007 } from "./decode/tmp007.ts";
import { DEFAULT_ACCEL_RANGE, gattOf, parseAccelRange } from "./gatt.ts";
import {
  isModel,
  isSensorName,
  type Model,
  MODELS,
  SENSOR_NAMES,
  type SensorName,
} from "./model.ts";
import type { AnySensorValues, SensorValues } from "./values.ts";

export interface DecodeOptions {
  /**
   * Accelerometer range in g as configured on the tag. CC2650 (MPU-9250):
   * 2, 4, 8 or 16, default 8. CC2541 (KXTJ9): 2, 4 or 8, default 2
   * (firmware 1.5 and later run at 8, see `kxtj9RangeForFirmware`).
   */
  accelRange?: number;
  /** CC2541 barometer calibration (required to decode its data). */
  calibration?: T5400Calibration;
  /**
   * CC2541 movement is three services: the chip whose data this is
   * ("kxtj9", "mag3110", "imu3000"). A 3-byte value is taken as KXTJ9.
   */
  part?: string;
  /** CC2650 movement: which parts are enabled (disabled ones are left out). Default: all. */
  movement?: { gyro?: boolean; accel?: boolean; mag?: boolean };
}

/** The accelerometer range assumed when none is given. */
export function defaultAccelRange(model: Model): number {
  return model === "cc2650" ? DEFAULT_ACCEL_RANGE : DEFAULT_KXTJ9_RANGE;
}

export function checkModelSensor(model: string, sensor: string): asserts model is Model {
  if (!isModel(model)) {
    throw new Error(`unknown SensorTag model "${model}": valid models are ${MODELS.join(", ")}`);
  }
  if (!isSensorName(sensor)) {
    throw new Error(`unknown sensor "${sensor}": valid sensors are ${SENSOR_NAMES.join(", ")}`);
  }
  gattOf(model, sensor);
}

/** The chip that produced a value of `sensor` on `model` (CC2541 movement needs `opts.part` or a 3-byte value). */
export function partOf(
  model: Model,
  sensor: SensorName,
  dataLength: number,
  opts: DecodeOptions = {},
): string {
  const services = gattOf(model, sensor);
  if (opts.part !== undefined) {
    const g = services.find((s) => s.part === opts.part);
    if (!g) {
      throw new Error(
        `the ${model} ${sensor} sensor has no ${opts.part} chip: it has ${
          services.map((s) => s.part).join(", ")
        }`,
      );
    }
    return g.part;
  }
  if (services.length === 1) return services[0].part;
  const byLength = services.filter((s) => s.dataLengths.includes(dataLength));
  if (byLength.length === 1) return byLength[0].part;
  throw new Error(
    `the ${model} ${sensor} sensor is ${services.length} chips (${
      services.map((s) => s.part).join(", ")
    }): say which one sent these ${dataLength} bytes`,
  );
}

/** Decodes the data of one chip (`part` as in `SENSOR_GATT`) on a model. */
export function decodePart(
  model: Model,
  part: string,
  data: Uint8Array,
  opts: DecodeOptions = {},
): AnySensorValues {
  switch (part) {
    case "tmp007":
      return decodeTmp007(data);
    case "tmp006":
      return decodeTmp006(data);
    case "hdc1000":
      return decodeHdc1000(data);
    case "sht21":
      return decodeSht21(data);
    case "bmp280":
      return decodeBmp280(data);
    case "t5400":
      return decodeT5400(data, opts.calibration);
    case "opt3001":
      return decodeOpt3001(data);
    case "mpu9250":
      return decodeMpu9250(data, {
        accelRange: parseAccelRange(opts.accelRange ?? DEFAULT_ACCEL_RANGE),
        ...opts.movement,
      });
    case "kxtj9":
      return decodeKxtj9(data, opts.accelRange ?? DEFAULT_KXTJ9_RANGE);
    case "mag3110":
      return decodeMag3110(data);
    case "imu3000":
      return decodeImu3000(data);
    case "keys":
      return decodeKeys(data, model);
    case "battery":
      return decodeBattery(data);
    default:
      throw new Error(`no decoder for chip "${part}"`);
  }
}

/**
 * Decodes a raw data value of `sensor` on `model` into physical values.
 * Throws when the model has no such sensor, the length is wrong, or (CC2541
 * barometer) the calibration is missing.
 */
export function decodeSensor<S extends SensorName>(
  model: Model,
  sensor: S,
  data: Uint8Array,
  opts: DecodeOptions = {},
): SensorValues[S] {
  checkModelSensor(model, sensor);
  const part = partOf(model, sensor, data.length, opts);
  return decodePart(model, part, data, opts) as SensorValues[S];
}
