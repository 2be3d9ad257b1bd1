import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";

Deno.test("every clause the MongoDB sink does not use is accepted and reported with its position", () => {
  const text = [
    "INSERT INTO readings SELECT * FROM sensortag",
    "IGNORE raw AUTOCREATE WITHSTRUCTURE PK id WITHTARGET = a.b AUTOEVOLVE BATCH = 5",
    "PARTITIONBY tag, loc.city DISTRIBUTEBY tag INTO 4 BUCKETS CLUSTERBY tag INTO 2 BUCKETS",
    "WITHTIMESTAMP sys_time() TIMESTAMPUNIT = SECONDS WITHFORMAT JSON WITHUNWRAP",
    "STOREAS `orc` (a = 1, b = x) WITHTAG (tag AS t, region = eu, plain) INCREMENTALMODE = ts",
    "WITHTYPE doc WITHDOCTYPE = d WITHINDEXSUFFIX = _suffix TTL = 360 WITHCONVERTER = `com.x.Conv`",
    "WITHJMSSELECTOR = `a > 1` WITHKEY (a, b) KEYDELIMITER = '|' WITHPIPELINE = p1",
    "WITHPARTITIONER = hash WITHSUBSCRIPTION = shared WITHCOMPRESSION = gzip WITHDELAY = 10",
    "WITHREGEX = `.*` WITH_FLUSH_SIZE = 100 WITH_FLUSH_INTERVAL = 10 WITH_FLUSH_COUNT = 5",
    "LIMIT 10 WITH_SESSION = s WITH_ACK WITH_ENCODE_BASE64 WITH_LOCK_TIME = 3 PROPERTIES('flush.count'=5)",
  ].join("\n");
  const { statements, warnings } = parseKcql(text);
  const plan = statements[0];
  assert.equal(plan.batchSize, 5);
  assert.deepEqual(plan.ignored, [["raw"]]);
  assert.deepEqual(plan.properties, { "flush.count": "5" });
  const at = (keyword: string) =>
    warnings.filter((w) => w.message.startsWith(`${keyword} is ignored`)).map((
      w,
    ) => [w.line, w.column]);
  assert.deepEqual(at("AUTOCREATE"), [[2, 12]]);
  assert.deepEqual(at("WITHSTRUCTURE"), [[2, 23]]);
  assert.deepEqual(at("WITHTARGET"), [[2, 43]]);
  assert.deepEqual(at("AUTOEVOLVE"), [[2, 60]]);
  assert.deepEqual(at("PARTITIONBY"), [[3, 1]]);
  assert.deepEqual(at("TTL"), [[6, 56]]);
  assert.deepEqual(at("WITH_LOCK_TIME"), [[10, 55]]);
  const ignoredKeywords = warnings
    .map((w) => /^([A-Z_0-9]+) is ignored by the MongoDB sink/.exec(w.message)?.[1])
    .filter((k) => k !== undefined);
  assert.deepEqual(ignoredKeywords, [
    "AUTOCREATE",
    "WITHSTRUCTURE",
    "WITHTARGET",
    "AUTOEVOLVE",
    "PARTITIONBY",
    "DISTRIBUTEBY",
    "CLUSTERBY",
    "WITHTIMESTAMP",
    "TIMESTAMPUNIT",
    "WITHFORMAT",
    "WITHUNWRAP",
    "STOREAS",
    "WITHTAG",
    "INCREMENTALMODE",
    "WITHTYPE",
    "WITHDOCTYPE",
    "WITHINDEXSUFFIX",
    "TTL",
    "WITHCONVERTER",
    "WITHJMSSELECTOR",
    "WITHKEY",
    "KEYDELIMITER",
    "WITHPIPELINE",
    "WITHPARTITIONER",
    "WITHSUBSCRIPTION",
    "WITHCOMPRESSION",
    "WITHDELAY",
    "WITHREGEX",
    "WITH_FLUSH_SIZE",
    "WITH_FLUSH_INTERVAL",
    "WITH_FLUSH_COUNT",
    "LIMIT",
    "WITH_SESSION",
    "WITH_ACK",
    "WITH_ENCODE_BASE64",
    "WITH_LOCK_TIME",
  ]);
  // PK with INSERT and the unknown property are warned about too, in text order.
  assert.equal(warnings.length, ignoredKeywords.length + 2);
  const order = warnings.map((w) => w.line * 1000 + w.column);
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.ok(warnings.some((w) => /property 'flush\.count' is not used/.test(w.message)));
});

Deno.test("the older standalone grammar's clauses a MongoDB sink ignores are accepted with a warning", () => {
  const text = [
    "UPSERT INTO readings SELECT * FROM sensortag PK id BATCH = 5",
    "CAPITALIZE INITIALIZE PROJECTTO 2 WITH_FLUSH_COUNT = 5",
    "WITH_SCHEMA_EVOLUTION = ADD WITH_TABLE_LOCATION = /warehouse/readings",
    "WITH_OVERWRITE WITH_PARTITIONING = DYNAMIC LIMIT 10",
  ].join("\n");
  const { statements, warnings } = parseKcql(text);
  assert.equal(statements[0].batchSize, 5);
  assert.deepEqual(statements[0].primaryKeys, [{ kind: "value", path: ["id"], name: "id" }]);
  assert.deepEqual(
    warnings.map((w) => [w.message.split(" ")[0], w.line, w.column]),
    [
      ["CAPITALIZE", 2, 1],
      ["INITIALIZE", 2, 12],
      ["PROJECTTO", 2, 23],
      ["WITH_FLUSH_COUNT", 2, 35],
      ["WITH_SCHEMA_EVOLUTION", 3, 1],
      ["WITH_TABLE_LOCATION", 3, 29],
      ["WITH_OVERWRITE", 4, 1],
      ["WITH_PARTITIONING", 4, 16],
      ["LIMIT", 4, 44],
    ],
  );
  for (const w of warnings) assert.match(w.message, /^[A-Z_]+ is ignored by the MongoDB sink/);
  // In any letter case, like every keyword here.
  assert.equal(
    parseKcql("insert into r select * from t capitalize with_overwrite").warnings.length,
    2,
  );
});

Deno.test("an ignored clause's warning says what to use instead where there is something", () => {
  const { warnings } = parseKcql("INSERT INTO r SELECT * FROM t WITHFORMAT avro TTL = 60");
  assert.deepEqual(warnings, [
    {
      message: "WITHFORMAT is ignored by the MongoDB sink: documents are always written as BSON",
      line: 1,
      column: 31,
    },
    {
      message:
        "TTL is ignored by the MongoDB sink: MongoDB expires documents through a TTL index, or 'timeseries.expireAfterSeconds' in PROPERTIES",
      line: 1,
      column: 47,
    },
  ]);
});

Deno.test("ignored clauses are still checked as the connector checks them", () => {
  assert.throws(
    () => parseKcql("INSERT INTO r SELECT * FROM t LIMIT 0"),
    /LIMIT must be a positive whole number/,
  );
  assert.throws(
    () => parseKcql("INSERT INTO r SELECT * FROM t WITHTAG (a"),
    /expected ',' or '\)', found end of input/,
  );
  assert.throws(
    () => parseKcql("INSERT INTO r SELECT * FROM t STOREAS"),
    /expected a type after STOREAS/,
  );
  assert.throws(
    () => parseKcql("INSERT INTO r SELECT * FROM t WITHFORMAT json WITHTIMESTAMP ts"),
    /found WITHTIMESTAMP after WITHFORMAT/,
  );
});
