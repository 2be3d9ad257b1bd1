import assert from "node:assert/strict";
import { runGateway } from "../_support/gateway_process.ts";

Deno.test("gateway kcql check prints the plan as JSON and exits 0 for valid KCQL", async () => {
  const r = await runGateway([
    "kcql",
    "check",
    "upsert into readings select bid, loc.lat as lat from `sensortag-avro` PK bid batch = 10",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.valid, true);
  const [plan] = report.statements;
  assert.equal(plan.writeMode, "upsert");
  assert.equal(plan.target, "readings");
  assert.equal(plan.source, "sensortag-avro");
  assert.equal(plan.batchSize, 10);
  assert.deepEqual(
    plan.fields.map((f: { path: string[]; alias: string }) => [f.path.join("."), f.alias]),
    [["bid", "bid"], ["loc.lat", "lat"]],
  );
  assert.deepEqual(plan.primaryKeys.map((k: { path: string[] }) => k.path.join(".")), ["bid"]);
});

Deno.test("gateway kcql check names line and column of a syntax error and exits 2 (a usage error)", async () => {
  const r = await runGateway([
    "kcql",
    "check",
    "INSERT INTO a SELECT * FROM t1;\nUPSERT INTO b SELECT x FROM t2 PK",
  ]);
  assert.equal(r.code, 2);
  const report = JSON.parse(r.stdout);
  assert.equal(report.valid, false);
  assert.equal(report.errors[0].line, 2);
  assert.equal(report.errors[0].column, 34);
  assert.match(r.stderr, /\^/, "a caret under the column");
});

Deno.test("gateway sink refuses invalid KCQL before connecting anywhere, pointing at the column", async () => {
  const r = await runGateway([
    "sink",
    "--kcql",
    "INSERT INTO a SELEC * FROM t",
    "--brokers",
    "127.0.0.1:1",
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid KCQL/);
  assert.match(r.stderr, /line 1, column 15|1:15/);
});
