/**
 * The KCQL cases the connector's own test suites set (KeysExtractorTest,
 * KcqlNestedFieldTest, KcqlTest), on real records through `gateway sink`:
 * a struct or map PK is dead-lettered with the reason and the sink goes on;
 * `.*` selections and nested headers give whole documents.
 */
import assert from "node:assert/strict";
import { BSON, Double, Int32 } from "mongodb";
import { uniqueName } from "../_support/gateway_process.ts";
import { readTopic } from "../_support/kafka.ts";
import { canon, EXACT, onlyDocument } from "../_support/bson.ts";
import {
  avroEncoder,
  freshTopics,
  mongo,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

const PIZZA = {
  type: "record",
  name: "Pizza",
  namespace: "test",
  fields: [
    { name: "name", type: "string" },
    { name: "calories", type: "int" },
    {
      name: "base",
      type: {
        type: "record",
        name: "Base",
        fields: [
          { name: "flour", type: "string" },
          { name: "water", type: "double" },
          {
            name: "salt",
            type: {
              type: "record",
              name: "Salt",
              fields: [{ name: "grams", type: "int" }, { name: "kind", type: "string" }],
            },
          },
        ],
      },
    },
    {
      name: "ingredients",
      type: {
        type: "record",
        name: "Ingredient",
        fields: [{ name: "name", type: "string" }, { name: "sugar", type: "double" }],
      },
    },
    { name: "extras", type: { type: "map", values: "string" } },
  ],
} as const;

function pizza(i: number) {
  return {
    name: `pizza-${i}`,
    calories: 800 + i,
    base: { flour: "00", water: 0.5 + i / 10, salt: { grams: 3, kind: "sea" } },
    ingredients: { name: "tomato", sugar: 2.5 },
    extras: { oil: "olive" },
  };
}

Deno.test({
  name:
    "KCQL as the connector's tests set it, through gateway sink: struct and map PKs dead-lettered, .* selections and nested headers written",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { topics, collections: coll } = await freshTopics("kcqlc", [
      "pkStruct",
      "pkMap",
      "pkJson",
      "spread",
      "keySpread",
      "ingredients",
    ]);
    const enc = {
      pkStruct: await avroEncoder(topics.pkStruct, PIZZA as never),
      pkMap: await avroEncoder(topics.pkMap, PIZZA as never),
      spread: await avroEncoder(topics.spread, PIZZA as never),
      keySpread: await avroEncoder(topics.keySpread, PIZZA as never),
      ingredients: await avroEncoder(topics.ingredients, PIZZA as never),
    };
    const key = `{"shop":"north","till":4}`;
    const headers = { trace: "t-1", ctx: `{"user":"ada","tier":{"level":"gold"}}` };

    await produce(topics.pkStruct, [
      { key: "s0", value: enc.pkStruct.encode(pizza(0)) },
      { key: "s1", value: enc.pkStruct.encode(pizza(1)) },
    ]);
    await produce(topics.pkMap, [{ key: "m0", value: enc.pkMap.encode(pizza(0)) }]);
    // JSON values: a good record, a PK that is an object (struct or map), a good record after it.
    await produce(topics.pkJson, [
      { key: "j0", value: json({ id: "a", n: 0 }) },
      { key: "j1", value: json({ id: { x: 1 }, n: 1 }) },
      { key: "j2", value: json({ id: "b", n: 2 }) },
    ]);
    await produce(topics.spread, [{ key, value: enc.spread.encode(pizza(2)), headers }]);
    await produce(topics.keySpread, [{ key, value: enc.keySpread.encode(pizza(3)), headers }]);
    await produce(topics.ingredients, [{ key: "i", value: enc.ingredients.encode(pizza(4)) }]);

    const kcql = [
      `UPSERT INTO ${coll.pkStruct} SELECT name FROM ${topics.pkStruct} PK base`,
      `UPSERT INTO ${coll.pkMap} SELECT name FROM ${topics.pkMap} PK name, extras`,
      `UPSERT INTO ${coll.pkJson} SELECT * FROM ${topics.pkJson} PK id`,
      `INSERT INTO ${coll.spread} SELECT name, base.*, _key.*, _header.ctx.user AS user, ` +
      `_header.ctx.tier.level AS tier, _header.trace FROM ${topics.spread} IGNORE base.salt.kind`,
      `INSERT INTO ${coll.keySpread} SELECT _.key.*, _header.*, base.salt.* FROM ${topics.keySpread}`,
      `INSERT INTO ${coll.ingredients} SELECT name, ingredients.name AS fieldName, calories AS cals, ` +
      `ingredients.sugar AS fieldSugar, ingredients.* FROM ${topics.ingredients} WITHSTRUCTURE`,
    ].join(";\n");
    const client = mongo();
    const db = client.db("connect-db");
    const sink = startSink(["--kcql", kcql, "--group", uniqueName("kcqlc")]);
    try {
      // Struct and map PKs: dead-lettered, with the reason; the records around them are written.
      await waitForCount(db.collection(coll.pkJson), 2);
      const docs = await db.collection(coll.pkJson).find({}, EXACT).sort({ _id: 1 }).toArray();
      assert.deepEqual(docs.map((d) => d._id), ["a", "b"]);
      for (
        const [topic, n, field] of [
          [topics.pkStruct, 2, "base"],
          [topics.pkMap, 1, "extras"],
          [topics.pkJson, 1, "id"],
        ] as const
      ) {
        const dead = await readTopic(`${topic}-dlq`, (r) => r.length >= n, 30_000);
        assert.equal(dead.length, n, `${topic}: one dead letter per struct/map PK`);
        for (const d of dead) {
          assert.equal(d.headers["gateway.error.reason"], "bad-pk");
          assert.equal(d.headers["__connect.errors.topic"], topic);
          assert.match(
            d.headers["__connect.errors.exception.message"],
            new RegExp(`PK '${field}' cannot make the _id: it is a struct or a map`),
          );
        }
      }
      assert.equal(await db.collection(coll.pkStruct).countDocuments(), 0);
      assert.equal(await db.collection(coll.pkMap).countDocuments(), 0);

      // a.b.*, _key.*, _header.p.c: whole documents.
      await waitForCount(db.collection(coll.spread), 1);
      const spread = await onlyDocument(db.collection(coll.spread));
      assert.equal(
        canon(spread),
        canon({
          name: "pizza-2",
          flour: "00",
          water: new Double(0.7),
          salt: { grams: new Int32(3) },
          shop: "north",
          till: BSON.Long.fromNumber(4),
          user: "ada",
          tier: "gold",
          trace: "t-1",
        }),
      );

      // _.key.*, _header.* (every header) and a nested a.b.c.*.
      await waitForCount(db.collection(coll.keySpread), 1);
      const keySpread = await onlyDocument(db.collection(coll.keySpread));
      assert.equal(
        canon(keySpread),
        canon({
          shop: "north",
          till: BSON.Long.fromNumber(4),
          trace: "t-1",
          ctx: headers.ctx,
          grams: new Int32(3),
          kind: "sea",
        }),
      );

      // The connector's own example (KcqlNestedFieldTest): ingredients.* beside named fields,
      // which win where a name is the same.
      await waitForCount(db.collection(coll.ingredients), 1);
      const ingredients = await onlyDocument(db.collection(coll.ingredients));
      assert.equal(
        canon(ingredients),
        canon({
          name: "pizza-4",
          fieldName: "tomato",
          cals: new Int32(804),
          fieldSugar: new Double(2.5),
          sugar: new Double(2.5),
        }),
      );
      assert.ok(!sink.lines.some((l) => / ERROR /.test(l)), "the sink kept running without errors");
    } finally {
      assert.equal(await sink.stop(), 0, "exit code\n" + sink.lines.slice(-25).join("\n"));
      await client.close();
    }
  },
});
