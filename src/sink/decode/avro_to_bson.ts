/**
 * Avro values (as avsc decodes them) → BSON-ready values, walking the type:
 * int → Int32, long → Int64 (Long: the type survives the round trip), float
 * and double → Double, bytes and fixed → Binary, map → sub-document, record →
 * sub-document, enum → string, union → its branch; logical types:
 * timestamp-millis/micros, local-timestamp-* and date → Date (or, with
 * `datesAs: "string"`, the ISO-8601 text the connector writes), decimal →
 * Decimal128 (exact), uuid → UUID.
 */
import avsc from "avsc";
import { Binary, Decimal128, Double, Int32, Long, UUID } from "mongodb";

export interface BsonOptions {
  datesAs: "date" | "string";
}

const MS_PER_DAY = 86_400_000;

export function avroToBson(type: avsc.Type, value: unknown, options: BsonOptions): unknown {
  if (value === null || value === undefined) return null;
  const schema = type.schema() as unknown;
  const logical = logicalOf(type);
  if (logical) return fromLogical(type, logical, value, options);
  switch (type.typeName) {
    case "int":
      return new Int32(value as number);
    case "long":
      return typeof value === "bigint" ? Long.fromBigInt(value) : Long.fromNumber(value as number);
    case "float":
    case "double":
      return new Double(value as number);
    case "boolean":
    case "string":
    case "enum":
      return value;
    case "bytes":
    case "fixed":
      return new Binary(value as Uint8Array);
    case "array": {
      const items = (type as avsc.types.ArrayType).itemsType;
      return (value as unknown[]).map((v) => avroToBson(items, v, options));
    }
    case "map": {
      const values = (type as avsc.types.MapType).valuesType;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = avroToBson(values, v, options);
      }
      return out;
    }
    case "record":
    case "error": {
      const out: Record<string, unknown> = {};
      for (const f of (type as avsc.types.RecordType).fields) {
        out[f.name] = avroToBson(f.type, (value as Record<string, unknown>)[f.name], options);
      }
      return out;
    }
    case "union:unwrapped": {
      const branch = (type as avsc.types.UnwrappedUnionType).types.find((t) =>
        t.typeName !== "null" && t.isValid(value)
      );
      return branch ? avroToBson(branch, value, options) : value;
    }
    case "union:wrapped": {
      const [name, inner] = Object.entries(value as Record<string, unknown>)[0];
      const branch = (type as avsc.types.WrappedUnionType).types.find((t) =>
        (t.branchName ?? t.typeName) === name
      );
      return branch ? avroToBson(branch, inner, options) : inner;
    }
    default:
      void schema;
      return value;
  }
}

function logicalOf(type: avsc.Type): string | undefined {
  const s = type.schema({ exportAttrs: true }) as { logicalType?: string };
  return typeof s === "object" && s !== null ? s.logicalType : undefined;
}

function fromLogical(
  type: avsc.Type,
  logical: string,
  value: unknown,
  options: BsonOptions,
): unknown {
  const asDate = (
    ms: number,
  ) => (options.datesAs === "string" ? new Date(ms).toISOString() : new Date(ms));
  const n = typeof value === "bigint" ? Number(value) : value as number;
  switch (logical) {
    case "timestamp-millis":
    case "local-timestamp-millis":
      return asDate(n);
    case "timestamp-micros":
    case "local-timestamp-micros":
      return asDate(Math.floor(n / 1000));
    case "date":
      return options.datesAs === "string"
        ? new Date(n * MS_PER_DAY).toISOString().slice(0, 10)
        : new Date(n * MS_PER_DAY);
    case "time-millis":
      return new Int32(n);
    case "time-micros":
      return Long.fromNumber(n);
    case "uuid":
      return typeof value === "string" ? new UUID(value) : value;
    case "decimal": {
      const s = type.schema({ exportAttrs: true }) as { scale?: number };
      return decimalFromBytes(value as Uint8Array, s.scale ?? 0);
    }
    default: {
      // Unknown logical type: the underlying Avro type decides.
      const base = avsc.Type.forSchema(stripLogical(type.schema({ exportAttrs: true })));
      return avroToBson(base, value, options);
    }
  }
}

function stripLogical(schema: unknown): avsc.Schema {
  const { logicalType: _l, ...rest } = schema as Record<string, unknown>;
  return rest as avsc.Schema;
}

/** The unscaled two's-complement big-endian integer and the scale, as an exact Decimal128. */
export function decimalFromBytes(bytes: Uint8Array, scale: number): Decimal128 {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0] & 0x80) n -= 1n << BigInt(bytes.length * 8);
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return Decimal128.fromString(`${negative ? "-" : ""}${digits}`);
}
