import assert from "node:assert/strict";
import { KcqlSemanticError, parseKcql, planForTopic } from "../../src/sink/kcql/mod.ts";

const SCRIPT = `
INSERT INTO readings SELECT * FROM sensortag-cc2650;
UPSERT INTO devices SELECT battery FROM sensortag-status PK _key WITHFORMAT avro;

insert into archive select * from sensortag-cc2541 batch = 1000;
`;

Deno.test("statements separated by ';' each become a plan, in order, with their warnings", () => {
  const { statements, warnings } = parseKcql(SCRIPT);
  assert.deepEqual(
    statements.map((s) => [s.writeMode, s.target, s.source, s.batchSize]),
    [
      ["insert", "readings", "sensortag-cc2650", 100],
      ["upsert", "devices", "sensortag-status", 100],
      ["insert", "archive", "sensortag-cc2541", 1000],
    ],
  );
  assert.deepEqual(statements[1].primaryKeys, [{ kind: "key", path: [], name: "_key" }]);
  assert.deepEqual(warnings, [
    {
      message: "WITHFORMAT is ignored by the MongoDB sink: documents are always written as BSON",
      line: 3,
      column: 66,
    },
  ]);
  assert.deepEqual(statements[1].warnings, warnings);
});

Deno.test("a trailing ';', empty statements and no trailing ';' are all fine", () => {
  for (
    const text of [
      "INSERT INTO a SELECT * FROM t1",
      "INSERT INTO a SELECT * FROM t1;",
      ";;INSERT INTO a SELECT * FROM t1;;;",
    ]
  ) {
    assert.equal(parseKcql(text).statements.length, 1, text);
  }
  assert.equal(
    parseKcql("INSERT INTO a SELECT * FROM t1;INSERT INTO a SELECT * FROM t2").statements.length,
    2,
  );
});

Deno.test("a ';' inside a quoted name does not end the statement", () => {
  const { statements } = parseKcql("INSERT INTO `a;b` SELECT 'x;y' AS z FROM t;");
  assert.equal(statements.length, 1);
  assert.equal(statements[0].target, "a;b");
  assert.deepEqual(statements[0].fields, [{ kind: "value", path: ["x;y"], alias: "z" }]);
});

Deno.test("two statements reading one topic are refused, naming both positions", () => {
  const text =
    "INSERT INTO a SELECT * FROM t1;\nINSERT INTO b SELECT * FROM t2;\n  UPSERT INTO c SELECT * FROM `t1` PK id";
  try {
    parseKcql(text);
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof KcqlSemanticError);
    assert.deepEqual([e.line, e.column], [3, 31]);
    assert.match(e.message, /topic 't1' is already written by the statement at line 1, column 1/);
  }
});

Deno.test("planForTopic finds the statement of a topic, and nothing for another topic", () => {
  const { statements } = parseKcql(SCRIPT);
  assert.equal(planForTopic(statements, "sensortag-status")?.target, "devices");
  assert.equal(planForTopic(statements, "sensortag-cc2541")?.target, "archive");
  assert.equal(planForTopic(statements, "sensortag"), undefined);
  assert.equal(planForTopic(statements, "SENSORTAG-STATUS"), undefined);
});
