/** The SensorTag readings the sink benchmarks pre-fill their topics with. */
import { type AvroRecord, readingToRecord } from "../../src/avro/reading_record.ts";
import { newUuidV7, uuidV7Generator } from "../../src/util/uuid_v7.ts";

const DEVICES = 100;
const T0 = 1_700_000_000_000;
let takenMs = T0;
const nextReadingId = uuidV7Generator({ now: () => takenMs });
const spoolId = newUuidV7();

/**
 * Reading `i` of a benchmark topic: 100 devices in turn, 10 ms apart, values varying with `i`,
 * each with a `reading_id` of its own (a UUIDv7 of its time), one spool's `spool_id` and its
 * device's `seq`, as `gateway produce` sends them.
 */
export function benchReading(i: number): AvroRecord {
  takenMs = T0 + i * 10;
  return readingToRecord(
    {
      address: `B0:B4:48:00:00:${(i % DEVICES).toString(16).padStart(2, "0").toUpperCase()}`,
      model: "cc2650",
      time: takenMs,
      fields: { ambient: 21 + (i % 50) / 10, objecttemp: 19.5, humidity: 22, rh: 40 + (i % 30) },
    },
    Math.floor(i / DEVICES) + 1,
    { readingId: nextReadingId(), spoolId },
  );
}
