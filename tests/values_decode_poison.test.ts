import assert from "node:assert/strict";
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { Binary, BSON, Decimal128, Double, Int32, Long, UUID } from "mongodb";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { fingerprint64, frameSingleObject } from "../src/avro/single_object.ts";
import { RegistryError } from "../src/avro/registry_client.ts";
import { loadLocalSchemas, SCHEMAS_DIR, SinkValueDecoder } from "../src/sink/decode/value_decoder.ts";
import { PoisonRecordError } from "../src/sink/decode/poison.ts";

const RICH = {
  type: "record",
  name: "Rich",
  fields: [
    { name: "i", type: "int" },
    { name: "l", type: "long" },
    { name: "d", type: "double" },
    { name: "b", type: "bytes" },
    { name: "e", type: { type: "enum", name: "E", symbols: ["A", "B"] } },
    { name: "m", type: { type: "map", values: "int" } },
    { name: "fx", type: { type: "fixed", name: "F2", size: 2 } },
    { name: "ts", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "us", type: { type: "long", logicalType: "timestamp-micros" } },
    { name: "day", type: { type: "int", logicalType: "date" } },
    { name: "dec", type: { type: "bytes", logicalType: "decimal", precision: 10, scale: 3 } },
    { name: "neg", type: { type: "bytes", logicalType: "decimal", precision: 10, scale: 2 } },
    { name: "id", type: { type: "string", logicalType: "uuid" } },
    { name: "u", type: ["null", "string"] },
  ],
};

const plain = avsc.Type.forSchema(RICH as avsc.Schema);
const value = {
  i: 7,
  l: 9_007_199_254_740_000,
  d: 2.5,
  b: Buffer.from([1, 2]),
  e: "B",
  m: { x: 1 },
  fx: Buffer.from([9, 9]),
  ts: 1_700_000_000_123,
  us: 1_700_000_000_123_456,
  day: 19_000,
  dec: Buffer.from([0x01, 0xe2, 0x40]), // 123456 → 123.456
  neg: Buffer.from([0xff, 0x85]), // -123 → -1.23
  id: "3b241101-e2bb-4255-8caf-4136c566a962",
  u: null,
};

function decoder(schemas: Record<number, unknown>, datesAs: "date" | "string" = "date", maxValueBytes = 1 << 20) {
  return new SinkValueDecoder({
    registry: {
      schemaById: (id) =>
        id in schemas ? Promise.resolve(JSON.stringify(schemas[id])) : Promise.reject(new RegistryError("not found", 404)),
    },
    localSchemas: new Map(),
    jsonDatetimeFields: ["at", "nested.when"],
    maxValueBytes,
    datesAs,
  });
}

const framed = (id: number, v: unknown) => frameConfluent(id, new Uint8Array(plain.toBuffer(v)));

Deno.test("every Avro type and logical type becomes its exact BSON value", async () => {
  const out = await decoder({ 5: RICH }).decodeValue(framed(5, value));
  assert.equal(out.kind, "record");
  const expected = {
    i: new Int32(7),
    l: Long.fromNumber(9_007_199_254_740_000),
    d: new Double(2.5),
    b: new Binary(Uint8Array.of(1, 2)),
    e: "B",
    m: { x: new Int32(1) },
    fx: new Binary(Uint8Array.of(9, 9)),
    ts: new Date(1_700_000_000_123),
    us: new Date(1_700_000_000_123),
    day: new Date(19_000 * 86_400_000),
    dec: Decimal128.fromString("123.456"),
    neg: Decimal128.fromString("-1.23"),
    id: new UUID("3b241101-e2bb-4255-8caf-4136c566a962"),
    u: null,
  };
  const canon = (v: unknown) => BSON.EJSON.stringify(v, { relaxed: false });
  assert.equal(canon((out as { value: unknown }).value), canon(expected));
});

Deno.test("with datesAs string, timestamps and dates are ISO-8601 text as the connector writes", async () => {
  const out = await decoder({ 5: RICH }, "string").decodeValue(framed(5, value)) as { value: Record<string, unknown> };
  assert.equal(out.value.ts, "2023-11-14T22:13:20.123Z");
  assert.equal(out.value.day, "2022-01-08");
});

Deno.test("single-object values decode with the schemas shipped in schemas/", async () => {
  const local = await loadLocalSchemas(SCHEMAS_DIR);
  const text = await Deno.readTextFile(new URL("sensortag.avsc", SCHEMAS_DIR));
  const type = avsc.Type.forSchema(JSON.parse(text));
  const record = { bid: "B0:B4:48:00:00:01", time: 1, ambient: 1.5, objecttemp: 2.5, humidity: 3, rh: 4 };
  const d = new SinkValueDecoder({ localSchemas: local, jsonDatetimeFields: [], maxValueBytes: 1 << 20, datesAs: "date" });
  const out = await d.decodeValue(frameSingleObject(fingerprint64(text), new Uint8Array(type.toBuffer(record)))) as {
    value: Record<string, unknown>;
  };
  assert.equal(out.value.bid, "B0:B4:48:00:00:01");
  assert.equal((out.value.ambient as Double).value, 1.5);
  assert.equal(out.value.pressure, null);
});

Deno.test("JSON values, with and without Kafka Connect's schema envelope, and json datetime fields", async () => {
  const d = decoder({});
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const a = await d.decodeValue(enc({ bid: "x", at: 1_700_000_000_000, nested: { when: "2024-01-02T03:04:05Z" } })) as {
    value: Record<string, unknown>;
  };
  assert.deepEqual(a.value.at, new Date(1_700_000_000_000));
  assert.deepEqual((a.value.nested as Record<string, unknown>).when, new Date("2024-01-02T03:04:05Z"));
  const b = await d.decodeValue(enc({ schema: { type: "struct" }, payload: { bid: "y" } })) as { value: unknown };
  assert.deepEqual(b.value, { bid: "y" });
});

Deno.test("a poison corpus is classified by reason", async () => {
  const d = decoder({ 5: RICH }, "date", 64);
  const good = framed(5, value);
  const cases: [string, Uint8Array | null][] = [
    ["empty", new Uint8Array()],
    ["not-avro-or-json", new TextEncoder().encode("plain text")],
    ["bad-magic", Uint8Array.of(0x01, 0, 0, 0, 5, 1)],
    ["unknown-schema-id", framed(6, value)],
    ["truncated-avro", good.subarray(0, 20)],
    ["trailing-bytes", Uint8Array.of(...good, 0x00)],
    ["too-large", new Uint8Array(65).fill(0x7b)],
  ];
  const big = decoder({ 5: RICH });
  for (const [reason, bytes] of cases) {
    const dec = reason === "too-large" ? d : big;
    await assert.rejects(dec.decodeValue(bytes), (e: unknown) => {
      assert.ok(e instanceof PoisonRecordError, `${reason}: ${e}`);
      assert.equal(e.reason, reason, e.message);
      return true;
    });
  }
  assert.deepEqual(await big.decodeValue(null), { kind: "tombstone" });
});

Deno.test("a registry that is down is not blamed on the record", async () => {
  const d = new SinkValueDecoder({
    registry: { schemaById: () => Promise.reject(new RegistryError("schema registry unreachable")) },
    localSchemas: new Map(),
    jsonDatetimeFields: [],
    maxValueBytes: 1 << 20,
    datesAs: "date",
  });
  await assert.rejects(d.decodeValue(framed(5, value)), (e: unknown) => !(e instanceof PoisonRecordError));
});
