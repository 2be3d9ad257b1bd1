import assert from "node:assert/strict";
import { type KcqlPlan, parseKcql } from "../../src/sink/kcql/mod.ts";

/** The plan of a statement with nothing but its required parts; cases override what they set. */
function plan(overrides: Partial<KcqlPlan>): KcqlPlan {
  return {
    writeMode: "insert",
    target: "readings",
    source: "sensortag",
    fields: [],
    selectAll: false,
    ignored: [],
    primaryKeys: [],
    batchSize: 100,
    properties: {},
    warnings: [],
    ...overrides,
  };
}

const CORPUS: [string, KcqlPlan][] = [
  ["INSERT INTO readings SELECT * FROM sensortag", plan({ selectAll: true })],
  [
    "INSERT INTO readings SELECT tag, value FROM sensortag",
    plan({
      fields: [{ kind: "value", path: ["tag"], alias: "tag" }, {
        kind: "value",
        path: ["value"],
        alias: "value",
      }],
    }),
  ],
  [
    "INSERT INTO readings SELECT tag AS sensor, loc.lat, loc.lon AS longitude FROM sensortag",
    plan({
      fields: [
        { kind: "value", path: ["tag"], alias: "sensor" },
        { kind: "value", path: ["loc", "lat"], alias: "lat" },
        { kind: "value", path: ["loc", "lon"], alias: "longitude" },
      ],
    }),
  ],
  [
    "INSERT INTO readings SELECT *, loc.lat AS lat FROM sensortag IGNORE raw, loc.alt",
    plan({
      selectAll: true,
      fields: [{ kind: "value", path: ["loc", "lat"], alias: "lat" }],
      ignored: [["raw"], ["loc", "alt"]],
    }),
  ],
  [
    "UPSERT INTO readings SELECT * FROM sensortag PK id",
    plan({
      writeMode: "upsert",
      selectAll: true,
      primaryKeys: [{ kind: "value", path: ["id"], name: "id" }],
    }),
  ],
  [
    "UPSERT INTO readings SELECT a, b FROM sensortag PK tag, reading.seq, _.partition",
    plan({
      writeMode: "upsert",
      fields: [{ kind: "value", path: ["a"], alias: "a" }, {
        kind: "value",
        path: ["b"],
        alias: "b",
      }],
      primaryKeys: [
        { kind: "value", path: ["tag"], name: "tag" },
        { kind: "value", path: ["reading", "seq"], name: "seq" },
        { kind: "meta", path: ["partition"], name: "partition" },
      ],
    }),
  ],
  [
    "UPSERT PK id INTO readings SELECT * FROM sensortag BATCH = 250",
    plan({
      writeMode: "upsert",
      selectAll: true,
      primaryKeys: [{ kind: "value", path: ["id"], name: "id" }],
      batchSize: 250,
    }),
  ],
  [
    "UPDATE INTO devices SELECT battery, rssi AS signal FROM sensortag PK _key.mac BATCH = 10",
    plan({
      writeMode: "update",
      target: "devices",
      fields: [
        { kind: "value", path: ["battery"], alias: "battery" },
        { kind: "value", path: ["rssi"], alias: "signal" },
      ],
      primaryKeys: [{ kind: "key", path: ["mac"], name: "mac" }],
      batchSize: 10,
    }),
  ],
  [
    "INSERT INTO readings SELECT _key, _key.mac, _.key.fw AS firmware, _header.trace, _.topic, " +
    "_.PARTITION AS p, _.offset, _.timestamp AS at, `_key` AS valueKey FROM sensortag",
    plan({
      fields: [
        { kind: "key", path: [], alias: "_key" },
        { kind: "key", path: ["mac"], alias: "mac" },
        { kind: "key", path: ["fw"], alias: "firmware" },
        { kind: "header", path: ["trace"], alias: "trace" },
        { kind: "meta", path: ["topic"], alias: "topic" },
        { kind: "meta", path: ["partition"], alias: "p" },
        { kind: "meta", path: ["offset"], alias: "offset" },
        { kind: "meta", path: ["timestamp"], alias: "at" },
        { kind: "value", path: ["_key"], alias: "valueKey" },
      ],
    }),
  ],
  // `.*` selections, as the connector's parser reads them (KcqlNestedFieldTest, KcqlTest).
  [
    "INSERT INTO readings SELECT field1.field2.field3.* FROM sensortag",
    plan({
      fields: [{ kind: "value", path: ["field1", "field2", "field3"], alias: "*", spread: true }],
    }),
  ],
  [
    "insert into readings select _key.* FROM sensortag",
    plan({ fields: [{ kind: "key", path: [], alias: "*", spread: true }] }),
  ],
  [
    "INSERT INTO readings SELECT _.key.field1, _.key.field2.field3.field4, _.key.* FROM sensortag",
    plan({
      fields: [
        { kind: "key", path: ["field1"], alias: "field1" },
        { kind: "key", path: ["field2", "field3", "field4"], alias: "field4" },
        { kind: "key", path: [], alias: "*", spread: true },
      ],
    }),
  ],
  [
    "INSERT INTO pizza_avro_out\nSELECT\n  name,\n  ingredients.name as fieldName,\n  calories as cals,\n" +
    "  ingredients.sugar as fieldSugar,\n  ingredients.*\nFROM pizza_avro_in withstructure",
    plan({
      target: "pizza_avro_out",
      source: "pizza_avro_in",
      fields: [
        { kind: "value", path: ["name"], alias: "name" },
        { kind: "value", path: ["ingredients", "name"], alias: "fieldName" },
        { kind: "value", path: ["calories"], alias: "cals" },
        { kind: "value", path: ["ingredients", "sugar"], alias: "fieldSugar" },
        { kind: "value", path: ["ingredients"], alias: "*", spread: true },
      ],
      warnings: [{ message: "WITHSTRUCTURE is ignored by the MongoDB sink", line: 8, column: 20 }],
    }),
  ],
  [
    "insert into readings select _header.a, _header.p.c, value_field, _header.* FROM sensortag",
    plan({
      fields: [
        { kind: "header", path: ["a"], alias: "a" },
        { kind: "header", path: ["p", "c"], alias: "c" },
        { kind: "value", path: ["value_field"], alias: "value_field" },
        { kind: "header", path: [], alias: "*", spread: true },
      ],
    }),
  ],
  // An empty property value, as KcqlPropertiesTest has it.
  [
    "INSERT INTO readings SELECT * FROM sensortag PROPERTIES('a'='b', 'd'='')",
    plan({
      selectAll: true,
      properties: { a: "b", d: "" },
      warnings: [
        {
          message:
            "property 'a' is not used by the MongoDB sink and is ignored (it understands timeseries.timeField, timeseries.metaField, timeseries.granularity, timeseries.bucketMaxSpanSeconds, timeseries.bucketRoundingSeconds, timeseries.expireAfterSeconds, id.strategy)",
          line: 1,
          column: 57,
        },
        {
          message:
            "property 'd' is not used by the MongoDB sink and is ignored (it understands timeseries.timeField, timeseries.metaField, timeseries.granularity, timeseries.bucketMaxSpanSeconds, timeseries.bucketRoundingSeconds, timeseries.expireAfterSeconds, id.strategy)",
          line: 1,
          column: 66,
        },
      ],
    }),
  ],
  [
    "INSERT INTO `my coll` SELECT `from`, 'odd name' AS odd, loc.`lat deg` AS lat FROM `weird-topic.v1`",
    plan({
      target: "my coll",
      source: "weird-topic.v1",
      fields: [
        { kind: "value", path: ["from"], alias: "from" },
        { kind: "value", path: ["odd name"], alias: "odd" },
        { kind: "value", path: ["loc", "lat deg"], alias: "lat" },
      ],
    }),
  ],
  [
    "INSERT INTO db-archive.readings_v2 SELECT * FROM sensor-readings.v1",
    plan({ target: "db-archive.readings_v2", source: "sensor-readings.v1", selectAll: true }),
  ],
  [
    "INSERT INTO readings SELECT ttl, limit, timestamp FROM sensortag",
    plan({
      fields: [
        { kind: "value", path: ["ttl"], alias: "ttl" },
        { kind: "value", path: ["limit"], alias: "limit" },
        { kind: "value", path: ["timestamp"], alias: "timestamp" },
      ],
    }),
  ],
  [
    "INSERT INTO readings SELECT *, _.timestamp AS time, tag FROM sensortag " +
    "PROPERTIES('timeseries.timeField'='time', 'timeseries.metaField'='tag', 'timeseries.granularity'='Seconds', " +
    "'timeseries.expireAfterSeconds'=86400)",
    plan({
      selectAll: true,
      fields: [
        { kind: "meta", path: ["timestamp"], alias: "time" },
        { kind: "value", path: ["tag"], alias: "tag" },
      ],
      timeseries: {
        timeField: "time",
        metaField: "tag",
        granularity: "seconds",
        expireAfterSeconds: 86400,
      },
      properties: {
        "timeseries.timeField": "time",
        "timeseries.metaField": "tag",
        "timeseries.granularity": "Seconds",
        "timeseries.expireAfterSeconds": "86400",
      },
    }),
  ],
  [
    "INSERT INTO readings SELECT time, tag FROM sensortag " +
    "PROPERTIES(timeseries.timeField=time, 'TIMESERIES.BUCKETMAXSPANSECONDS'=300, 'timeseries.bucketRoundingSeconds'='300')",
    plan({
      fields: [{ kind: "value", path: ["time"], alias: "time" }, {
        kind: "value",
        path: ["tag"],
        alias: "tag",
      }],
      timeseries: { timeField: "time", bucketMaxSpanSeconds: 300, bucketRoundingSeconds: 300 },
      properties: {
        "timeseries.timeField": "time",
        "TIMESERIES.BUCKETMAXSPANSECONDS": "300",
        "timeseries.bucketRoundingSeconds": "300",
      },
    }),
  ],
  ["INSERT INTO readings SELECT * FROM sensortag PROPERTIES()", plan({ selectAll: true })],
  [
    "  insert\n  into readings\n\tselect\n  *\n  from sensortag\n  batch=7\n",
    plan({ selectAll: true, batchSize: 7 }),
  ],
];

/** The values of the standalone grammar's enum clauses the connector accepts, in any case. */
const ENUM_CLAUSES = [
  "WITH_SCHEMA_EVOLUTION = MATCH",
  "WITH_SCHEMA_EVOLUTION = IGNORE",
  "WITH_SCHEMA_EVOLUTION = add",
  "WITH_PARTITIONING = STRICT",
  "WITH_PARTITIONING = Dynamic",
  "WITH_SCHEMA_EVOLUTION = ADD WITH_PARTITIONING = DYNAMIC",
];

Deno.test("WITH_SCHEMA_EVOLUTION and WITH_PARTITIONING take the values of the connector's enums", () => {
  for (const clause of ENUM_CLAUSES) {
    const { statements, warnings } = parseKcql(
      `INSERT INTO readings SELECT * FROM sensortag ${clause}`,
    );
    assert.equal(statements.length, 1, clause);
    assert.ok(warnings.every((w) => /is ignored by the MongoDB sink/.test(w.message)), clause);
  }
});

Deno.test("every feature of the valid corpus parses to the whole expected plan", () => {
  for (const [text, expected] of CORPUS) {
    const { statements, warnings } = parseKcql(text);
    assert.equal(statements.length, 1, text);
    assert.deepEqual(statements[0], expected, text);
    assert.deepEqual(warnings, expected.warnings, text);
  }
});

Deno.test("a plan survives a JSON round trip unchanged", () => {
  for (const [text] of CORPUS) {
    const { statements } = parseKcql(text);
    assert.deepEqual(JSON.parse(JSON.stringify(statements)), statements, text);
  }
});

Deno.test("the PK of an INSERT is dropped from the plan with a warning, as the connector ignores it", () => {
  const { statements, warnings } = parseKcql("INSERT INTO readings SELECT * FROM sensortag PK id");
  assert.deepEqual(statements[0].primaryKeys, []);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].line, 1);
  assert.equal(warnings[0].column, 46);
  assert.match(warnings[0].message, /PK is ignored with INSERT/);
});

Deno.test("an IGNORE of a field the SELECT list does not write is warned about", () => {
  const { statements, warnings } = parseKcql(
    "INSERT INTO r SELECT a, b.c FROM t IGNORE d, b.c.x, b",
  );
  assert.deepEqual(statements[0].ignored, [["d"], ["b", "c", "x"], ["b"]]);
  assert.deepEqual(
    warnings.map((w) => [w.column, w.message]),
    [
      [43, "IGNORE 'd' has no effect: the SELECT list does not write it"],
      [53, "IGNORE 'b' has no effect: the SELECT list does not write it"],
    ],
  );
});

Deno.test("a metaField the SELECT list does not write is warned about, not refused", () => {
  const { warnings } = parseKcql(
    "INSERT INTO r SELECT time FROM t PROPERTIES('timeseries.timeField'='time', 'timeseries.metaField'='tag')",
  );
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0].message,
    /'timeseries.metaField' names 'tag', but the SELECT list writes no field 'tag'/,
  );
});

Deno.test("a topic name Kafka would refuse is accepted with a warning", () => {
  const { statements, warnings } = parseKcql("INSERT INTO r SELECT * FROM /mqtt/+/temp");
  assert.equal(statements[0].source, "/mqtt/+/temp");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /not a valid Kafka topic name/);
});
