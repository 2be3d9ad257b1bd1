import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Binary, type Document, Double, Int32, Long } from "mongodb";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { canon, EXACT, onlyDocument } from "../_support/bson.ts";
import {
  avroEncoder,
  freshTopics,
  mongo,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";

const SCHEMA = {
  type: "record",
  name: "Reading",
  namespace: "test",
  fields: [
    { name: "bid", type: "string" },
    { name: "time", type: "long" },
    { name: "ambient", type: "double" },
    { name: "rh", type: "double" },
    {
      name: "loc",
      type: {
        type: "record",
        name: "Loc",
        fields: [{ name: "lat", type: "double" }, { name: "lon", type: "double" }],
      },
    },
    { name: "count", type: "int" },
    { name: "raw", type: "bytes" },
    { name: "at", type: { type: "long", logicalType: "timestamp-millis" } },
    { name: "tags", type: { type: "array", items: "string" } },
    { name: "note", type: ["null", "string"], default: null },
  ],
} as const;

function reading(i: number, bid = `B0:B4:48:00:00:0${i % 3}`) {
  return {
    bid,
    time: 1_700_000_000 + i,
    ambient: 20 + i / 4,
    rh: 40 + i / 2,
    loc: { lat: 52.5 + i / 100, lon: 13.4 },
    count: i,
    raw: Buffer.from([i, 255 - i]),
    at: 1_700_000_000_000 + i * 1000,
    tags: ["a", `t${i}`],
    note: i % 2 ? "odd" : null,
  };
}

Deno.test({
  name: "KCQL features on real Avro records: whole documents with native BSON types",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { topics, collections: coll } = await freshTopics("kcql", [
      "star",
      "list",
      "upsert",
      "update",
      "meta",
    ]);
    const enc = await Promise.all(
      Object.values(topics).map((topic) => avroEncoder(topic, SCHEMA as never)),
    );
    const [star, list, upsert, update, meta] = enc;
    await produce(
      topics.star,
      [0, 1].map((i) => ({ key: `k${i}`, value: star.encode(reading(i)) })),
    );
    await produce(topics.list, [2].map((i) => ({ key: `k${i}`, value: list.encode(reading(i)) })));
    // Two versions of the same device: UPSERT keeps the last one; composite PK bid+time keeps both times.
    await produce(
      topics.upsert,
      [3, 4, 5].map((i) => ({ key: null, value: upsert.encode(reading(i, "DEV-A")) })),
    );
    await produce(
      topics.update,
      [6].map((i) => ({ key: null, value: update.encode(reading(i, "DEV-U")) })),
    );
    await produce(
      topics.meta,
      [7].map((i) => ({
        key: `{"device":"DEV-M","site":"north"}`,
        value: meta.encode(reading(i, "DEV-M")),
        headers: { source: "gateway-7" },
      })),
    );

    const client = mongo();
    const db = client.db("connect-db");
    // UPDATE mode must leave fields it does not select untouched.
    await db.collection(coll.update).insertOne({ _id: "DEV-U" as never, keep: "me", ambient: -1 });

    const kcql = [
      `INSERT INTO ${coll.star} SELECT * FROM ${topics.star} IGNORE raw, tags`,
      `insert into ${coll.list} select bid, loc.lat AS lat, loc.lon, ambient AS temp, at FROM ${topics.list}`,
      `UPSERT INTO ${coll.upsert} SELECT bid, time, ambient FROM ${topics.upsert} PK bid, time BATCH = 2`,
      `Update Into ${coll.update} Select ambient, rh From ${topics.update} PK bid`,
      `INSERT INTO ${coll.meta} SELECT bid, _key.site AS site, _header.source AS src, _.topic AS topic, _.partition AS p, _.offset AS o FROM \`${topics.meta}\``,
    ].join(";\n");
    const sink = startSink(["--kcql", kcql, "--group", uniqueName("kcql")]);
    try {
      await waitForCount(db.collection(coll.star), 2);
      await waitForCount(db.collection(coll.list), 1);
      await waitForCount(db.collection(coll.upsert), 3);
      await waitForCount(db.collection(coll.meta), 1);
      // UPDATE writes no new document: wait until the existing one has the selected fields.
      await waitFor(
        "the UPDATE to be applied",
        async () =>
          (await db.collection(coll.update).findOne({ _id: "DEV-U" as never, rh: 43 })) ??
            undefined,
      );

      // SELECT * with IGNORE: every other field, with its Avro type kept in BSON.
      const starDocs = await db.collection(coll.star).find({}, { projection: { _id: 0 }, ...EXACT })
        .sort({ count: 1 }).toArray();
      assert.equal(
        canon(starDocs[1]),
        canon({
          bid: "B0:B4:48:00:00:01",
          time: Long.fromNumber(1_700_000_001),
          ambient: new Double(20.25),
          rh: new Double(40.5),
          loc: { lat: new Double(52.51), lon: new Double(13.4) },
          count: new Int32(1),
          at: new Date(1_700_000_001_000),
          note: "odd",
        }),
      );
      assert.equal(starDocs[0].note, null, "a null union branch is null");

      // Field list, aliases, nested paths land at the top level (default alias: the last segment).
      const listDoc = await onlyDocument(db.collection(coll.list));
      assert.equal(
        canon(listDoc),
        canon({
          bid: "B0:B4:48:00:00:02",
          lat: new Double(52.52),
          lon: new Double(13.4),
          temp: new Double(20.5),
          at: new Date(1_700_000_002_000),
        }),
      );

      // Composite PK: _id is a sub-document in KCQL order; PK fields stay in the body.
      const upserted = await db.collection(coll.upsert).find({}, EXACT).sort({ time: 1 }).toArray();
      assert.deepEqual(
        upserted.map((d) => canon(d)),
        [3, 4, 5].map((i) =>
          canon({
            _id: { bid: "DEV-A", time: Long.fromNumber(1_700_000_000 + i) },
            bid: "DEV-A",
            time: Long.fromNumber(1_700_000_000 + i),
            ambient: new Double(20 + i / 4),
          })
        ),
      );

      // UPDATE: $set of the selected fields on the document matched by _id; others untouched.
      const updated = await db.collection(coll.update).findOne({ _id: "DEV-U" as never }, EXACT);
      assert.equal(
        canon(updated),
        canon({ _id: "DEV-U", keep: "me", ambient: new Double(21.5), rh: new Double(43) }),
      );

      // _key.<field>, _header.<name>, _.topic / _.partition / _.offset selected into the document.
      const metaDoc = await db.collection(coll.meta).findOne({}, {
        projection: { _id: 0 },
      }) as Document;
      assert.equal(metaDoc.bid, "DEV-M");
      assert.equal(metaDoc.site, "north");
      assert.equal(metaDoc.src, "gateway-7");
      assert.equal(metaDoc.topic, topics.meta);
      assert.equal(Number(metaDoc.p), 0);
      assert.equal(Number(metaDoc.o), 0);
    } finally {
      assert.equal(await sink.stop(), 0, "exit code" + "\n" + sink.lines.slice(-25).join("\n"));
      await client.close();
    }
  },
});

Deno.test({
  name: "Avro bytes reach the store as BSON binary",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("kcql-bytes");
    const collection = topic.replaceAll("-", "_");
    const enc = await avroEncoder(topic, SCHEMA as never);
    await produce(topic, [{ key: "b", value: enc.encode(reading(9)) }]);
    const client = mongo();
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${collection} SELECT raw FROM ${topic}`,
      "--group",
      uniqueName("g"),
    ]);
    try {
      const c = client.db("connect-db").collection(collection);
      await waitForCount(c, 1);
      const doc = await c.findOne();
      assert.ok(doc?.raw instanceof Binary, "raw is Binary");
      assert.deepEqual(Array.from((doc!.raw as Binary).buffer), [9, 246]);
    } finally {
      await sink.stop();
      await client.close();
    }
  },
});
