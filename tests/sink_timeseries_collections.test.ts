import assert from "node:assert/strict";
import type { Db } from "mongodb";
import { ensureTimeSeriesCollections } from "../src/sink/io/time_series_collections.ts";
import { KcqlPipeline } from "../src/sink/record/kcql_pipeline.ts";
import { parseKcql } from "../src/sink/kcql/plan.ts";
import { silentLogger } from "../src/util/log.ts";

// FerretDB 1.24 has no time series collections, so this checks what the sink
// asks of MongoDB: the exact createCollection call, made once, before writing.
function recordingDb(existing: { name: string; options?: unknown }[]) {
  const calls: { name: string; options: unknown }[] = [];
  const db = {
    listCollections: (filter: { name: string }) => ({
      toArray: () => Promise.resolve(existing.filter((c) => c.name === filter.name)),
    }),
    createCollection: (name: string, options: unknown) => {
      calls.push({ name, options });
      return Promise.resolve({});
    },
  } as unknown as Db;
  return { db, calls };
}

const noDecoder = {
  decodeValue: () => Promise.reject(new Error("unused")),
  decodeKey: () => Promise.resolve(null),
};

Deno.test("a statement with timeseries properties creates a MongoDB time series collection", async () => {
  const { statements } = parseKcql(
    "INSERT INTO readings SELECT bid, at AS time, ambient FROM t " +
      "PROPERTIES('timeseries.timeField'='time', 'timeseries.metaField'='bid', 'timeseries.granularity'='seconds', 'timeseries.expireAfterSeconds'=86400)",
  );
  const { db, calls } = recordingDb([]);
  await ensureTimeSeriesCollections(
    db,
    new KcqlPipeline(statements, noDecoder, "dlq").timeSeriesCollections(),
    silentLogger,
  );
  assert.equal(calls.length, 1);
  assert.equal(calls[0].name, "readings");
  const options = calls[0].options as {
    timeseries: Record<string, unknown>;
    expireAfterSeconds: number;
  };
  assert.equal(options.timeseries.timeField, "time");
  assert.equal(options.timeseries.metaField, "bid");
  assert.equal(options.timeseries.granularity, "seconds");
  assert.equal(options.expireAfterSeconds, 86400);
});

Deno.test("an existing collection is left as it is, and statements without timeseries create nothing", async () => {
  const { statements } = parseKcql(
    "INSERT INTO readings SELECT bid, at AS time FROM t PROPERTIES('timeseries.timeField'='time'); INSERT INTO plain SELECT * FROM u",
  );
  const { db, calls } = recordingDb([{
    name: "readings",
    options: { timeseries: { timeField: "time" } },
  }]);
  await ensureTimeSeriesCollections(
    db,
    new KcqlPipeline(statements, noDecoder, "dlq").timeSeriesCollections(),
    silentLogger,
  );
  assert.deepEqual(calls, []);
});
