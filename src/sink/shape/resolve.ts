/** Reading one field reference (value, key, header or metadata) out of a record. */
import { Long } from "bson";
import type { FieldRef } from "../kcql/plan_types.ts";
import { refText } from "../kcql/fields.ts";
import { parseJsonForBson } from "../values/json_values.ts";
import { MissingFieldError, ShapeError } from "./errors.ts";
import { describeValue, isRecord, listNames } from "./values.ts";

/** One Kafka record, its value and key already decoded into plain JS / BSON-ready values. */
export interface ShapeInput {
  /** The decoded value: a record (plain object) whose leaves may be Date, Long, Decimal128, Binary, …; null for a tombstone. */
  value: unknown;
  /** The decoded key (a record, a string, bytes, …), or null. */
  key?: unknown;
  /** Header values: strings, bytes (UTF-8 text is decoded, other bytes kept), or arrays of those. */
  headers?: Readonly<Record<string, unknown>>;
  topic: string;
  partition: number;
  /** The offset, as Kafka clients give it (a decimal string). */
  offset: string | number | bigint;
  /** Milliseconds since the epoch (as a decimal string, number or bigint), or a Date. */
  timestamp: string | number | bigint | Date;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The value of `ref` in `input`. Throws MissingFieldError when it is not there. */
export function resolveField(ref: FieldRef, input: ShapeInput): unknown {
  switch (ref.kind) {
    case "value":
      return walk(input.value, ref, "the record value", "is null (a tombstone)");
    case "key":
      if (ref.path.length === 0) return input.key ?? null;
      return walk(input.key ?? null, ref, "the record key", "is null");
    case "header":
      return header(input, ref);
    case "meta":
      return meta(input, ref.path[0]);
  }
}

function walk(
  root: unknown,
  ref: FieldRef,
  rootName: string,
  nullRoot: string,
  text = refText(ref),
): unknown {
  if (root === null || root === undefined) {
    throw new MissingFieldError(text, `${rootName} ${nullRoot}`);
  }
  let current: unknown = root;
  for (let i = 0; i < ref.path.length; i++) {
    const seg = ref.path[i];
    const where = i === 0 ? rootName : `'${ref.path.slice(0, i).join(".")}'`;
    if (!isRecord(current)) {
      // A null parent gives null, as in the connector (an optional record that is not set).
      if (current === null && i > 0) return null;
      throw new MissingFieldError(text, `${where} is ${describeValue(current)}, not a record`);
    }
    if (!Object.hasOwn(current, seg)) {
      throw new MissingFieldError(
        text,
        `${where} has no field '${seg}' (it has ${listNames(current)})`,
      );
    }
    current = current[seg];
  }
  return current === undefined ? null : current;
}

function header(input: ShapeInput, ref: FieldRef): unknown {
  const headers = input.headers ?? {};
  if (ref.path.length === 0) return allHeaders(headers);
  const name = ref.path[0];
  if (!Object.hasOwn(headers, name) || headers[name] === undefined) {
    const names = Object.keys(headers);
    throw new MissingFieldError(
      refText(ref),
      `the record has no header '${name}' (it has ${names.length ? names.join(", ") : "none"})`,
    );
  }
  const v = headers[name];
  const value = Array.isArray(v) ? v.map(headerValue) : headerValue(v);
  if (ref.path.length === 1) return value;
  // `_header.p.c`: field c of header p, whose value is a JSON object (as Kafka Connect's
  // header converter reads a structured header).
  const inner = { kind: ref.kind, path: ref.path.slice(1) };
  const record = headerRecord(value);
  if (record === undefined) {
    throw new MissingFieldError(
      refText(ref),
      `header '${name}' is ${describeHeader(value)}, not a JSON object`,
    );
  }
  return walk(record, inner, `header '${name}'`, "is null", refText(ref));
}

/** Every header by name, each as `_header.<name>` gives it. */
function allHeaders(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out.set(name, Array.isArray(v) ? v.map(headerValue) : headerValue(v));
  }
  return Object.fromEntries(out);
}

/** A header value read as a JSON object, or undefined when it is not one. */
export function headerRecord(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = parseJsonForBson(value);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function describeHeader(value: unknown): string {
  if (typeof value === "string") {
    return value.trimStart().startsWith("{") ? "not valid JSON" : "text";
  }
  return describeValue(value);
}

function headerValue(v: unknown): unknown {
  if (!(v instanceof Uint8Array)) return v;
  try {
    return utf8.decode(v);
  } catch {
    return v;
  }
}

function meta(input: ShapeInput, name: string): unknown {
  switch (name) {
    case "topic":
      return input.topic;
    case "partition":
      return input.partition;
    case "offset": {
      const text = String(input.offset);
      if (!/^-?[0-9]+$/.test(text)) {
        throw new ShapeError(`the record offset '${text}' is not a whole number`);
      }
      return Long.fromString(text);
    }
    case "timestamp":
      return timestampOf(input.timestamp);
  }
  throw new ShapeError(`unknown record metadata '_.${name}'`);
}

function timestampOf(ts: ShapeInput["timestamp"]): Date {
  if (ts instanceof Date) return ts;
  const ms = typeof ts === "string"
    ? (/^-?[0-9]+$/.test(ts.trim()) ? Number(ts) : NaN)
    : Number(ts);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) {
    throw new ShapeError(`the record timestamp '${String(ts)}' is not a time`);
  }
  return date;
}
