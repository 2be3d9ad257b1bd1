/**
 * A bounds check of Avro binary data against its writer schema, run before
 * avsc decodes it. avsc trusts the numbers it reads: an array block count of
 * 2^31 in an 11-byte value makes it loop and allocate until the process runs
 * out of memory. This pass walks the same bytes, allocating nothing, and
 * checks every number read from the input against the bytes at hand first:
 * - a string or bytes length, a block count (times the least bytes one item
 *   takes), a block's byte size, must fit in the bytes left;
 * - records, arrays, maps and unions nest at most `maxDepth` deep (recursive
 *   schemas);
 * - union branch and enum symbol indexes must exist;
 * - lengths and counts are not negative, varints end within 10 bytes.
 * It costs one pass over the bytes (microseconds for a sensor reading).
 * A length or count past the bytes left that no value within the size limit
 * could hold (2^31 items, a 2^40-byte string) is `bad-avro`; one that could
 * be the rest of a cut record is `truncated-avro`, as is data that ends
 * before the value is whole. The offset where the value ends is returned, so
 * trailing bytes are found too.
 */
import type avsc from "avsc";

/** The deepest nesting of records, arrays, maps and unions a value may have. */
export const DEFAULT_MAX_AVRO_DEPTH = 64;

export class AvroBoundsError extends Error {
  override name = "AvroBoundsError";
  constructor(readonly reason: "bad-avro" | "truncated-avro", message: string) {
    super(message);
  }
}

interface Cursor {
  buf: Uint8Array;
  pos: number;
  depth: number;
  maxDepth: number;
  /** The most bytes any value may have: a claim past it is a lie, not a cut. */
  maxBytes: number;
}

export interface AvroBoundsOptions {
  /** Default DEFAULT_MAX_AVRO_DEPTH. */
  maxDepth?: number;
  /** The largest value accepted (bytes); default 16 MiB. */
  maxBytes?: number;
}

/**
 * Thrown inside the walk (cheaply: no stack trace); each level on the way out
 * adds where it was, and `checkAvroBounds` turns it into an AvroBoundsError.
 */
class Fault {
  readonly path: string[] = [];
  constructor(
    readonly reason: "bad-avro" | "truncated-avro",
    readonly detail: string,
    readonly pos: number,
  ) {}
}

function within(e: unknown, label: string): unknown {
  if (e instanceof Fault) e.path.unshift(label);
  return e;
}

type Skip = (c: Cursor) => void;

interface Compiled {
  skip: Skip;
  /** The fewest bytes one value of the type takes (0 for null or all-null records). */
  min: number;
}

const COMPILED = new WeakMap<avsc.Type, Compiled>();

/**
 * Checks that `body` holds one value of `type` within bounds; returns the
 * offset where it ends. Throws AvroBoundsError saying what and where.
 */
export function checkAvroBounds(
  type: avsc.Type,
  body: Uint8Array,
  options: AvroBoundsOptions = {},
): number {
  const c: Cursor = {
    buf: body,
    pos: 0,
    depth: 0,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_AVRO_DEPTH,
    maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
  };
  try {
    compile(type).skip(c);
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    const where = e.path.length > 0 ? ` at ${e.path.join("")}` : "";
    throw new AvroBoundsError(e.reason, `${e.detail}${where} (byte ${e.pos} of ${body.length})`);
  }
  return c.pos;
}

function truncated(c: Cursor, what: string): never {
  throw new Fault("truncated-avro", `the data ends before a whole ${what}`, c.pos);
}

function bad(c: Cursor, message: string): never {
  throw new Fault("bad-avro", message, c.pos);
}

/** A zigzag varint as a number (exact to 2^53, enough to compare with any byte count). */
function readLong(c: Cursor, maxBytes = 10): number {
  let n = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (c.pos >= c.buf.length) truncated(c, maxBytes === 5 ? "int" : "long");
    const b = c.buf[c.pos++];
    n += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      // zigzag: even → n/2, odd → -(n+1)/2
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    scale *= 128;
  }
  return bad(c, `a varint longer than ${maxBytes} bytes`);
}

function need(c: Cursor, bytes: number, what: string): void {
  const left = c.buf.length - c.pos;
  if (bytes <= left) return;
  if (bytes > c.maxBytes) {
    bad(
      c,
      `${what} claims ${bytes} bytes: past the end (${left} left) and more than any value may have (${c.maxBytes})`,
    );
  }
  truncated(c, `${what} of ${bytes} bytes (${left} left)`);
}

function enter(c: Cursor): void {
  if (++c.depth > c.maxDepth) bad(c, `values nest deeper than ${c.maxDepth} levels`);
}

function fixedSize(size: number, what: string): Compiled {
  return {
    min: size,
    skip: (c) => {
      if (c.buf.length - c.pos < size) truncated(c, what);
      c.pos += size;
    },
  };
}

function sized(what: string): Compiled {
  return {
    min: 1,
    skip: (c) => {
      const len = readLong(c);
      if (len < 0) bad(c, `a negative ${what} length ${len}`);
      need(c, len, what);
      c.pos += len;
    },
  };
}

/** Array and map blocks: count (negative: followed by the block's byte size), items, 0 at the end. */
function blocks(item: Compiled, what: string, label: (i: number) => string): Skip {
  return (c) => {
    enter(c);
    const perItem = Math.max(1, item.min);
    let index = 0;
    for (;;) {
      let count = readLong(c);
      if (count === 0) break;
      if (count < 0) {
        count = -count;
        const size = readLong(c);
        if (size < 0) bad(c, `a negative ${what} block size ${size}`);
        need(c, size, `${what} block`);
      }
      const left = c.buf.length - c.pos;
      if (count * perItem > left) {
        if (count * perItem > c.maxBytes) {
          bad(
            c,
            `${what} block of ${count} items, more than the ${left} bytes left can hold ` +
              `and than any value may have (${c.maxBytes} bytes)`,
          );
        }
        truncated(c, `${what} block of ${count} items (${left} bytes left)`);
      }
      try {
        for (let i = 0; i < count; i++, index++) item.skip(c);
      } catch (e) {
        throw within(e, label(index));
      }
    }
    c.depth--;
  };
}

function compile(type: avsc.Type): Compiled {
  const done = COMPILED.get(type);
  if (done) return done;
  const t = type as avsc.Type & Record<string, unknown>;
  const name = type.typeName;
  let out: Compiled;
  switch (name) {
    case "null":
      out = { min: 0, skip: () => {} };
      break;
    case "boolean":
      out = fixedSize(1, "boolean");
      break;
    case "int":
      out = { min: 1, skip: (c) => void readLong(c, 5) };
      break;
    case "long":
    case "abstract:long":
      out = { min: 1, skip: (c) => void readLong(c) };
      break;
    case "float":
      out = fixedSize(4, "float");
      break;
    case "double":
      out = fixedSize(8, "double");
      break;
    case "string":
      out = sized("string");
      break;
    case "bytes":
      out = sized("bytes");
      break;
    case "fixed":
      out = fixedSize(t.size as number, `fixed ${type.name ?? ""}`.trim());
      break;
    case "enum": {
      const symbols = (t.symbols as string[]).length;
      out = {
        min: 1,
        skip: (c) => {
          const i = readLong(c);
          if (i < 0 || i >= symbols) {
            bad(c, `enum index ${i}, but ${type.name ?? "the enum"} has ${symbols} symbols`);
          }
        },
      };
      break;
    }
    case "array": {
      // Placeholder first: a recursive schema refers back to itself.
      out = { min: 1, skip: () => {} };
      COMPILED.set(type, out);
      const items = compile(t.itemsType as avsc.Type);
      out.skip = blocks(items, "array", (i) => `[${i}]`);
      return out;
    }
    case "map": {
      out = { min: 1, skip: () => {} };
      COMPILED.set(type, out);
      const key = sized("map key");
      const value = compile(t.valuesType as avsc.Type);
      const entry: Compiled = {
        min: 1 + value.min,
        skip: (c) => {
          key.skip(c);
          value.skip(c);
        },
      };
      out.skip = blocks(entry, "map", (i) => `{${i}}`);
      return out;
    }
    case "record":
    case "error": {
      out = { min: 0, skip: () => {} };
      COMPILED.set(type, out);
      const fields = (t.fields as { name: string; type: avsc.Type }[]).map((f) => ({
        label: `.${f.name}`,
        c: compile(f.type),
      }));
      const skips = fields.map((f) => f.c.skip);
      out.min = fields.reduce((n, f) => n + f.c.min, 0);
      out.skip = (c) => {
        enter(c);
        let i = 0;
        try {
          for (; i < skips.length; i++) skips[i](c);
        } catch (e) {
          throw within(e, fields[i].label);
        }
        c.depth--;
      };
      return out;
    }
    default: {
      // avsc's own logical types (not made by parseWriterSchema, but possible): their encoding
      // is the underlying type's.
      if (name.startsWith("logical:") && t.underlyingType) {
        out = compile(t.underlyingType as avsc.Type);
        break;
      }
      if (name.startsWith("union")) {
        out = { min: 1, skip: () => {} };
        COMPILED.set(type, out);
        const branches = (t.types as avsc.Type[]).map(compile);
        out.skip = (c) => {
          const i = readLong(c);
          if (i < 0 || i >= branches.length) {
            bad(c, `union branch ${i}, but the union has ${branches.length} branches`);
          }
          enter(c);
          branches[i].skip(c);
          c.depth--;
        };
        return out;
      }
      throw new Error(`avro_bounds: no bounds check for Avro type ${name}`);
    }
  }
  COMPILED.set(type, out);
  return out;
}
