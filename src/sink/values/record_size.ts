/**
 * The size of a Kafka record as the sink counts it for `--max-record-bytes`:
 * key, value, and every header's name and value (UTF-8). A record over the
 * limit is poison before anything of it is decoded.
 */
import { PoisonRecordError } from "./poison.ts";

/** The sink's default `--max-record-bytes`: 8 MiB. */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

export interface SizedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
}

const utf8 = new TextEncoder();

function textBytes(s: string): number {
  // ASCII is one byte per character; only other text needs encoding to count.
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : utf8.encode(s).length;
}

/** Key, value and header bytes of a record. */
export function recordBytes(r: SizedRecord): { key: number; value: number; headers: number } {
  let headers = 0;
  for (const [name, value] of Object.entries(r.headers)) {
    headers += textBytes(name) + textBytes(value);
  }
  return { key: r.key?.length ?? 0, value: r.value?.length ?? 0, headers };
}

/** Throws a `too-large` PoisonRecordError for a record over `max` bytes. */
export function checkRecordSize(r: SizedRecord, max: number): void {
  // The value and key alone already over: no need to look at the headers.
  const { key, value, headers } = recordBytes(r);
  const total = key + value + headers;
  if (total > max) {
    throw new PoisonRecordError(
      "too-large",
      `the record has ${total} bytes (key ${key}, value ${value}, headers ${headers}), ` +
        `more than --max-record-bytes ${max}`,
    );
  }
}
