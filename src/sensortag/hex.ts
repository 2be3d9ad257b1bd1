/**
 * Hex input for `gateway decode`: parsing the bytes a user types, and
 * decoding them into the JSON-able object the command prints.
 */
import { decodePart, partOf } from "./decode.ts";
import { parseT5400Calibration, type T5400Calibration } from "./decode/t5400.ts";
import { type Fields, toFields } from "./fields.ts";
import { gattOf } from "./gatt.ts";
import { formatHexBytes, parseHexBytes } from "./hex_bytes.ts";
import { isSensorName, type Model, parseModel, SENSOR_NAMES, type SensorName } from "./model.ts";
import type { AnySensorValues } from "./values.ts";

export { formatHexBytes, parseHexBytes } from "./hex_bytes.ts";

export interface DecodeHexRequest {
  model: string;
  sensor: string;
  hex: string;
  /** Accelerometer range in g (CC2650 2/4/8/16, default 8; CC2541 2/4/8, default 2). */
  accelRange?: number | string;
  /** CC2541 movement: kxtj9, mag3110 or imu3000 (a 3-byte value is taken as kxtj9). */
  part?: string;
  /** CC2541 barometer: the 16 calibration bytes as hex, or the coefficients. */
  calibration?: string | T5400Calibration;
}

export interface DecodeHexResult {
  model: Model;
  sensor: SensorName;
  part: string;
  bytes: string;
  length: number;
  decoded: AnySensorValues;
  fields: Fields;
}

function parseRange(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : Number(String(v).trim().replace(/g$/i, ""));
  if (!Number.isInteger(n)) {
    throw new Error(`invalid accelerometer range "${v}": expected 2, 4, 8 or 16 (g)`);
  }
  return n;
}

export function decodeHexCommand(req: DecodeHexRequest): DecodeHexResult {
  const model = parseModel(req.model);
  const sensor = req.sensor.trim().toLowerCase();
  if (!isSensorName(sensor)) {
    throw new Error(`unknown sensor "${req.sensor}": valid sensors are ${SENSOR_NAMES.join(", ")}`);
  }
  gattOf(model, sensor);
  const data = parseHexBytes(req.hex);
  const calibration = typeof req.calibration === "string"
    ? parseT5400Calibration(parseHexBytes(req.calibration))
    : req.calibration;
  const opts = { accelRange: parseRange(req.accelRange), part: req.part, calibration };
  const part = partOf(model, sensor, data.length, opts);
  const decoded = decodePart(model, part, data, opts);
  return {
    model,
    sensor,
    part,
    bytes: formatHexBytes(data),
    length: data.length,
    decoded,
    fields: toFields(model, sensor, decoded),
  };
}
