/** The writer schema's required fields must all come from the selected sensors. */
import type { WriterSchema } from "../avro/writer_schema.ts";
import { FIELDS_OF } from "../sensortag/fields.ts";
import type { SensorName } from "../sensortag/model.ts";

/** The record fields the gateway fills itself (identity and time), not a sensor. */
export const FROM_THE_GATEWAY: ReadonlySet<string> = new Set([
  "bid",
  "time",
  "time_ms",
  "model",
  "seq",
  "reading_id",
  "spool_id",
]);

export function requireSchemaFields(schema: WriterSchema, sensors: readonly SensorName[]): void {
  const produced = new Set(sensors.flatMap((s) => FIELDS_OF[s]));
  const missing = schema.requiredFields.filter((f) => !FROM_THE_GATEWAY.has(f) && !produced.has(f));
  if (missing.length === 0) return;
  const needs = missing.map((f) => {
    const sensor = (Object.keys(FIELDS_OF) as SensorName[]).find((s) => FIELDS_OF[s].includes(f));
    return sensor ? `${f} (sensor ${sensor})` : `${f} (no sensor provides it)`;
  });
  throw new Error(
    `the Avro schema requires ${needs.join(", ")}, but --sensors is ${sensors.join(",")}: ` +
      `add the sensor(s), or give --schema a schema where those fields are optional`,
  );
}
