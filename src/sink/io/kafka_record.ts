/**
 * A kafkajs message as the sink's record path takes it ({@linkcode IncomingRecord}): key and
 * value as byte views (no copy), headers as text. The io → record step of the sink's one-way
 * record path (io → record → io).
 */
import { Buffer } from "node:buffer";
import type { KafkaMessage } from "kafkajs";
import type { IncomingRecord } from "../record/record.ts";

/** The record at `m` of `topic`/`partition`. */
export function incomingRecord(topic: string, partition: number, m: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? new Uint8Array(m.key.buffer, m.key.byteOffset, m.key.byteLength) : null,
    value: m.value ? new Uint8Array(m.value.buffer, m.value.byteOffset, m.value.byteLength) : null,
    headers: headersOf(m.headers),
    timestamp: m.timestamp,
  };
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Kafka headers as text; most records have none, and they share one frozen empty object. */
function headersOf(headers: KafkaMessage["headers"]): Record<string, string> {
  const entries = headers ? Object.entries(headers) : [];
  if (entries.length === 0) return NO_HEADERS;
  // fromEntries: a header called "__proto__" stays an ordinary key.
  return Object.fromEntries(entries.map(([k, v]) => [k, headerText(v as Buffer) ?? ""]));
}

/** A header value as text (kafkajs hands them over as Buffers; the last of repeated ones). */
export function headerText(
  value: Buffer | string | (Buffer | string)[] | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof v === "string" ? v : Buffer.from(v).toString("utf8");
}
