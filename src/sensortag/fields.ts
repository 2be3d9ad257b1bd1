/** Maps decoded values onto the flat record fields of the Avro schema (schemas/sensortag.avsc). */
import { gattOf } from "./gatt.ts";
import type { Model, SensorName } from "./model.ts";
import type { SensorValues, Vec3 } from "./values.ts";

export const FIELDS_OF: Readonly<Record<SensorName, readonly string[]>> = {
  ir: ["ambient", "objecttemp"],
  humidity: ["humidity", "rh"],
  barometer: ["pressure", "barotemp"],
  optical: ["lux"],
  movement: [
    "accel_x",
    "accel_y",
    "accel_z",
    "gyro_x",
    "gyro_y",
    "gyro_z",
    "mag_x",
    "mag_y",
    "mag_z",
  ],
  keys: ["keys"],
  battery: ["battery"],
};

/** Every sensor field, in schema order. */
export const ALL_FIELDS: readonly string[] = Object.values(FIELDS_OF).flat();

export type Fields = Record<string, number>;

function vec(prefix: string, v: Vec3 | undefined, out: Fields): void {
  if (v === undefined) return;
  out[`${prefix}_x`] = v.x;
  out[`${prefix}_y`] = v.y;
  out[`${prefix}_z`] = v.z;
}

/**
 * The flat fields of one decoded value:
 * - ir: `ambient` (die °C), `objecttemp` (°C)
 * - humidity: `humidity` (the humidity chip's temperature, °C, as the
 *   original gateway script stored it), `rh` (%RH)
 * - barometer: `pressure` (hPa), `barotemp` (°C)
 * - optical: `lux`
 * - movement: `accel_*` (g), `gyro_*` (°/s), `mag_*` (µT), only for the parts present
 * - keys: `keys`, the raw key bit mask (see `KeysValues` for the bits per model)
 * - battery: `battery` (integer %)
 */
export function toFields<S extends SensorName>(
  model: Model,
  sensor: S,
  decoded: SensorValues[S],
): Fields {
  gattOf(model, sensor);
  const out: Fields = {};
  switch (sensor) {
    case "ir": {
      const v = decoded as SensorValues["ir"];
      out.ambient = v.ambient;
      out.objecttemp = v.object;
      break;
    }
    case "humidity": {
      const v = decoded as SensorValues["humidity"];
      out.humidity = v.temperature;
      out.rh = v.humidity;
      break;
    }
    case "barometer": {
      const v = decoded as SensorValues["barometer"];
      out.pressure = v.pressure;
      out.barotemp = v.temperature;
      break;
    }
    case "optical":
      out.lux = (decoded as SensorValues["optical"]).lux;
      break;
    case "movement": {
      const v = decoded as SensorValues["movement"];
      vec("accel", v.accel, out);
      vec("gyro", v.gyro, out);
      vec("mag", v.mag, out);
      break;
    }
    case "keys":
      out.keys = (decoded as SensorValues["keys"]).bits;
      break;
    case "battery":
      out.battery = Math.round((decoded as SensorValues["battery"]).level);
      break;
  }
  return out;
}
