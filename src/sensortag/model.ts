/**
 * The two TI SensorTag models and the sensors each one carries.
 *
 * - `cc2650`: SimpleLink multi-standard SensorTag (CC2650STK).
 * - `cc2541`: the original SensorTag (CC2541DK-SENSOR).
 */

export const MODELS = ["cc2650", "cc2541"] as const;
export type Model = (typeof MODELS)[number];

/** Sensor names in the order the gateway reads and documents them. */
export const SENSOR_NAMES = [
  "ir",
  "humidity",
  "barometer",
  "optical",
  "movement",
  "keys",
  "battery",
] as const;
export type SensorName = (typeof SENSOR_NAMES)[number];

/** Chips behind every sensor of every model (CC2541 movement is three chips, three services). */
export const PARTS: Readonly<Record<Model, Partial<Record<SensorName, readonly string[]>>>> = {
  cc2650: {
    ir: ["tmp007"],
    humidity: ["hdc1000"],
    barometer: ["bmp280"],
    optical: ["opt3001"],
    movement: ["mpu9250"],
    keys: ["keys"],
    battery: ["battery"],
  },
  cc2541: {
    ir: ["tmp006"],
    humidity: ["sht21"],
    barometer: ["t5400"],
    movement: ["kxtj9", "mag3110", "imu3000"],
    keys: ["keys"],
  },
};

export function isModel(s: string): s is Model {
  return (MODELS as readonly string[]).includes(s);
}

export function isSensorName(s: string): s is SensorName {
  return (SENSOR_NAMES as readonly string[]).includes(s);
}

/** Parses a model name (case-insensitive), or throws naming the valid ones. */
export function parseModel(s: string): Model {
  const m = s.trim().toLowerCase();
  if (!isModel(m)) {
    throw new Error(`unknown SensorTag model "${s}": valid models are ${MODELS.join(", ")}`);
  }
  return m;
}

/**
 * Parses a comma-separated sensor list such as `"ir,humidity"`. Blanks around
 * names are ignored, names are case-insensitive and duplicates are dropped
 * (first occurrence kept). An empty list, an empty entry or an unknown name
 * is an Error that names the offender and lists the valid sensors.
 */
export function parseSensorList(list: string): SensorName[] {
  const valid = SENSOR_NAMES.join(", ");
  const parts = list.split(",").map((p) => p.trim().toLowerCase());
  if (parts.length === 1 && parts[0] === "") {
    throw new Error(`empty sensor list: give one or more of ${valid}`);
  }
  const out: SensorName[] = [];
  parts.forEach((p, i) => {
    if (p === "") {
      throw new Error(
        `empty sensor name at position ${i + 1} of "${list}": valid sensors are ${valid}`,
      );
    }
    if (!isSensorName(p)) {
      throw new Error(`unknown sensor "${p}" in "${list}": valid sensors are ${valid}`);
    }
    if (!out.includes(p)) out.push(p);
  });
  return out;
}

/** Sensors present on a model, in `SENSOR_NAMES` order. CC2541 has no optical sensor and no battery service. */
export function sensorsOf(model: Model): SensorName[] {
  return SENSOR_NAMES.filter((s) => PARTS[model][s] !== undefined);
}

/** True when `model` carries `sensor`. */
export function hasSensor(model: Model, sensor: SensorName): boolean {
  return PARTS[model][sensor] !== undefined;
}
