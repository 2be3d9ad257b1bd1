/** The SensorTag readings the sink benchmarks pre-fill their topics with. */
import { type AvroRecord, readingToRecord } from "../../src/avro/reading_record.ts";

/** Reading `i` of a benchmark topic: 100 devices in turn, 10 ms apart, values varying with `i`. */
export function benchReading(i: number): AvroRecord {
  return readingToRecord({
    address: `B0:B4:48:00:00:${(i % 100).toString(16).padStart(2, "0").toUpperCase()}`,
    model: "cc2650",
    time: 1_700_000_000_000 + i * 10,
    fields: { ambient: 21 + (i % 50) / 10, objecttemp: 19.5, humidity: 22, rh: 40 + (i % 30) },
  });
}
