/**
 * Hostile records on a running `gateway sink`: the 11-byte value whose array
 * block count is 2^31, a map block count of 2^31, a string length of 2^40,
 * values nested 5000 deep, a record over --max-record-bytes, a hostile key
 * the KCQL does not read, and a corpus of mutated records. The sink stays
 * up; the good records around them are written, in offset order; each
 * poison record is in the dead-letter topic with its reason (the reason the
 * decoder gives for it, computed here in-process for the mutated ones).
 */
import assert from "node:assert/strict";
import avsc from "avsc";
import type { Buffer } from "node:buffer";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { RegistryClient } from "../../src/avro/registry_client.ts";
import { SinkValueDecoder } from "../../src/sink/values/decode_value.ts";
import { PoisonRecordError } from "../../src/sink/values/poison.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import { readTopic, REGISTRY } from "../_support/kafka.ts";
import {
  createTopic,
  mongo,
  type OutRecord,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";
import { prng, varint } from "../_support/avro_bytes.ts";

const READING = {
  type: "record",
  name: "Reading",
  fields: [
    { name: "bid", type: "string" },
    { name: "n", type: "int" },
    { name: "xs", type: { type: "array", items: "int" } },
    { name: "m", type: { type: "map", values: "string" } },
    { name: "note", type: ["null", "string"] },
  ],
};
const ARRAY = {
  type: "record",
  name: "A",
  fields: [{ name: "xs", type: { type: "array", items: "int" } }],
};
const TREE = {
  type: "record",
  name: "Tree",
  fields: [{ name: "bid", type: "string" }, {
    name: "kids",
    type: { type: "array", items: "Tree" },
  }],
};

Deno.test({
  name:
    "hostile and mutated records on a running sink: dead-lettered with reasons, the rest written in order",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("hostile");
    const collection = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    const registry = new RegistryClient({ url: REGISTRY });
    const ids = {
      reading: await registry.register(`${topic}-value`, JSON.stringify(READING)),
      array: await registry.register(`${topic}-array-value`, JSON.stringify(ARRAY)),
      tree: await registry.register(`${topic}-tree-value`, JSON.stringify(TREE)),
    };
    const reading = avsc.Type.forSchema(READING as avsc.Schema, { wrapUnions: true });
    const body = (v: unknown) => {
      const b: Buffer = reading.toBuffer(v);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    };
    const goodValue = (n: number) =>
      body({ bid: `G${n}`, n, xs: [n, n + 1], m: { k: "v" }, note: { string: "ok" } });

    // [expected outcome: "written" or a reason, record]
    const records: [string, OutRecord][] = [];
    let goods = 0;
    const good = () => {
      const n = goods++;
      records.push(["written", {
        key: `good-${n}`,
        value: frameConfluent(ids.reading, goodValue(n)),
      }]);
    };
    const hostile: [string, OutRecord][] = [
      ["bad-avro", {
        key: "block-count",
        value: frameConfluent(ids.array, Uint8Array.from([...varint(2 ** 31), 0])),
      }],
      ["bad-avro", {
        key: "map-count",
        value: frameConfluent(
          ids.reading,
          Uint8Array.of(2, 0x78, 2, 0, ...varint(2 ** 31), 2, 0x6b),
        ),
      }],
      ["bad-avro", {
        key: "string-length",
        value: frameConfluent(ids.reading, Uint8Array.from([...varint(2 ** 40), 0x41, 0x42])),
      }],
      ["bad-avro", {
        key: "deep",
        value: frameConfluent(
          ids.tree,
          Uint8Array.from([
            ...Array.from({ length: 5000 }, () => [2, 0x54, 2]).flat(),
            2,
            0x54,
            0,
            ...new Array(5000).fill(0),
          ]),
        ),
      }],
      ["too-large", {
        key: "big-headers",
        value: frameConfluent(ids.reading, goodValue(999)),
        headers: { trace: "t".repeat(40_000) },
      }],
    ];
    for (const h of hostile) {
      good();
      records.push(h);
    }
    // A hostile key that the KCQL never reads: the record is written.
    records.push(["written", {
      key: frameConfluent(ids.array, Uint8Array.from([...varint(2 ** 31), 0])),
      value: frameConfluent(ids.reading, goodValue(goods++)),
    }]);

    // Mutated records, their fate decided by the decoder itself, in-process.
    // As the sink decodes: its default --max-value-bytes is 1MB.
    const decoder = new SinkValueDecoder({ registry, maxValueBytes: 1024 * 1024 });
    const rand = prng(0xc0dec5).int;
    for (let i = 0; i < 40; i++) {
      const b = Array.from(goodValue(1000 + i));
      switch (rand(4)) {
        case 0:
          b[rand(b.length)] ^= 1 << rand(8);
          break;
        case 1:
          b.splice(rand(b.length), 0, ...[0x80, 0x80, 0x80, 0x80, 0x10]);
          break;
        case 2:
          b.length = rand(b.length);
          break;
        default:
          b[rand(b.length)] = 0xff;
      }
      const value = frameConfluent(ids.reading, Uint8Array.from(b));
      let expected = "written";
      try {
        const out = await decoder.decodeValue(value);
        const v = out.kind === "record" ? out.value : {};
        if (typeof v.bid !== "string" || typeof v.n !== "number") expected = "missing-field";
      } catch (e) {
        assert.ok(e instanceof PoisonRecordError, String(e));
        expected = e.reason;
      }
      good();
      records.push([expected, { key: `mutated-${i}`, value }]);
    }
    good();
    const mutated = records.filter(([, r]) => String(r.key).startsWith("mutated-"));
    const fates: Record<string, number> = {};
    for (const [f] of mutated) fates[f] = (fates[f] ?? 0) + 1;
    console.log(`mutated records: ${JSON.stringify(fates)}`);
    assert.ok(mutated.some(([f]) => f === "written") && mutated.some(([f]) => f !== "written"));
    await produce(topic, records.map(([, r]) => r));

    const client = mongo();
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${collection} SELECT bid, n, _.offset AS off FROM ${topic}`,
      "--group",
      uniqueName("g-hostile"),
      "--max-record-bytes",
      "32KB",
    ]);
    let exited = false;
    sink.exited.then(() => (exited = true));
    try {
      const written = records.flatMap(([fate], offset) => (fate === "written" ? [offset] : []));
      const dead = records.flatMap((
        [fate],
        offset,
      ) => (fate === "written" ? [] : [[offset, fate]]));
      const c = client.db("connect-db").collection(collection);
      await waitForCount(c, written.length, 90_000);
      // Written in offset order: ObjectIds are made in write order by the one sink.
      const docs = await c.find({}).sort({ _id: 1 }).toArray();
      assert.deepEqual(docs.map((d) => Number(d.off)), written, "every written record, in order");

      const letters = await readTopic(`${topic}-dlq`, (r) => r.length >= dead.length, 60_000);
      const got = letters.map((
        l,
      ) => [Number(l.headers["__connect.errors.offset"]), l.headers["gateway.error.reason"]])
        .sort((a, b) => (a[0] as number) - (b[0] as number));
      assert.deepEqual(got, dead, "each poison record dead-lettered once, with its reason");
      for (const l of letters) {
        assert.ok(l.headers["__connect.errors.exception.message"].length > 0);
      }
      const blockCount = letters.find((l) => l.key === "block-count");
      assert.match(
        blockCount!.headers["__connect.errors.exception.message"],
        /array block of 2147483648 items/,
      );
      assert.ok(!exited, "the sink is still running");
      assert.ok(!sink.lines.some((l) => / ERROR |crashed/.test(l)), "no errors");
    } finally {
      assert.equal(await sink.stop(), 0, sink.lines.slice(-20).join("\n"));
      await client.close();
    }
  },
});
