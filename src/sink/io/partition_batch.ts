/**
 * One Kafka batch (one partition) through the sink: decode, shape, write in
 * ordered chunks of the statement's BATCH, dead-letter what cannot be
 * written, and report the offset that may be committed: the one after the
 * last record whose fate (written or dead-lettered) is settled.
 */
import { Buffer } from "node:buffer";
import type { AnyBulkWriteOperation, Document } from "mongodb";
import type { DeadLetter } from "./dead_letters.ts";

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
  | { kind: "write"; op: AnyBulkWriteOperation<Document> }
  | { kind: "dead"; reason: string; message: string; errorClass?: string }
  | { kind: "skip" };

export interface PreparedRecord {
  record: IncomingRecord;
  disposition: Disposition;
}

/** Splits prepared records into runs of writes of at most `batchSize`, keeping order. */
export function chunkWrites(prepared: PreparedRecord[], batchSize: number): PreparedRecord[][] {
  const chunks: PreparedRecord[][] = [];
  let current: PreparedRecord[] = [];
  for (const p of prepared) {
    if (p.disposition.kind !== "write") continue;
    current.push(p);
    if (current.length >= batchSize) {
      chunks.push(current);
      current = [];
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function toDeadLetter(
  r: IncomingRecord,
  reason: string,
  message: string,
  errorClass?: string,
): DeadLetter {
  const buf = (
    b: Uint8Array | null,
  ) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: buf(r.key),
    value: buf(r.value),
    headers: r.headers,
    timestamp: r.timestamp,
    reason,
    message,
    errorClass,
  };
}
