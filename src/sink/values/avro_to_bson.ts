/**
 * Avro values (as avsc decodes them) → values the MongoDB driver writes with
 * the BSON type that matches the Avro type, walking the writer schema.
 *
 * The choices, so that types round-trip:
 * - int → a JS number: the driver writes an integral number in int32 range as
 *   BSON int32, which every Avro int is, so no wrapper is needed.
 * - long → `Long` (BSON int64), exact beyond 2^53 (also for values that would
 *   fit an int32: a long stays a long).
 * - float, double → `Double`: a bare JS number 21.0 would be written as int32.
 * - bytes, fixed → `Binary` (subtype 0), copied out of the record buffer.
 * - string, boolean, enum (its symbol) → as is; null → null.
 * - array → array; map → sub-document; record → sub-document (a plain object);
 *   union → the value of its branch.
 * - Logical types: timestamp-millis/-micros/-nanos, local-timestamp-* and
 *   date → `Date` (micros and nanos truncated to the millisecond;
 *   local-timestamps read as UTC wall time); time-millis → int32 number,
 *   time-micros → `Long`; decimal → `Decimal128`, exact (an error past 34
 *   digits); uuid → `UUID` (BSON binary subtype 4); duration → sub-document
 *   `{months, days, milliseconds}` of `Long`s.
 *
 * `datesAs: "string"` writes what the Stream Reactor connector writes: it
 * receives Avro through Confluent's AvroConverter, which maps only
 * timestamp-millis, date and time-millis to Connect's logical types, and
 * stores those as text (`2024-05-01T12:00:00.000Z`, dates as midnight UTC in
 * the same form, times as `13:45:10.123+0000`); the other time logical types
 * reach it as plain longs and are written as `Long`.
 *
 * `nulls: "omit"` leaves null fields (and null map values) out of documents,
 * as the connector does for values with a schema (Avro, Connect JSON with
 * schema); the default keeps them as null. Plain JSON is kept as written.
 */
import type avsc from "avsc";
import { Binary, Double, Long, UUID } from "bson";
import { type LogicalInfo, logicalOf } from "./avro_schema.ts";
import {
  connectorTimestampText,
  connectorTimeText,
  dateFromMillis,
  DateRangeError,
  millisFrom,
  MS_PER_DAY,
} from "./dates.ts";
import { decimal128FromBytes, DecimalRangeError } from "./decimal.ts";
import { setField } from "./fields.ts";

export interface BsonOptions {
  /** "date" (default): BSON dates; "string": the connector's text for the types it maps. */
  datesAs?: "date" | "string";
  /** "keep" (default): null fields are written as null; "omit": left out, as the connector does. */
  nulls?: "keep" | "omit";
}

/** A decoded value that has no faithful BSON form (a 40-digit decimal, a date out of range, ...). */
export class BsonConversionError extends Error {
  override name = "BsonConversionError";
  constructor(readonly path: string, detail: string) {
    super(`${path === "" ? "the value" : `field '${path}'`}: ${detail}`);
  }
}

export type BsonConverter = (value: unknown) => unknown;

const CACHE = new WeakMap<avsc.Type, Map<string, BsonConverter>>();

/** The converter for values of `type`, compiled once per type and options. */
export function bsonConverter(type: avsc.Type, options: BsonOptions = {}): BsonConverter {
  const o: Required<BsonOptions> = {
    datesAs: options.datesAs ?? "date",
    nulls: options.nulls ?? "keep",
  };
  const key = `${o.datesAs}/${o.nulls}`;
  let byOptions = CACHE.get(type);
  if (!byOptions) CACHE.set(type, byOptions = new Map());
  let converter = byOptions.get(key);
  if (!converter) byOptions.set(key, converter = compile(type, "", o, new Map()));
  return converter;
}

/** Converts one decoded value of `type`. */
export function avroToBson(type: avsc.Type, value: unknown, options: BsonOptions = {}): unknown {
  return bsonConverter(type, options)(value);
}

type Stack = Map<avsc.Type, { impl?: BsonConverter }>;

function compile(
  type: avsc.Type,
  path: string,
  o: Required<BsonOptions>,
  stack: Stack,
): BsonConverter {
  const pending = stack.get(type);
  if (pending) return (v) => pending.impl!(v); // a recursive type: bound once compiled
  const slot: { impl?: BsonConverter } = {};
  stack.set(type, slot);
  try {
    slot.impl = build(type, path, o, stack);
    return slot.impl;
  } finally {
    stack.delete(type);
  }
}

const identity: BsonConverter = (v) => v;

function build(
  type: avsc.Type,
  path: string,
  o: Required<BsonOptions>,
  stack: Stack,
): BsonConverter {
  const logical = logicalOf(type);
  if (logical) return buildLogical(logical, path, o);
  switch (type.typeName) {
    case "null":
      return () => null;
    case "boolean":
    case "string":
    case "enum":
    case "int":
      return identity;
    case "long":
    case "abstract:long":
      return toLong;
    case "float":
    case "double":
      return (v) => new Double(v as number);
    case "bytes":
    case "fixed":
      return (v) => new Binary(Uint8Array.from(v as Uint8Array));
    case "array": {
      const item = compile((type as avsc.types.ArrayType).itemsType, `${path}[]`, o, stack);
      return (v) => (v as unknown[]).map(item);
    }
    case "map": {
      const value = compile((type as avsc.types.MapType).valuesType, `${path}{}`, o, stack);
      const omit = o.nulls === "omit";
      return (v) => {
        const out: Record<string, unknown> = {};
        const m = v as Record<string, unknown>;
        for (const k of Object.keys(m)) {
          const x = m[k];
          if (x === null && omit) continue;
          setField(out, k, value(x));
        }
        return out;
      };
    }
    case "record":
    case "error": {
      const fields = (type as avsc.types.RecordType).fields.map((f) =>
        [f.name, compile(f.type, path === "" ? f.name : `${path}.${f.name}`, o, stack)] as const
      );
      const omit = o.nulls === "omit";
      return (v) => {
        const r = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [name, convert] of fields) {
          const x = convert(r[name]);
          if (x === null && omit) continue;
          setField(out, name, x);
        }
        return out;
      };
    }
    case "union:wrapped": {
      const branches = new Map<string, BsonConverter>();
      for (const t of (type as avsc.types.WrappedUnionType).types) {
        const name = t.branchName ?? t.typeName;
        branches.set(name, compile(t, path, o, stack));
      }
      return (v) => {
        if (v === null || v === undefined) return null;
        for (const name in v as Record<string, unknown>) {
          const convert = branches.get(name);
          if (convert) return convert((v as Record<string, unknown>)[name]);
        }
        throw new BsonConversionError(path, "a union value names none of the union's branches");
      };
    }
    case "union:unwrapped": {
      const branches = (type as avsc.types.UnwrappedUnionType).types
        .filter((t) => t.typeName !== "null")
        .map((t) => [t, compile(t, path, o, stack)] as const);
      return (v) => {
        if (v === null || v === undefined) return null;
        for (const [t, convert] of branches) if (t.isValid(v)) return convert(v);
        throw new BsonConversionError(path, "the value matches none of the union's branches");
      };
    }
    default:
      if (type.typeName.startsWith("logical:")) {
        // Parsed elsewhere with avsc logical types: convert what lies beneath.
        return compile((type as avsc.types.LogicalType).underlyingType, path, o, stack);
      }
      throw new BsonConversionError(path, `unsupported Avro type ${type.typeName}`);
  }
}

function toLong(v: unknown): Long {
  return typeof v === "bigint" ? Long.fromBigInt(v) : Long.fromNumber(v as number);
}

const UNITS_PER_MS: Record<string, number> = {
  "timestamp-millis": 1,
  "timestamp-micros": 1_000,
  "timestamp-nanos": 1_000_000,
  "local-timestamp-millis": 1,
  "local-timestamp-micros": 1_000,
  "local-timestamp-nanos": 1_000_000,
};

function buildLogical(
  logical: LogicalInfo,
  path: string,
  o: Required<BsonOptions>,
): BsonConverter {
  const asText = o.datesAs === "string";
  const guard = (f: BsonConverter): BsonConverter => (v) => {
    try {
      return f(v);
    } catch (error) {
      if (error instanceof DateRangeError || error instanceof DecimalRangeError) {
        throw new BsonConversionError(path, error.message);
      }
      throw error;
    }
  };
  switch (logical.name) {
    case "date":
      return guard((v) => {
        const d = dateFromMillis((v as number) * MS_PER_DAY, "date (days)");
        return asText ? connectorTimestampText(d) : d;
      });
    case "time-millis":
      return asText ? (v) => connectorTimeText(v as number) : identity;
    case "time-micros":
      return toLong;
    case "timestamp-millis":
      return guard((v) => {
        const d = dateFromMillis(Number(v), logical.name);
        return asText ? connectorTimestampText(d) : d;
      });
    case "timestamp-micros":
    case "timestamp-nanos":
    case "local-timestamp-millis":
    case "local-timestamp-micros":
    case "local-timestamp-nanos": {
      if (asText) return toLong; // the connector never sees these as dates
      const units = UNITS_PER_MS[logical.name];
      return guard((v) => dateFromMillis(millisFrom(v as number | bigint, units), logical.name));
    }
    case "decimal": {
      const scale = logical.scale;
      return guard((v) => decimal128FromBytes(v as Uint8Array, scale));
    }
    case "uuid":
      return (v) => {
        try {
          return new UUID(typeof v === "string" ? v : Uint8Array.from(v as Uint8Array));
        } catch {
          throw new BsonConversionError(
            path,
            `uuid ${JSON.stringify(typeof v === "string" ? v : "(16 bytes)")} is not a UUID`,
          );
        }
      };
    case "duration":
      return (v) => {
        const b = v as Uint8Array;
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        return {
          months: Long.fromNumber(view.getUint32(0, true)),
          days: Long.fromNumber(view.getUint32(4, true)),
          milliseconds: Long.fromNumber(view.getUint32(8, true)),
        };
      };
  }
}
