/**
 * What the sink's record path carries between its I/O and its pure logic: a record as consumed
 * (io → record), and what becomes of it (record → io). Plain data: no Kafka, no MongoDB types.
 */
import type { WriteModel } from "../shape/write_models.ts";

/** One Kafka record as the sink consumed it (headers as text). */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** What becomes of one record: a write, a dead letter, or nothing (e.g. a skipped tombstone). */
export type Disposition =
  | { kind: "write"; op: WriteModel }
  | { kind: "dead"; reason: string; message: string; errorClass?: string }
  | { kind: "skip" };
