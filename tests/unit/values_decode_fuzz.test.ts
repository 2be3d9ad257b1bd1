/**
 * Fuzzing the sink's value decoder: valid Confluent-framed records of every
 * schema shape (arrays, maps, unions, nested and recursive records, logical
 * types, enums, fixed), mutated in deterministic ways (bit flips, bytes
 * overwritten, huge varints spliced in, cuts, extensions). Every input must
 * end as a document or as a PoisonRecordError with a known reason, within a
 * time bound — never another error, a hang or a huge allocation; and the
 * same bytes read as a key end as a key value or a typed reason.
 */
import assert from "node:assert/strict";
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { SinkValueDecoder } from "../../src/sink/values/decode_value.ts";
import { type PoisonReason, PoisonRecordError } from "../../src/sink/values/poison.ts";
import { prng, type Random } from "../_support/avro_bytes.ts";

const SEED = 0x5eed_c0de;
const MUTATIONS_PER_VALUE = 120;
/** Generous: a bounded decode of a few hundred bytes takes microseconds. */
const MAX_MS_PER_INPUT = 250;

const uuid = { type: "string", logicalType: "uuid" };
const SCHEMAS: { schema: unknown; values: unknown[] }[] = [
  {
    schema: {
      type: "record",
      name: "Arrays",
      fields: [
        { name: "ints", type: { type: "array", items: "int" } },
        { name: "names", type: { type: "array", items: "string" } },
        { name: "nested", type: { type: "array", items: { type: "array", items: "double" } } },
      ],
    },
    values: [
      { ints: [1, -2, 300000], names: ["a", "bc"], nested: [[1.5], [], [2, 3]] },
      { ints: [], names: [], nested: [] },
    ],
  },
  {
    schema: {
      type: "record",
      name: "Maps",
      fields: [
        { name: "m", type: { type: "map", values: "long" } },
        { name: "mm", type: { type: "map", values: { type: "map", values: "string" } } },
      ],
    },
    values: [{ m: { a: 1, bb: -99999999999 }, mm: { x: { y: "z" }, e: {} } }, { m: {}, mm: {} }],
  },
  {
    schema: {
      type: "record",
      name: "Unions",
      fields: [
        { name: "opt", type: ["null", "string"] },
        { name: "multi", type: ["null", "int", "string", { type: "array", items: "long" }] },
        {
          name: "rec",
          type: ["null", { type: "record", name: "Inner", fields: [{ name: "q", type: "float" }] }],
        },
      ],
    },
    values: [
      { opt: { string: "hi" }, multi: { int: 5 }, rec: { "Inner": { q: 1.25 } } },
      { opt: null, multi: { array: [1, 2, 3] }, rec: null },
    ],
  },
  {
    schema: {
      type: "record",
      name: "Nested",
      fields: [
        {
          name: "a",
          type: {
            type: "record",
            name: "B",
            fields: [
              {
                name: "b",
                type: { type: "record", name: "C", fields: [{ name: "c", type: "int" }] },
              },
              { name: "t", type: "boolean" },
            ],
          },
        },
        { name: "bytes", type: "bytes" },
      ],
    },
    values: [{ a: { b: { c: 42 }, t: true }, bytes: Buffer.from([1, 2, 3, 255]) }],
  },
  {
    schema: {
      type: "record",
      name: "Tree",
      fields: [
        { name: "v", type: "int" },
        { name: "kids", type: { type: "array", items: "Tree" } },
        { name: "next", type: ["null", "Tree"] },
      ],
    },
    values: [
      {
        v: 1,
        kids: [{ v: 2, kids: [], next: null }, {
          v: 3,
          kids: [{ v: 4, kids: [], next: null }],
          next: null,
        }],
        next: { "Tree": { v: 5, kids: [], next: null } },
      },
    ],
  },
  {
    schema: {
      type: "record",
      name: "Logical",
      fields: [
        { name: "ts", type: { type: "long", logicalType: "timestamp-millis" } },
        { name: "tsu", type: { type: "long", logicalType: "timestamp-micros" } },
        { name: "day", type: { type: "int", logicalType: "date" } },
        { name: "tm", type: { type: "int", logicalType: "time-millis" } },
        { name: "dec", type: { type: "bytes", logicalType: "decimal", precision: 20, scale: 4 } },
        {
          name: "fdec",
          type: {
            type: "fixed",
            name: "D8",
            size: 8,
            logicalType: "decimal",
            precision: 18,
            scale: 2,
          },
        },
        { name: "id", type: uuid },
        { name: "dur", type: { type: "fixed", name: "Dur", size: 12, logicalType: "duration" } },
      ],
    },
    values: [{
      ts: 1_700_000_000_000,
      tsu: 1_700_000_000_000_000,
      day: 19_000,
      tm: 3_600_000,
      dec: Buffer.from([0x01, 0xe2, 0x40]),
      fdec: Buffer.from([0, 0, 0, 0, 0, 0, 0x30, 0x39]),
      id: "123e4567-e89b-12d3-a456-426614174000",
      dur: Buffer.alloc(12, 1),
    }],
  },
  {
    schema: {
      type: "record",
      name: "EnumsFixed",
      fields: [
        { name: "e", type: { type: "enum", name: "Color", symbols: ["RED", "GREEN", "BLUE"] } },
        { name: "f", type: { type: "fixed", name: "F4", size: 4 } },
        { name: "es", type: { type: "array", items: "Color" } },
        { name: "d", type: "double" },
        { name: "s", type: "string" },
      ],
    },
    values: [{ e: "BLUE", f: Buffer.from("abcd"), es: ["RED", "GREEN"], d: 2.5, s: "sensortag" }],
  },
];

const REASONS: readonly PoisonReason[] = [
  "bad-avro",
  "truncated-avro",
  "trailing-bytes",
  "unrepresentable",
  "unknown-schema-id",
  "bad-magic",
  "not-avro-or-json",
  "bad-json",
  "not-a-record",
  "bad-connect-json",
  "empty",
  "too-large",
];

/** Spliced-in varints that claim huge counts or lengths. */
const HUGE = [
  [0x80, 0x80, 0x80, 0x80, 0x10], // 2^31 (zigzag of 2^32)
  [0xff, 0xff, 0xff, 0xff, 0x0f], // -2^31
  [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 2^63 - 1
  [0x81, 0x80, 0x80, 0x80, 0x10], // a negative block count of -2^31 - 1
];

function mutate(body: Uint8Array, r: Random): Uint8Array {
  const b = Array.from(body);
  const at = () => r.int(Math.max(1, b.length));
  switch (r.int(7)) {
    case 0: { // flip bits
      for (let n = 1 + r.int(3); n > 0 && b.length > 0; n--) b[at()] ^= 1 << r.int(8);
      break;
    }
    case 1: // overwrite a byte
      if (b.length > 0) b[at()] = [0x00, 0xff, 0x7f, 0x80, 0x01][r.int(5)];
      break;
    case 2: { // overwrite with a huge varint
      const v = HUGE[r.int(HUGE.length)];
      b.splice(at(), v.length, ...v);
      break;
    }
    case 3: { // insert a huge varint
      const v = HUGE[r.int(HUGE.length)];
      b.splice(at(), 0, ...v);
      break;
    }
    case 4: // cut
      b.length = r.int(b.length + 1);
      break;
    case 5: // extend with noise
      for (let n = 1 + r.int(8); n > 0; n--) b.push(r.int(256));
      break;
    default: { // duplicate a slice
      const from = at();
      b.splice(at(), 0, ...b.slice(from, from + 1 + r.int(8)));
    }
  }
  return Uint8Array.from(b);
}

Deno.test("mutated records of every schema shape, as values and as keys, end as a document or a typed dead-letter reason", async () => {
  const texts = new Map(SCHEMAS.map((s, i) => [i + 1, JSON.stringify(s.schema)]));
  const decoder = new SinkValueDecoder({
    registry: { schemaById: (id) => Promise.resolve(texts.get(id)!) },
  });
  const r = prng(SEED);
  const outcomes = new Map<string, number>();
  let inputs = 0;
  let slowest = 0;
  let keyPoison = 0;
  for (const [i, { schema, values }] of SCHEMAS.entries()) {
    const type = avsc.Type.forSchema(schema as avsc.Schema, { wrapUnions: true });
    for (const value of values) {
      const buf: Buffer = type.toBuffer(value);
      const body = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      const valid = await decoder.decodeValue(frameConfluent(i + 1, body));
      assert.equal(valid.kind, "record", `the unmutated ${type.name} decodes`);
      for (let m = 0; m < MUTATIONS_PER_VALUE; m++) {
        const input = frameConfluent(i + 1, mutate(body, r));
        inputs++;
        const started = performance.now();
        let outcome: string;
        try {
          const out = await decoder.decodeValue(input);
          outcome = out.kind;
        } catch (e) {
          if (!(e instanceof PoisonRecordError)) {
            throw new Error(
              `${type.name} mutation ${m} (${Buffer.from(input).toString("hex")}): ` +
                `not a typed dead-letter reason: ${(e as Error)?.stack ?? e}`,
            );
          }
          assert.ok(REASONS.includes(e.reason), `known reason ${e.reason}`);
          assert.ok(e.message.length > 0);
          outcome = e.reason;
        }
        // The same bytes as a key (a KCQL reading `_key`): a value or a typed reason too.
        try {
          await decoder.decodeKey(input);
        } catch (e) {
          if (!(e instanceof PoisonRecordError) || !REASONS.includes(e.reason)) {
            throw new Error(
              `${type.name} mutation ${m} as a key: not a typed dead-letter reason: ${e}`,
            );
          }
          keyPoison++;
        }
        const ms = performance.now() - started;
        slowest = Math.max(slowest, ms);
        assert.ok(ms < MAX_MS_PER_INPUT, `${type.name} mutation ${m} took ${ms.toFixed(1)} ms`);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
  }
  console.log(
    `fuzz: ${inputs} inputs, slowest ${slowest.toFixed(2)} ms; outcomes ${
      JSON.stringify(Object.fromEntries(outcomes))
    }`,
  );
  // The mutations reach the bounds checks, and some still decode.
  assert.ok((outcomes.get("bad-avro") ?? 0) > 0);
  assert.ok((outcomes.get("truncated-avro") ?? 0) > 0);
  assert.ok((outcomes.get("record") ?? 0) > 0);
  assert.ok(keyPoison > 0, "keys are bounded the same way");
});
