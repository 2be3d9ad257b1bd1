/** Maps one merged SensorTag reading onto the Avro record of `schemas/sensortag.avsc`. */

import type { Reading } from "../sensortag/reading.ts";

export type { Reading };

export type AvroRecord = Record<string, unknown>;

/**
 * Builds the record: `bid` and `time` (epoch seconds) as the original script
 * wrote them, `time_ms`, `model` and the per-device `seq` beside them, then every sensor field.
 * Fields the schema does not know are left to the encoder to reject or drop.
 */
export function readingToRecord(reading: Reading, seq?: number): AvroRecord {
  return {
    ...reading.fields,
    bid: reading.address,
    time: Math.floor(reading.time / 1000),
    time_ms: reading.time,
    model: reading.model,
    seq: seq ?? null,
  };
}
