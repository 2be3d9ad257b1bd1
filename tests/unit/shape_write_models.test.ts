import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";
import {
  buildWriteModels,
  shapeDocument,
  type ShapeInput,
  writeModelFor,
} from "../../src/sink/shape/mod.ts";

function records(n: number): ShapeInput[] {
  return Array.from({ length: n }, (_, i) => ({
    value: { id: `r-${i}`, temp: 20 + i },
    key: null,
    topic: "t",
    partition: 0,
    offset: String(i),
    timestamp: "0",
  }));
}

function models(kcql: string, n: number) {
  const plan = parseKcql(kcql).statements[0];
  return buildWriteModels(plan, records(n).map((r) => shapeDocument(plan, r)));
}

Deno.test("INSERT becomes insertOne of the document", () => {
  assert.deepEqual(models("INSERT INTO r SELECT * FROM t", 1), [[{
    insertOne: { document: { id: "r-0", temp: 20 } },
  }]]);
});

Deno.test("UPSERT becomes replaceOne matched on _id, with upsert", () => {
  assert.deepEqual(models("UPSERT INTO r SELECT temp FROM t PK id", 1), [[
    { replaceOne: { filter: { _id: "r-0" }, replacement: { _id: "r-0", temp: 20 }, upsert: true } },
  ]]);
});

Deno.test("UPDATE becomes updateOne with $set of the selected fields, matched on _id, with upsert", () => {
  assert.deepEqual(models("UPDATE INTO r SELECT temp AS t FROM t PK id", 1), [[
    { updateOne: { filter: { _id: "r-0" }, update: { $set: { t: 20 } }, upsert: true } },
  ]]);
});

Deno.test("operations keep record order and are chunked by BATCH, 100 by default", () => {
  const byDefault = models("INSERT INTO r SELECT id FROM t", 250);
  assert.deepEqual(byDefault.map((c) => c.length), [100, 100, 50]);
  const chunks = models("UPSERT INTO r SELECT temp FROM t PK id BATCH = 2", 5);
  assert.deepEqual(chunks.map((c) => c.length), [2, 2, 1]);
  const ids = chunks.flat().map((
    op,
  ) => ("replaceOne" in op ? op.replaceOne.filter._id : undefined));
  assert.deepEqual(ids, ["r-0", "r-1", "r-2", "r-3", "r-4"]);
  assert.deepEqual(models("INSERT INTO r SELECT id FROM t BATCH = 3", 0), []);
});

Deno.test("a replace or update without its _id filter is refused", () => {
  const plan = parseKcql("UPSERT INTO r SELECT temp FROM t PK id").statements[0];
  assert.throws(
    () => writeModelFor(plan, { document: { temp: 1 } }),
    /needs a document shaped with its _id filter/,
  );
});
