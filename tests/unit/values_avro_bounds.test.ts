import assert from "node:assert/strict";
import avsc from "avsc";
import type { Buffer } from "node:buffer";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { AvroBoundsError, checkAvroBounds } from "../../src/sink/values/avro_bounds.ts";
import { parseWriterSchema } from "../../src/sink/values/avro_schema.ts";
import { SinkValueDecoder } from "../../src/sink/values/decode_value.ts";
import { PoisonRecordError } from "../../src/sink/values/poison.ts";
import { varint } from "../_support/avro_bytes.ts";

const ARRAY = {
  type: "record",
  name: "A",
  fields: [{ name: "xs", type: { type: "array", items: "int" } }],
};
const MAP = {
  type: "record",
  name: "M",
  fields: [{ name: "m", type: { type: "map", values: "long" } }],
};
const NULLS = {
  type: "record",
  name: "N",
  fields: [{ name: "xs", type: { type: "array", items: "null" } }],
};
const TEXT = {
  type: "record",
  name: "T",
  fields: [{ name: "s", type: "string" }, { name: "b", type: "bytes" }],
};
const TREE = {
  type: "record",
  name: "Tree",
  fields: [{ name: "v", type: "int" }, { name: "kids", type: { type: "array", items: "Tree" } }],
};

function decoder(schemas: Record<number, unknown>) {
  return new SinkValueDecoder({
    registry: { schemaById: (id) => Promise.resolve(JSON.stringify(schemas[id])) },
  });
}

async function poison(d: SinkValueDecoder, bytes: Uint8Array): Promise<PoisonRecordError> {
  try {
    await d.decodeValue(bytes);
  } catch (e) {
    assert.ok(e instanceof PoisonRecordError, `not a poison error: ${e}`);
    return e;
  }
  throw new assert.AssertionError({ message: "decoded without error" });
}

Deno.test("the 11-byte record with an array block count of 2^31 is bad-avro, not an allocation", async () => {
  const value = frameConfluent(1, Uint8Array.from([...varint(2 ** 31), 0]));
  assert.equal(value.length, 11);
  const e = await poison(decoder({ 1: ARRAY }), value);
  assert.equal(e.reason, "bad-avro");
  assert.match(
    e.message,
    /array block of 2147483648 items, more than the 1 bytes left can hold and than any value may have \(16777216 bytes\) at \.xs/,
  );
});

Deno.test("map block counts, null-item arrays and negative-count blocks are bounded too", async () => {
  const d = decoder({ 1: MAP, 2: NULLS });
  const map = await poison(d, frameConfluent(1, Uint8Array.from([...varint(2 ** 31), 2, 0x61])));
  assert.equal(map.reason, "bad-avro");
  assert.match(map.message, /map block of 2147483648 items/);
  // Items of zero bytes (null) still count one byte each: no 2^31-iteration loop.
  const nulls = await poison(d, frameConfluent(2, Uint8Array.from([...varint(2 ** 31), 0])));
  assert.equal(nulls.reason, "bad-avro");
  // A negative count is followed by the block's size in bytes: both checked.
  const sized = await poison(
    d,
    frameConfluent(1, Uint8Array.from([0x01, ...varint(2 ** 30), 2, 0x61, 2, 0])),
  );
  assert.equal(sized.reason, "bad-avro");
  assert.match(sized.message, /map block claims 1073741824 bytes/);
});

Deno.test("string and bytes lengths past the end, and negative ones, are bad-avro with where", async () => {
  const d = decoder({ 1: TEXT });
  const far = await poison(d, frameConfluent(1, Uint8Array.from([...varint(2 ** 40), 0x61])));
  assert.equal(far.reason, "bad-avro");
  assert.match(
    far.message,
    /string claims 1099511627776 bytes: past the end \(1 left\) and more than any value may have \(16777216\) at \.s/,
  );
  const negative = await poison(d, frameConfluent(1, Uint8Array.of(0x02, 0x61, 0x05)));
  assert.equal(negative.reason, "bad-avro");
  assert.match(negative.message, /negative bytes length -3 at \.b/);
  // Cut inside the last field: truncation, not a lie.
  const cut = await poison(d, frameConfluent(1, Uint8Array.of(0x02, 0x61, 0x08, 1, 2)));
  assert.equal(cut.reason, "truncated-avro");
  assert.match(cut.message, /ends before a whole record T: .*bytes of 4 bytes \(2 left\) at \.b/);
});

Deno.test("a count or length past the end but within the size limit is a cut record", async () => {
  const d = decoder({ 1: ARRAY, 3: TEXT });
  const count = await poison(d, frameConfluent(1, Uint8Array.from([...varint(1000), 2, 4])));
  assert.equal(count.reason, "truncated-avro");
  assert.match(count.message, /array block of 1000 items \(2 bytes left\)/);
  const length = await poison(d, frameConfluent(3, Uint8Array.from([...varint(100), 0x61])));
  assert.equal(length.reason, "truncated-avro");
  // With a smaller size limit the same claims cannot be a cut: they are lies.
  const strict = new SinkValueDecoder({
    registry: { schemaById: () => Promise.resolve(JSON.stringify(ARRAY)) },
    maxValueBytes: 100,
  });
  assert.equal(
    (await poison(strict, frameConfluent(1, Uint8Array.from([...varint(1000), 2, 4])))).reason,
    "bad-avro",
  );
});

Deno.test("values nested deeper than the limit are bad-avro; a shallow tree decodes", async () => {
  const type = parseWriterSchema(JSON.stringify(TREE));
  // Each level: v=0, one block of one kid, ... then the innermost has no kids, then block ends.
  const deep = (levels: number) => {
    const bytes: number[] = [];
    for (let i = 0; i < levels; i++) bytes.push(0, 2);
    bytes.push(0, 0);
    for (let i = 0; i < levels; i++) bytes.push(0);
    return Uint8Array.from(bytes);
  };
  assert.equal(checkAvroBounds(type, deep(10)), deep(10).length);
  assert.throws(
    () => checkAvroBounds(type, deep(200)),
    (e: unknown) =>
      e instanceof AvroBoundsError && e.reason === "bad-avro" && /deeper than 64/.test(e.message),
  );
  const d = decoder({ 1: TREE });
  assert.equal((await d.decodeValue(frameConfluent(1, deep(10)))).kind, "record");
  assert.equal((await poison(d, frameConfluent(1, deep(5000)))).reason, "bad-avro");
});

Deno.test("union and enum indexes out of range name the union or enum", () => {
  const type = parseWriterSchema(JSON.stringify({
    type: "record",
    name: "U",
    fields: [
      { name: "u", type: ["null", "int"] },
      { name: "e", type: { type: "enum", name: "E", symbols: ["A", "B"] } },
    ],
  }));
  assert.throws(
    () => checkAvroBounds(type, Uint8Array.of(0x04, 0)),
    /union branch 2, but the union has 2 branches at \.u/,
  );
  assert.throws(
    () => checkAvroBounds(type, Uint8Array.of(0x00, 0x04)),
    /enum index 2, but E has 2 symbols at \.e/,
  );
  assert.equal(checkAvroBounds(type, Uint8Array.of(0x02, 0x02, 0x02)), 3);
});

Deno.test("for valid values, the check ends exactly where avsc does", () => {
  const schema = {
    type: "record",
    name: "All",
    fields: [
      { name: "b", type: "boolean" },
      { name: "i", type: "int" },
      { name: "l", type: "long" },
      { name: "f", type: "float" },
      { name: "d", type: "double" },
      { name: "s", type: "string" },
      { name: "y", type: "bytes" },
      { name: "x", type: { type: "fixed", name: "X", size: 5 } },
      { name: "e", type: { type: "enum", name: "E", symbols: ["A", "B", "C"] } },
      { name: "a", type: { type: "array", items: ["null", "string"] } },
      { name: "m", type: { type: "map", values: { type: "array", items: "double" } } },
      { name: "r", type: { type: "record", name: "In", fields: [{ name: "z", type: "long" }] } },
    ],
  };
  const plain = avsc.Type.forSchema(schema as avsc.Schema);
  const ours = parseWriterSchema(JSON.stringify(schema));
  for (let i = 0; i < 200; i++) {
    const buf: Buffer = plain.toBuffer(plain.random());
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    assert.equal(checkAvroBounds(ours, bytes), bytes.length);
  }
});

Deno.test("types parsed by plain avsc (unwrapped unions, logical types) are checked the same way", () => {
  class DateType extends avsc.types.LogicalType {
    override _fromValue(v: number) {
      return new Date(v * 86_400_000);
    }
    override _toValue(d: Date) {
      return Math.floor(d.getTime() / 86_400_000);
    }
  }
  const type = avsc.Type.forSchema({
    type: "record",
    name: "P",
    fields: [
      { name: "d", type: { type: "int", logicalType: "date" } },
      { name: "o", type: ["null", "string"] },
    ],
  } as avsc.Schema, { logicalTypes: { date: DateType } });
  assert.equal(checkAvroBounds(type, Uint8Array.of(0x02, 0x02, 0x02, 0x61)), 4);
  assert.throws(
    () => checkAvroBounds(type, Uint8Array.of(0x02, 0x02, ...varint(2 ** 40))),
    (e: unknown) => e instanceof AvroBoundsError && e.reason === "bad-avro",
  );
});
