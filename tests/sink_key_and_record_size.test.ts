/**
 * The sink's record logic (KcqlPipeline, no services): the key is decoded
 * only when the statement reads it, and a record over --max-record-bytes is
 * poison before anything of it is decoded.
 */
import assert from "node:assert/strict";
import avsc from "avsc";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { KcqlPipeline } from "../src/sink/record/kcql_pipeline.ts";
import type { IncomingRecord } from "../src/sink/record/record.ts";
import { parseKcql } from "../src/sink/kcql/plan.ts";
import { SinkValueDecoder } from "../src/sink/values/decode_value.ts";
import { planReadsKey } from "../src/sink/values/key_use.ts";
import { checkRecordSize, recordBytes } from "../src/sink/values/record_size.ts";
import { PoisonRecordError } from "../src/sink/values/poison.ts";

const VALUE = { type: "record", name: "V", fields: [{ name: "n", type: "int" }] };
const KEY = {
  type: "record",
  name: "K",
  fields: [{ name: "ids", type: { type: "array", items: "int" } }],
};
const value = (n: number) =>
  frameConfluent(1, new Uint8Array(avsc.Type.forSchema(VALUE as avsc.Schema).toBuffer({ n })));
/** An 11-byte Avro key whose array claims 2^31 items. */
const HOSTILE_KEY = frameConfluent(2, Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10, 0));

class CountingDecoder extends SinkValueDecoder {
  keys = 0;
  values = 0;
  override decodeKey(key: Uint8Array | null, topic?: string) {
    this.keys++;
    return super.decodeKey(key, topic);
  }
  override decodeValue(v: Uint8Array | null, topic?: string) {
    this.values++;
    return super.decodeValue(v, topic);
  }
}

function decoder() {
  const texts: Record<number, string> = { 1: JSON.stringify(VALUE), 2: JSON.stringify(KEY) };
  return new CountingDecoder({ registry: { schemaById: (id) => Promise.resolve(texts[id]) } });
}

const record = (over: Partial<IncomingRecord> = {}): IncomingRecord => ({
  topic: "t",
  partition: 0,
  offset: "5",
  key: HOSTILE_KEY,
  value: value(7),
  headers: {},
  timestamp: "0",
  ...over,
});

const pipeline = (kcql: string, d = decoder(), maxRecordBytes?: number) =>
  new KcqlPipeline(parseKcql(kcql).statements, d, "dlq", maxRecordBytes);

Deno.test("which statements read the key", () => {
  const reads = (k: string) => planReadsKey(parseKcql(k).statements[0]);
  assert.equal(reads("INSERT INTO c SELECT * FROM t"), false);
  assert.equal(reads("INSERT INTO c SELECT n, _header.h AS h FROM t"), false);
  assert.equal(reads("UPSERT INTO c SELECT * FROM t PK n"), false);
  assert.equal(reads("INSERT INTO c SELECT n, _key AS k FROM t"), true);
  assert.equal(reads("INSERT INTO c SELECT n, _key.ids AS ids FROM t"), true);
  assert.equal(reads("UPSERT INTO c SELECT * FROM t PK _key.ids"), true);
});

Deno.test("a statement that does not read the key never decodes it: a hostile key harms nothing", async () => {
  const d = decoder();
  const out = await pipeline("INSERT INTO c SELECT * FROM t", d).prepare(record());
  assert.equal(out.kind, "write");
  assert.equal(d.keys, 0, "the key was not decoded");
});

Deno.test("a statement that reads the key dead-letters a hostile key as bad-avro", async () => {
  for (
    const kcql of [
      "INSERT INTO c SELECT n, _key AS k FROM t",
      "UPSERT INTO c SELECT * FROM t PK _key.ids",
    ]
  ) {
    const d = decoder();
    const out = await pipeline(kcql, d).prepare(record());
    assert.equal(out.kind, "dead", kcql);
    assert.equal(out.kind === "dead" && out.reason, "bad-avro");
    assert.match(out.kind === "dead" ? out.message : "", /^key .*array block of 2147483648 items/);
    assert.equal(d.keys, 1);
  }
});

Deno.test("a record over --max-record-bytes is too-large before anything is decoded", async () => {
  const d = decoder();
  const big = record({ headers: { trace: "x".repeat(100) }, key: new TextEncoder().encode("k") });
  const sizes = recordBytes(big);
  assert.deepEqual(sizes, { key: 1, value: value(7).length, headers: 105 });
  const limit = sizes.key + sizes.value + sizes.headers - 1;
  const out = await pipeline("INSERT INTO c SELECT * FROM t", d, limit).prepare(big);
  assert.equal(out.kind, "dead");
  assert.equal(out.kind === "dead" && out.reason, "too-large");
  assert.match(out.kind === "dead" ? out.message : "", /more than --max-record-bytes \d+/);
  assert.equal(d.values + d.keys, 0, "nothing was decoded");
  const ok = await pipeline("INSERT INTO c SELECT * FROM t", decoder(), limit + 1).prepare(big);
  assert.equal(ok.kind, "write");
});

Deno.test("record size counts header text as UTF-8", () => {
  assert.equal(recordBytes({ key: null, value: null, headers: { "é": "€" } }).headers, 5);
  assert.throws(
    () => checkRecordSize({ key: new Uint8Array(10), value: new Uint8Array(10), headers: {} }, 19),
    (e: unknown) => e instanceof PoisonRecordError && e.reason === "too-large",
  );
});
