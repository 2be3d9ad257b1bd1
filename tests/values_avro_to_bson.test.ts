import assert from "node:assert/strict";
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { Binary, BSON, Decimal128, Double, Int32, Long, UUID } from "bson";
import { parseWriterSchema } from "../src/sink/values/avro_schema.ts";
import {
  avroToBson,
  BsonConversionError,
  type BsonOptions,
} from "../src/sink/values/avro_to_bson.ts";
import { canon } from "./_support/bson.ts";

/** Encodes `value` with `schema`, decodes it back as the sink does, converts it. */
function roundTrip(schema: unknown, value: unknown, options: BsonOptions = {}): unknown {
  const type = parseWriterSchema(schema as never);
  const decoded = type.fromBuffer(type.toBuffer(value));
  return avroToBson(type, decoded, options);
}

function field(type: unknown, value: unknown, options: BsonOptions = {}): unknown {
  const out = roundTrip(
    { type: "record", name: "R", fields: [{ name: "f", type }] },
    { f: value },
    options,
  );
  return (out as Record<string, unknown>).f;
}

/** What MongoDB would store: serialised to BSON and read back without promotion. */
function stored(v: unknown): unknown {
  return BSON.deserialize(BSON.serialize({ v }), { promoteValues: false, promoteLongs: false }).v;
}

Deno.test("primitive Avro types become BSON values of the matching type", () => {
  assert.equal(canon(field("int", -7)), canon(new Int32(-7)));
  assert.ok(stored(field("int", 7)) instanceof Int32);
  assert.equal(canon(field("long", 5)), canon(Long.fromNumber(5)));
  assert.ok(stored(field("long", 5)) instanceof Long, "a small long stays int64");
  assert.equal(canon(field("long", 2n ** 62n + 3n)), canon(Long.fromBigInt(2n ** 62n + 3n)));
  assert.equal(canon(field("long", -(2n ** 63n))), canon(Long.fromBigInt(-(2n ** 63n))));
  assert.equal(canon(field("double", 21)), canon(new Double(21)));
  assert.ok(stored(field("double", 21)) instanceof Double, "21.0 stays a double");
  assert.equal(canon(field("float", 0.5)), canon(new Double(0.5)));
  assert.equal(field("string", "héllo"), "héllo");
  assert.equal(field("boolean", true), true);
  assert.equal(field("null", null), null);
  assert.equal(
    canon(field("bytes", Buffer.from([0, 255]))),
    canon(new Binary(Uint8Array.of(0, 255))),
  );
});

Deno.test("complex Avro types become arrays and sub-documents", () => {
  assert.equal(field({ type: "enum", name: "E", symbols: ["ON", "OFF"] }, "OFF"), "OFF");
  assert.equal(
    canon(field({ type: "fixed", name: "F", size: 3 }, Buffer.from([1, 2, 3]))),
    canon(new Binary(Uint8Array.of(1, 2, 3))),
  );
  assert.equal(
    canon(field({ type: "array", items: "long" }, [1, 2])),
    canon([Long.fromNumber(1), Long.fromNumber(2)]),
  );
  assert.equal(
    canon(field({ type: "map", values: "double" }, { a: 1, "b.c": 2 })),
    canon({ a: new Double(1), "b.c": new Double(2) }),
  );
  const nested = field(
    {
      type: "record",
      name: "Inner",
      fields: [{ name: "x", type: "int" }, { name: "y", type: "string" }],
    },
    { x: 1, y: "z" },
  );
  assert.equal(Object.getPrototypeOf(nested), Object.prototype, "a plain object, not avsc's class");
  assert.equal(canon(nested), canon({ x: new Int32(1), y: "z" }));
});

Deno.test("a union becomes the value of the branch it was written with", () => {
  const union = ["null", "int", "long", "string", {
    type: "record",
    name: "S",
    fields: [{ name: "v", type: "double" }],
  }];
  assert.equal(field(union, null), null);
  assert.equal(canon(field(union, { int: 3 })), canon(new Int32(3)));
  assert.equal(
    canon(field(union, { long: 3 })),
    canon(Long.fromNumber(3)),
    "int and long branches stay apart",
  );
  assert.equal(field(union, { string: "s" }), "s");
  assert.equal(canon(field(union, { S: { v: 1 } })), canon({ v: new Double(1) }));
});

Deno.test("timestamp and date logical types become BSON dates", () => {
  const ms = 1_700_000_000_123;
  assert.deepEqual(field({ type: "long", logicalType: "timestamp-millis" }, ms), new Date(ms));
  assert.deepEqual(
    field({ type: "long", logicalType: "timestamp-micros" }, ms * 1000 + 999),
    new Date(ms),
  );
  assert.deepEqual(
    field({ type: "long", logicalType: "timestamp-nanos" }, BigInt(ms) * 1_000_000n + 999_999n),
    new Date(ms),
  );
  assert.deepEqual(
    field({ type: "long", logicalType: "local-timestamp-millis" }, ms),
    new Date(ms),
  );
  assert.deepEqual(
    field({ type: "long", logicalType: "local-timestamp-micros" }, ms * 1000),
    new Date(ms),
  );
  assert.deepEqual(
    field({ type: "long", logicalType: "timestamp-micros" }, -1),
    new Date(-1),
    "floored",
  );
  assert.deepEqual(
    field({ type: "int", logicalType: "date" }, 19_000),
    new Date(19_000 * 86_400_000),
  );
  assert.deepEqual(field({ type: "int", logicalType: "date" }, -1), new Date(-86_400_000));
});

Deno.test("time logical types stay numbers of their underlying type", () => {
  assert.equal(
    canon(field({ type: "int", logicalType: "time-millis" }, 49_510_123)),
    canon(new Int32(49_510_123)),
  );
  assert.equal(
    canon(field({ type: "long", logicalType: "time-micros" }, 49_510_123_456)),
    canon(Long.fromNumber(49_510_123_456)),
  );
});

Deno.test("decimals become exact Decimal128 values from the unscaled two's-complement integer", () => {
  const bytes = { type: "bytes", logicalType: "decimal", precision: 10, scale: 3 };
  assert.equal(
    canon(field(bytes, Buffer.from([0x01, 0xe2, 0x40]))),
    canon(Decimal128.fromString("123.456")),
  );
  assert.equal(
    canon(field(bytes, Buffer.from([0xfe, 0x1d, 0xc0]))),
    canon(Decimal128.fromString("-123.456")),
  );
  assert.equal(canon(field(bytes, Buffer.from([]))), canon(Decimal128.fromString("0.000")));
  const fixed = {
    type: "fixed",
    name: "D",
    size: 8,
    logicalType: "decimal",
    precision: 18,
    scale: 2,
  };
  assert.equal(
    canon(field(fixed, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))),
    canon(Decimal128.fromString("-0.01")),
  );
  // 0.1 + 0.2 as a decimal is exact, unlike a double.
  const scale1 = { type: "bytes", logicalType: "decimal", precision: 4, scale: 1 };
  assert.equal(canon(field(scale1, Buffer.from([3]))), canon(Decimal128.fromString("0.3")));
});

Deno.test("uuid and duration logical types", () => {
  const id = "3b241101-e2bb-4255-8caf-4136c566a962";
  assert.equal(canon(field({ type: "string", logicalType: "uuid" }, id)), canon(new UUID(id)));
  assert.equal(
    canon(
      field(
        { type: "fixed", name: "U", size: 16, logicalType: "uuid" },
        Buffer.from(new UUID(id).buffer),
      ),
    ),
    canon(new UUID(id)),
  );
  const duration = Buffer.alloc(12);
  duration.writeUInt32LE(2, 0);
  duration.writeUInt32LE(3, 4);
  duration.writeUInt32LE(4000, 8);
  assert.equal(
    canon(field({ type: "fixed", name: "Dur", size: 12, logicalType: "duration" }, duration)),
    canon({
      months: Long.fromNumber(2),
      days: Long.fromNumber(3),
      milliseconds: Long.fromNumber(4000),
    }),
  );
});

Deno.test("an invalid or unknown logical type falls back to its underlying type, as the spec says", () => {
  assert.equal(field({ type: "string", logicalType: "date" }, "x"), "x");
  assert.equal(
    canon(
      field({ type: "bytes", logicalType: "decimal", precision: 2, scale: 3 }, Buffer.from([1])),
    ),
    canon(new Binary(Uint8Array.of(1))),
    "scale greater than precision",
  );
  assert.equal(
    canon(
      field(
        { type: "fixed", name: "Small", size: 2, logicalType: "decimal", precision: 6 },
        Buffer.from([0, 1]),
      ),
    ),
    canon(new Binary(Uint8Array.of(0, 1))),
    "precision too large for 2 bytes",
  );
  assert.equal(canon(field({ type: "long", logicalType: "my-own" }, 4)), canon(Long.fromNumber(4)));
});

Deno.test("with datesAs string, the types the connector sees as dates become its text", () => {
  const o: BsonOptions = { datesAs: "string" };
  assert.equal(
    field({ type: "long", logicalType: "timestamp-millis" }, 1_700_000_000_123, o),
    "2023-11-14T22:13:20.123Z",
  );
  assert.equal(field({ type: "int", logicalType: "date" }, 19_000, o), "2022-01-08T00:00:00.000Z");
  assert.equal(
    field({ type: "int", logicalType: "time-millis" }, 49_510_123, o),
    "13:45:10.123+0000",
  );
  // The connector receives timestamp-micros as a plain long.
  assert.equal(
    canon(field({ type: "long", logicalType: "timestamp-micros" }, 1_700_000_000_123_456, o)),
    canon(Long.fromNumber(1_700_000_000_123_456)),
  );
});

Deno.test("with nulls omit, null fields and map values are left out, as the connector does", () => {
  const schema = {
    type: "record",
    name: "N",
    fields: [
      { name: "a", type: ["null", "int"] },
      { name: "b", type: ["null", "int"] },
      { name: "m", type: { type: "map", values: ["null", "int"] } },
    ],
  };
  const v = { a: null, b: { int: 1 }, m: { x: null, y: { int: 2 } } };
  assert.equal(
    canon(roundTrip(schema, v)),
    canon({ a: null, b: new Int32(1), m: { x: null, y: new Int32(2) } }),
  );
  assert.equal(
    canon(roundTrip(schema, v, { nulls: "omit" })),
    canon({ b: new Int32(1), m: { y: new Int32(2) } }),
  );
});

Deno.test("a recursive schema converts to nested documents", () => {
  const schema = {
    type: "record",
    name: "Node",
    fields: [{ name: "v", type: "int" }, { name: "next", type: ["null", "Node"] }],
  };
  const out = roundTrip(schema, { v: 1, next: { Node: { v: 2, next: null } } });
  assert.equal(canon(out), canon({ v: new Int32(1), next: { v: new Int32(2), next: null } }));
});

Deno.test("values with no faithful BSON form are errors naming the field", () => {
  const wide = { type: "bytes", logicalType: "decimal", precision: 40, scale: 0 };
  const digits35 = 10n ** 34n + 1n;
  const hex = digits35.toString(16).padStart(32, "0");
  assert.throws(() => field(wide, Buffer.from(hex, "hex")), (e: unknown) => {
    assert.ok(e instanceof BsonConversionError);
    assert.equal(e.path, "f");
    assert.match(
      e.message,
      /field 'f': a decimal of 35 significant digits does not fit a Decimal128/,
    );
    return true;
  });
  assert.throws(
    () => field({ type: "long", logicalType: "timestamp-millis" }, 9e15),
    /field 'f': timestamp-millis 9000000000000000 is outside the range of a date/,
  );
  assert.throws(
    () => field({ type: "string", logicalType: "uuid" }, "not-a-uuid"),
    /field 'f': uuid "not-a-uuid" is not a UUID/,
  );
});

Deno.test("types parsed by plain avsc (unwrapped unions, its own long) convert the same way", () => {
  const type = avsc.Type.forSchema({
    type: "record",
    name: "P",
    fields: [
      { name: "t", type: "long" },
      { name: "p", type: ["null", "double"] },
      { name: "s", type: ["null", "string"] },
    ],
  } as avsc.Schema);
  const decoded = type.fromBuffer(type.toBuffer({ t: 12, p: 1013.25, s: null }));
  assert.equal(
    canon(avroToBson(type, decoded)),
    canon({ t: Long.fromNumber(12), p: new Double(1013.25), s: null }),
  );
});
