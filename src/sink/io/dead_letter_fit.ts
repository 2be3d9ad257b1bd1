/**
 * Fitting dead letters into what the dead-letter topic accepts (its `max.message.bytes`): a
 * letter too large is cut to its first bytes, with headers saying it was truncated and how large
 * the original was; letters are grouped into sends whose record batch stays under the limit
 * (the broker checks the whole batch of one partition against it). Pure.
 */
import { Buffer } from "node:buffer";
import type { IHeaders } from "kafkajs";

/** Header set on a truncated dead letter: `true`. */
export const TRUNCATED_HEADER = "gateway.error.truncated";
/** Header on a truncated dead letter: the original value size in bytes. */
export const ORIGINAL_SIZE_HEADER = "gateway.error.original.value.bytes";
/** Header on a truncated dead letter: the original key size in bytes. */
export const ORIGINAL_KEY_SIZE_HEADER = "gateway.error.original.key.bytes";

/** Room kept for the record batch header and per-record framing. */
export const BATCH_OVERHEAD = 512;
const RECORD_OVERHEAD = 64;

/** One message as the dead-letter producer sends it. */
export interface OutgoingLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp?: string;
}

/** Bytes the message takes in a record batch, over-estimated a little. */
export function messageSize(m: OutgoingLetter): number {
  let n = RECORD_OVERHEAD + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  for (const [k, v] of Object.entries(m.headers)) {
    n += 8 + Buffer.byteLength(k);
    for (const x of Array.isArray(v) ? v : [v]) {
      n += x === undefined ? 0 : typeof x === "string" ? Buffer.byteLength(x) : x.length;
    }
  }
  return n;
}

/**
 * `m` as it fits in a batch of its own under `limit` bytes: unchanged when it does, else with its
 * value (then its key) cut to the bytes left, and the truncation headers added.
 */
export function fitLetter(m: OutgoingLetter, limit: number): OutgoingLetter {
  const budget = limit - BATCH_OVERHEAD;
  if (messageSize(m) <= budget) return m;
  const headers: IHeaders = {
    ...m.headers,
    [TRUNCATED_HEADER]: "true",
    [ORIGINAL_SIZE_HEADER]: String(m.value?.length ?? 0),
    [ORIGINAL_KEY_SIZE_HEADER]: String(m.key?.length ?? 0),
  };
  const bare = messageSize({ key: null, value: null, headers });
  let room = Math.max(0, budget - bare);
  const key = m.key && m.key.length > room ? m.key.subarray(0, room) : m.key;
  room -= key?.length ?? 0;
  const value = m.value && m.value.length > room ? m.value.subarray(0, room) : m.value;
  return { ...m, key, value, headers };
}

/** Consecutive groups of messages, each under `limit` bytes in all (a message alone may fill one). */
export function groupBySize(messages: OutgoingLetter[], limit: number): OutgoingLetter[][] {
  const budget = limit - BATCH_OVERHEAD;
  const groups: OutgoingLetter[][] = [];
  let current: OutgoingLetter[] = [];
  let size = 0;
  for (const m of messages) {
    const s = messageSize(m);
    if (current.length > 0 && size + s > budget) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += s;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
