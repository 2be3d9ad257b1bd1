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
import { Binary, Decimal128, Double, Int32, Long } from "mongodb";

export interface BsonOptions {
  datesAs: "date" | "string";
}

const MS_PER_DAY = 86_400_000;

export function avroToBson(type: avsc.Type, value: unknown, options: BsonOptions): unknown {
  if (value === null || value === undefined) return null;
  // Logical types (see logical_types.ts) already decoded to their BSON form.
  if (type instanceof avsc.types.LogicalType) return value;
  switch (type.typeName) {
    case "int":
      return new Int32(value as number);
    case "long":
      return typeof value === "bigint" ? Long.fromBigInt(value) : Long.fromNumber(value as number);
    case "float":
    case "double":
      return new Double(value as number);
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
    default: // boolean, string, enum (its symbol)
      return value;
  }
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
