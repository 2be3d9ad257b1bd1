/**
 * Kafka Connect's JSON with schema (`JsonConverter`, `schemas.enable=true`):
 * `{"schema": {...}, "payload": ...}`. The payload is read with its schema,
 * as the converter does, so the document gets the types the schema names:
 * int8/16/32 → int32, int64 → int64, float/double → double, bytes (base64) →
 * Binary, struct → sub-document, map with string keys → sub-document (other
 * keys: a list of `[key, value]` pairs, as the converter encodes them).
 * Connect's logical types: Timestamp and Date → Date (or the connector's
 * text with `datesAs: "string"`), Time → int32 milliseconds of the day (or
 * its text), Decimal → exact Decimal128. A null takes the field's default,
 * else is null when the field is optional, else is an error.
 */
import { Binary, Double, Long } from "bson";
import { Buffer } from "node:buffer";
import type { BsonOptions } from "./avro_to_bson.ts";
import {
  connectorTimestampText,
  connectorTimeText,
  dateFromMillis,
  DateRangeError,
  MS_PER_DAY,
} from "./dates.ts";
import { decimal128FromBytes, decimal128FromUnscaled, DecimalRangeError } from "./decimal.ts";
import { setField } from "./fields.ts";
import { integerValue, numericValue } from "./json_values.ts";
import { isPlainRecord } from "./records.ts";

export interface ConnectSchema {
  type: string;
  optional?: boolean;
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  default?: unknown;
  field?: string;
  fields?: ConnectSchema[];
  items?: ConnectSchema;
  keys?: ConnectSchema;
  values?: ConnectSchema;
}

export interface ConnectEnvelope {
  schema: ConnectSchema | null;
  payload: unknown;
}

/** A payload that does not match its schema. */
export class ConnectJsonError extends Error {
  override name = "ConnectJsonError";
  constructor(readonly path: string, detail: string) {
    super(`${path === "" ? "payload" : `payload field '${path}'`}: ${detail}`);
  }
}

/** Whether `v` is the converter's envelope: exactly `schema` (an object with a type, or null) and `payload`. */
export function isConnectEnvelope(v: unknown): v is ConnectEnvelope {
  if (!isPlainRecord(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 2 || !("schema" in v) || !("payload" in v)) return false;
  const s = v.schema;
  return s === null || (isPlainRecord(s) && typeof s.type === "string");
}

const LOGICAL = {
  timestamp: "org.apache.kafka.connect.data.Timestamp",
  date: "org.apache.kafka.connect.data.Date",
  time: "org.apache.kafka.connect.data.Time",
  decimal: "org.apache.kafka.connect.data.Decimal",
};

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** The payload, read with its schema, as BSON-ready values. */
export function connectToBson(
  schema: ConnectSchema,
  payload: unknown,
  options: BsonOptions = {},
): unknown {
  return convert(schema, payload, "", options.datesAs ?? "date", options.nulls ?? "keep");
}

function convert(
  schema: ConnectSchema,
  value: unknown,
  path: string,
  datesAs: "date" | "string",
  nulls: "keep" | "omit",
): unknown {
  if (value === null || value === undefined) {
    if (schema.default !== undefined && schema.default !== null) {
      return convert(schema, schema.default, path, datesAs, nulls);
    }
    if (schema.optional) return null;
    throw new ConnectJsonError(path, `is null but the schema says it is required (${schema.type})`);
  }
  const fail = (expected: string): never => {
    throw new ConnectJsonError(path, `expected ${expected} for ${describe(schema)}`);
  };
  try {
    switch (schema.type) {
      case "int8":
      case "int16":
      case "int32": {
        const n = integerValue(value);
        const [min, max] = INT_RANGES[schema.type];
        if (n === undefined || n < BigInt(min) || n > BigInt(max)) fail(`an ${schema.type}`);
        const i = Number(n);
        if (schema.name === LOGICAL.date) {
          const d = dateFromMillis(i * MS_PER_DAY, "Date (days)");
          return datesAs === "string" ? connectorTimestampText(d) : d;
        }
        if (schema.name === LOGICAL.time) return datesAs === "string" ? connectorTimeText(i) : i;
        return i;
      }
      case "int64": {
        const n = integerValue(value);
        if (n === undefined) fail("an int64");
        if (schema.name === LOGICAL.timestamp) {
          const d = dateFromMillis(Number(n), "Timestamp");
          return datesAs === "string" ? connectorTimestampText(d) : d;
        }
        return Long.fromBigInt(n!);
      }
      case "float":
      case "double":
      case "float32":
      case "float64": {
        const n = numericValue(value);
        if (n === undefined) fail("a number");
        return new Double(n!);
      }
      case "boolean":
        return typeof value === "boolean" ? value : fail("true or false");
      case "string":
        return typeof value === "string" ? value : fail("a string");
      case "bytes": {
        if (schema.name === LOGICAL.decimal) return decimal(schema, value, fail);
        if (typeof value !== "string") fail("base64 text");
        return new Binary(Buffer.from(value as string, "base64"));
      }
      case "array": {
        if (!Array.isArray(value)) fail("an array");
        if (!schema.items) throw new ConnectJsonError(path, "array schema without items");
        return (value as unknown[]).map((x) =>
          convert(schema.items!, x, `${path}[]`, datesAs, nulls)
        );
      }
      case "map":
        return map(schema, value, path, datesAs, nulls, fail);
      case "struct": {
        if (!isPlainRecord(value)) fail("an object");
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) {
          const name = f.field ?? "";
          const x = convert(
            f,
            Object.hasOwn(value as object, name) ? (value as Record<string, unknown>)[name] : null,
            path === "" ? name : `${path}.${name}`,
            datesAs,
            nulls,
          );
          if (x === null && nulls === "omit") continue;
          setField(out, name, x);
        }
        return out;
      }
      default:
        throw new ConnectJsonError(path, `unknown schema type ${JSON.stringify(schema.type)}`);
    }
  } catch (error) {
    if (error instanceof DateRangeError || error instanceof DecimalRangeError) {
      throw new ConnectJsonError(path, error.message);
    }
    throw error;
  }
}

function map(
  schema: ConnectSchema,
  value: unknown,
  path: string,
  datesAs: "date" | "string",
  nulls: "keep" | "omit",
  fail: (expected: string) => never,
): unknown {
  if (!schema.keys || !schema.values) {
    throw new ConnectJsonError(path, "map schema without keys and values");
  }
  if (schema.keys.type === "string") {
    if (!isPlainRecord(value)) fail("an object");
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
      const converted = convert(schema.values, x, `${path}{}`, datesAs, nulls);
      if (converted === null && nulls === "omit") continue;
      setField(out, k, converted);
    }
    return out;
  }
  if (!Array.isArray(value)) fail("an array of [key, value] pairs");
  return (value as unknown[]).map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail("an array of [key, value] pairs");
    const [k, x] = pair as unknown[];
    return [
      convert(schema.keys!, k, `${path}{key}`, datesAs, nulls),
      convert(schema.values!, x, `${path}{}`, datesAs, nulls),
    ];
  });
}

function decimal(schema: ConnectSchema, value: unknown, fail: (e: string) => never): unknown {
  const scale = Number(schema.parameters?.scale ?? 0);
  if (!Number.isInteger(scale)) fail("a Decimal schema with an integer scale parameter");
  if (typeof value === "string") return decimal128FromBytes(Buffer.from(value, "base64"), scale);
  // decimal.format=NUMERIC: the number itself.
  const n = integerValue(value);
  if (n !== undefined) return decimal128FromUnscaled(n * 10n ** BigInt(scale), scale);
  const x = numericValue(value);
  if (x === undefined) return fail("base64 text or a number");
  const [int, frac = ""] = String(x).split(".");
  if (/e/i.test(int)) fail("a number in plain notation");
  return decimal128FromUnscaled(BigInt(`${int}${frac.padEnd(scale, "0").slice(0, scale)}`), scale);
}

function describe(schema: ConnectSchema): string {
  return schema.name ? `${schema.type} (${schema.name})` : schema.type;
}
