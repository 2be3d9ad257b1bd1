/** Maps one merged SensorTag reading onto the Avro record of `schemas/sensortag.avsc`. */

import type { Reading } from "../sensortag/reading.ts";

export type { Reading };

export type AvroRecord = Record<string, unknown>;

/** Who a reading is: its identity for ever, and the spool that numbered it. */
export interface ReadingIdentity {
  /** UUIDv7 given when the reading was taken; a resend carries the same. */
  readingId: string;
  /** The id of the spool whose `seq` the reading carries. */
  spoolId: string;
}

/**
 * Builds the record: `bid` and `time` (epoch seconds) as the original script
 * wrote them, `time_ms`, `model`, the per-device `seq`, `reading_id` and `spool_id` beside them,
 * then every sensor field. Fields the schema does not know are left to the encoder to reject or
 * drop.
 */
export function readingToRecord(
  reading: Reading,
  seq?: number,
  identity?: ReadingIdentity,
): AvroRecord {
  return {
    ...reading.fields,
    bid: reading.address,
    time: Math.floor(reading.time / 1000),
    time_ms: reading.time,
    model: reading.model,
    seq: seq ?? null,
    reading_id: identity?.readingId ?? null,
    spool_id: identity?.spoolId ?? null,
  };
}
