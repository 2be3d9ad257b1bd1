/**
 * Writer schemas parsed for decoding in the sink, with avsc.
 *
 * - `long`s decode exactly: a JS number while it is a safe integer, a BigInt
 *   beyond (avsc's own long type refuses values past 2^53).
 * - Unions decode wrapped (`{"branch": value}`), so the branch a value was
 *   written with is known exactly, whatever the union looks like.
 * - Logical types the Avro specification defines are recognised and recorded
 *   on the type (see `logicalOf`); the decoded value stays the underlying
 *   Avro value and `avro_to_bson.ts` turns it into the BSON type. A logical
 *   type that is invalid for its underlying type (a `date` on a string, a
 *   decimal whose scale exceeds its precision, ...) is ignored, as the
 *   specification requires, and the underlying type is used.
 */
import avsc from "avsc";
import { Buffer } from "node:buffer";

export type LogicalInfo =
  | { name: "decimal"; precision: number; scale: number }
  | {
    name:
      | "uuid"
      | "date"
      | "time-millis"
      | "time-micros"
      | "timestamp-millis"
      | "timestamp-micros"
      | "timestamp-nanos"
      | "local-timestamp-millis"
      | "local-timestamp-micros"
      | "local-timestamp-nanos"
      | "duration";
  };

const LOGICAL = new WeakMap<avsc.Type, LogicalInfo>();

/** The logical type a parsed type carries, if any (only for types made by `parseWriterSchema`). */
export function logicalOf(type: avsc.Type): LogicalInfo | undefined {
  return LOGICAL.get(type);
}

/** Thrown when a schema text is not a valid Avro schema. */
export class AvroSchemaError extends Error {
  override name = "AvroSchemaError";
}

/** Parses a writer schema (JSON text or an already parsed schema) for decoding. */
export function parseWriterSchema(schema: string | avsc.Schema): avsc.Type {
  let json: avsc.Schema;
  if (typeof schema === "string") {
    try {
      json = JSON.parse(schema);
    } catch (error) {
      throw new AvroSchemaError(`schema is not JSON: ${(error as Error).message}`);
    }
  } else {
    json = schema;
  }
  try {
    return avsc.Type.forSchema(json, {
      wrapUnions: true,
      registry: { long: EXACT_LONG },
      typeHook,
    });
  } catch (error) {
    throw new AvroSchemaError(`not a valid Avro schema: ${(error as Error).message}`);
  }
}

type SchemaObject = { type?: unknown; logicalType?: unknown; [k: string]: unknown };

function typeHook(schema: avsc.Schema, opts: avsc.ForSchemaOptions): avsc.Type | undefined {
  if (typeof schema === "string") return schema === "long" ? EXACT_LONG : undefined;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return undefined;
  const s = schema as SchemaObject;
  if (typeof s.logicalType === "string") {
    const info = validLogical(s);
    if (info) {
      const { logicalType: _dropped, ...underlying } = s;
      // A fresh instance per annotation, so the WeakMap marks this use only.
      const type = underlying.type === "long"
        ? exactLong()
        : avsc.Type.forSchema(underlying as avsc.Schema, opts);
      LOGICAL.set(type, info);
      return type;
    }
    // Unknown or invalid logical type: the underlying type, as the spec says.
    if (s.type === "long") return EXACT_LONG;
    return undefined;
  }
  return s.type === "long" ? EXACT_LONG : undefined;
}

const INT_LOGICALS = new Set(["date", "time-millis"]);
const LONG_LOGICALS = new Set([
  "time-micros",
  "timestamp-millis",
  "timestamp-micros",
  "timestamp-nanos",
  "local-timestamp-millis",
  "local-timestamp-micros",
  "local-timestamp-nanos",
]);

function validLogical(s: SchemaObject): LogicalInfo | undefined {
  const name = s.logicalType as string;
  const base = s.type;
  if (INT_LOGICALS.has(name)) return base === "int" ? { name } as LogicalInfo : undefined;
  if (LONG_LOGICALS.has(name)) return base === "long" ? { name } as LogicalInfo : undefined;
  switch (name) {
    case "uuid":
      return base === "string" || (base === "fixed" && s.size === 16) ? { name } : undefined;
    case "duration":
      return base === "fixed" && s.size === 12 ? { name } : undefined;
    case "decimal": {
      const precision = s.precision;
      const scale = s.scale ?? 0;
      if (!Number.isInteger(precision) || (precision as number) <= 0) return undefined;
      if (
        !Number.isInteger(scale) || (scale as number) < 0 ||
        (scale as number) > (precision as number)
      ) {
        return undefined;
      }
      if (base === "fixed") {
        const size = s.size;
        if (!Number.isInteger(size) || (size as number) <= 0) return undefined;
        // The most digits a two's-complement number of `size` bytes can hold.
        const maxDigits = Math.floor(Math.log10(2) * (8 * (size as number) - 1));
        if ((precision as number) > maxDigits) return undefined;
      } else if (base !== "bytes") {
        return undefined;
      }
      return { name, precision: precision as number, scale: scale as number };
    }
    default:
      return undefined;
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_LONG = -(1n << 63n);
const MAX_LONG = (1n << 63n) - 1n;

/** An Avro long decoded exactly: a number while safe, a BigInt beyond. */
export type AvroLong = number | bigint;

function exactLong(): avsc.types.LongType {
  return avsc.types.LongType.__with({
    fromBuffer(buf: Buffer): AvroLong {
      const n = buf.readBigInt64LE(0);
      return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
    },
    toBuffer(n: AvroLong): Buffer {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64LE(BigInt(n), 0);
      return buf;
    },
    fromJSON(v: unknown): AvroLong {
      if (typeof v === "number" && Number.isSafeInteger(v)) return v;
      if (typeof v === "bigint" || typeof v === "string" || typeof v === "number") {
        return BigInt(v);
      }
      throw new TypeError(`not a long: ${String(v)}`);
    },
    toJSON(n: AvroLong): number | string {
      return typeof n === "bigint" ? n.toString() : n;
    },
    isValid(n: unknown): boolean {
      if (typeof n === "number") return Number.isSafeInteger(n);
      return typeof n === "bigint" && n >= MIN_LONG && n <= MAX_LONG;
    },
    compare(a: AvroLong, b: AvroLong): number {
      return a < b ? -1 : a > b ? 1 : 0;
    },
  });
}

const EXACT_LONG = exactLong();
