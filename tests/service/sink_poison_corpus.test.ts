import assert from "node:assert/strict";
import { uniqueName } from "../_support/gateway_process.ts";
import { readTopic } from "../_support/kafka.ts";
import { sleep } from "../_support/produce.ts";
import {
  avroEncoder,
  createTopic,
  mongo,
  type OutRecord,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";

const SCHEMA = {
  type: "record",
  name: "P",
  fields: [{ name: "bid", type: "string" }, { name: "n", type: "int" }, {
    name: "note",
    type: "string",
  }],
};

Deno.test({
  name:
    "a poison corpus goes to the dead-letter topic with reasons; the good records around it are all written",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("poison");
    const collection = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    const enc = await avroEncoder(topic, SCHEMA as never);
    const good = (n: number): OutRecord => ({
      key: `good-${n}`,
      value: enc.encode({ bid: `G${n}`, n, note: "ok" }),
    });
    const valid = enc.encode({ bid: "T", n: 1, note: "truncate me please" });
    const unknownId = enc.encode({ bid: "U", n: 2, note: "x" });
    new DataView(unknownId.buffer).setUint32(1, 2_000_000_000);
    const corpus: [string, OutRecord][] = [
      ["not-avro-or-json", {
        key: "garbage",
        value: new TextEncoder().encode("hello, this is not a record"),
      }],
      ["bad-magic", { key: "magic", value: Uint8Array.of(0x07, 0, 0, 0, 1, 2, 4, 6) }],
      ["unknown-schema-id", { key: "unknown-id", value: unknownId }],
      ["truncated-avro", { key: "truncated", value: valid.subarray(0, valid.length - 6) }],
      ["too-large", {
        key: "large",
        value: new TextEncoder().encode(JSON.stringify({ bid: "L", blob: "x".repeat(4096) })),
      }],
      ["tombstone", { key: "tomb", value: null }],
      ["missing-field", {
        key: "json-missing",
        value: new TextEncoder().encode(JSON.stringify({ n: 5 })),
      }],
    ];
    const records: OutRecord[] = [];
    corpus.forEach(([, r], i) => records.push(good(i), r));
    records.push(good(corpus.length));
    await produce(topic, records);

    const client = mongo();
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${collection} SELECT bid, n FROM ${topic}`,
      "--group",
      uniqueName("g"),
      "--max-value-bytes",
      "2KB",
    ]);
    try {
      const c = client.db("connect-db").collection(collection);
      await waitForCount(c, corpus.length + 1);
      await sleep(1000);
      const docs = await c.find({}, { projection: { _id: 0 } }).sort({ n: 1 }).toArray();
      assert.deepEqual(
        docs,
        Array.from({ length: corpus.length + 1 }, (_, n) => ({ bid: `G${n}`, n })),
      );

      const dead = await readTopic(`${topic}-dlq`, (r) => r.length >= corpus.length, 30_000);
      assert.equal(dead.length, corpus.length, "one dead letter per poison record");
      // The dead-letter topic may have several partitions: compare as sets.
      const reasons = dead.map((d) => `${d.key} → ${d.headers["gateway.error.reason"]}`).sort();
      assert.deepEqual(reasons, corpus.map(([reason, r]) => `${r.key} → ${reason}`).sort());
      for (const d of dead) {
        assert.equal(d.headers["__connect.errors.topic"], topic);
        assert.ok(
          d.headers["__connect.errors.exception.message"].length > 0,
          "the reason is explained",
        );
        assert.match(d.headers["__connect.errors.offset"], /^\d+$/);
      }
      assert.ok(!sink.lines.some((l) => / ERROR /.test(l)), "the sink kept running without errors");
      assert.ok(
        sink.lines.some((l) => /record dead-lettered.*reason=truncated-avro/.test(l)),
        "dead letters are logged",
      );
    } finally {
      assert.equal(await sink.stop(), 0, "exit code" + "\n" + sink.lines.slice(-25).join("\n"));
      await client.close();
    }
  },
});
