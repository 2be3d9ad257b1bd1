/**
 * A connector file's mistakes are placed in the file: a KCQL error (or warning) inside a value
 * that spans continued lines and holds escapes is reported at the file's line and column, not the
 * joined value's; a misspelt key near a known one gets "did you mean", naming the key as written
 * and its line, also when it is why a required key is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseJavaProperties } from "../../src/config/java_properties.ts";
import {
  SinkConfigError,
  sinkSettingsFromProperties,
} from "../../src/sink/config/sink_settings.ts";
import { runGateway } from "../_support/gateway_process.ts";

function problems(text: string): string[] {
  try {
    sinkSettingsFromProperties(text);
  } catch (e) {
    assert.ok(e instanceof SinkConfigError, `not a SinkConfigError: ${e}`);
    return e.problems;
  }
  throw new assert.AssertionError({ message: "no error" });
}

const HEAD = [
  "# the sink",
  "connect.mongo.db=db",
  "connect.mongo.connection=mongodb://mongo:27017",
];

Deno.test("a value's characters are located in the file through continuations and escapes", () => {
  const text = "a=1\r\nk = INSERT \\\r\n    INTO \\u0062 \\\n\t x\\ty\nz=2";
  const p = parseJavaProperties(text);
  const v = p.values.get("k")!;
  assert.equal(v, "INSERT INTO b x\ty");
  assert.deepEqual(p.locate("k", 0), { line: 2, column: 5 });
  assert.deepEqual(p.locate("k", v.indexOf("INTO")), { line: 3, column: 5 });
  assert.deepEqual(p.locate("k", v.indexOf("b")), { line: 3, column: 10 }, "the \\u of \\u0062");
  assert.deepEqual(p.locate("k", v.indexOf("x")), { line: 4, column: 3 });
  assert.deepEqual(p.locate("k", v.indexOf("\t")), { line: 4, column: 4 }, "the \\ of \\t");
  assert.deepEqual(p.locate("k", v.length), { line: 4, column: 7 }, "just after the value");
  assert.equal(p.lineText(3), "    INTO \\u0062 \\");
  assert.equal(p.locate("nokey", 0), undefined);
});

Deno.test("a KCQL error on a continued line is reported at the file's line and column", () => {
  const [problem] = problems([
    ...HEAD,
    "connect.mongo.kcql=INSERT INTO readings \\",
    "    SELECT a, b \\",
    "    FROM sensortag BATCH = x",
  ].join("\n"));
  assert.equal(
    problem,
    [
      "connect.mongo.kcql: KCQL syntax error at line 6, column 28: expected a positive whole number after BATCH =, found 'x'",
      "6 |     FROM sensortag BATCH = x",
      "  |                            ^",
    ].join("\n"),
  );
});

Deno.test("the older key is named as written, and a KCQL error on the key's own line counts the key", () => {
  const [problem] = problems([
    ...HEAD,
    "connect.mongo.sink.kcql :   INSERT INTO r SELECT a FORM t",
  ].join("\n"));
  assert.match(
    problem,
    /^connect\.mongo\.sink\.kcql: KCQL syntax error at line 4, column 52: .*FORM/,
  );
  const semantic = problems(
    [...HEAD, "connect.mongo.kcql=INSERT INTO r \\", " SELECT _.key FROM t"].join("\n"),
  );
  assert.match(
    semantic[0],
    /^connect\.mongo\.kcql: KCQL error at line 5, column 11: '_\.key' names no key field/,
  );
});

Deno.test("a KCQL warning's position maps to the file too", () => {
  const { kcqlLocation, settings } = sinkSettingsFromProperties([
    ...HEAD,
    "connect.mongo.kcql=INSERT INTO r SELECT * \\",
    "   FROM t \\",
    "   WITHFORMAT json",
  ].join("\n"));
  assert.equal(settings.kcql, "INSERT INTO r SELECT * FROM t WITHFORMAT json");
  assert.ok(kcqlLocation);
  assert.deepEqual(kcqlLocation(1, 31), { line: 6, column: 4 });
  // KCQL given as a map (or a flag) has no place in a file.
  assert.equal(
    sinkSettingsFromProperties({
      "connect.mongo.kcql": "INSERT INTO r SELECT * FROM t",
      "connect.mongo.db": "d",
      "connect.mongo.connection": "mongodb://m",
    }).kcqlLocation,
    undefined,
  );
});

Deno.test("a misspelt required key: the missing key's message names the misspelling, its line and the fix", () => {
  const found = problems([
    "name=mongo-sink",
    "connect.mongo.sink.kcq=INSERT INTO a SELECT * FROM t",
    "connect.mongo.database=db",
    "connect.mongo.connection=mongodb://mongo:27017",
  ].join("\n"));
  assert.deepEqual(found, [
    "connect.mongo.kcql is missing: the KCQL statements to run; line 2 has connect.mongo.sink.kcq: " +
    "did you mean connect.mongo.kcql (older name: connect.mongo.sink.kcql)?",
  ]);
  assert.deepEqual(
    problems(
      [
        ...HEAD.slice(0, 2),
        "connect.mongo.conection=mongodb://m",
        "connect.mongo.kcql=INSERT INTO a SELECT * FROM t",
      ].join("\n"),
    ),
    [
      "connect.mongo.connection is missing: the MongoDB connection string; line 3 has " +
      "connect.mongo.conection: did you mean connect.mongo.connection?",
    ],
  );
});

Deno.test("a misspelt optional key is a warning with its line and did you mean; far keys get none", () => {
  const { warnings, settings } = sinkSettingsFromProperties([
    ...HEAD,
    "connect.mongo.kcql=INSERT INTO a SELECT * FROM t",
    "connect.mongo.batch.sise=5",
    "connect.mongo.error.polcy=NOOP",
    "connect.mongo.something.else=1",
    "topic=t",
    "value.convertor=io.confluent.connect.avro.AvroConverter",
  ].join("\n"));
  assert.ok(
    warnings.includes(
      "line 8: topic is not a setting of the connector: not used; did you mean topics?",
    ),
  );
  assert.ok(
    warnings.some((w) => /^line 9: value\.convertor .*did you mean value\.converter\?$/.test(w)),
  );
  assert.equal(settings.batchSize, undefined);
  assert.ok(
    warnings.includes(
      "line 5: connect.mongo.batch.sise is not a setting of the connector: not used; did you mean connect.mongo.batch.size?",
    ),
    warnings.join("\n"),
  );
  assert.ok(
    warnings.some((w) =>
      /^line 6: connect\.mongo\.error\.polcy .*did you mean connect\.mongo\.error\.policy\?$/.test(
        w,
      )
    ),
  );
  assert.ok(
    warnings.includes(
      "connect.mongo.something.else is not a setting of the MongoDB sink connector: not used",
    ),
    warnings.join("\n"),
  );
});

Deno.test("gateway sink --config: a KCQL error exits 2 at the file's line and column", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "mongo-sink.properties");
    await Deno.writeTextFile(
      path,
      [...HEAD, "connect.mongo.kcql=INSERT INTO a \\", "    SELECT x \\", "    FROM t BATCH = 0"]
        .join("\n"),
    );
    const r = await runGateway(["sink", "--config", path, "--brokers", "127.0.0.1:1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /mongo-sink\.properties: connect\.mongo\.kcql: KCQL error at line 6, column 20: BATCH must be a positive whole number/,
    );
    assert.ok(r.stderr.includes(`6 |     FROM t BATCH = 0\n  |${" ".repeat(20)}^`), r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
