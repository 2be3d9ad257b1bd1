import assert from "node:assert/strict";
import { kcqlCheck } from "../../src/sink/kcql/mod.ts";

Deno.test("kcql check reports every broken statement, not only the first, and keeps the good ones", () => {
  const report = kcqlCheck(
    "INSERT INTO a SELECT * FROM t1;\nINSERT INTO b SELECT FROM t2;\nUPSERT INTO c SELECT * FROM t3;\nINSERT INTO d SELECT * FROM t4 TTL = 5",
  );
  assert.equal(report.valid, false);
  assert.deepEqual(report.statements.map((s) => s.target), ["a", "d"]);
  assert.deepEqual(
    report.errors.map((e) => [e.kind, e.line, e.column]),
    [["syntax", 2, 22], ["semantic", 3, 1]],
  );
  assert.equal(report.errors[0].expected, "'*' or a field to select");
  assert.equal(report.errors[0].found, "'FROM'");
  assert.equal(report.errors[1].expected, undefined);
  assert.equal(
    report.errors[0].excerpt,
    "KCQL syntax error at line 2, column 22: expected '*' or a field to select, found 'FROM' (the SELECT list is empty)\n" +
      "2 | INSERT INTO b SELECT FROM t2;\n" +
      "  |                      ^",
  );
  assert.deepEqual(report.warnings.map((w) => [w.line, w.column]), [[4, 32]]);
});

Deno.test("kcql check of valid KCQL is valid, with its plans, and is plain JSON", () => {
  const report = kcqlCheck("UPDATE INTO devices SELECT battery FROM status PK _key.mac");
  assert.equal(report.valid, true);
  assert.deepEqual(report.errors, []);
  assert.equal(report.statements[0].writeMode, "update");
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

Deno.test("kcql check reports a lexical error as a syntax error with its position", () => {
  const report = kcqlCheck("INSERT INTO a SELECT ~ FROM t");
  assert.equal(report.valid, false);
  assert.deepEqual(report.errors.map((e) => [e.kind, e.line, e.column, e.found]), [[
    "syntax",
    1,
    22,
    "'~'",
  ]]);
});
