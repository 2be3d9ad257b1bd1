import assert from "node:assert/strict";
import {
  KcqlError,
  KcqlSemanticError,
  KcqlSyntaxError,
  parseKcql,
} from "../../src/sink/kcql/mod.ts";

type Kind = "syntax" | "semantic";
/** KCQL, the line and column of the offending token, the kind of error, what the message says. */
const INVALID: [string, number, number, Kind, RegExp][] = [
  [
    "SELECT * FROM t",
    1,
    1,
    "syntax",
    /expected INSERT, UPSERT or UPDATE, found 'SELECT' \(a MongoDB sink statement starts with INSERT INTO/,
  ],
  ["INSERT readings SELECT * FROM t", 1, 8, "syntax", /expected INTO, found 'readings'/],
  [
    "INSERT INTO SELECT * FROM t",
    1,
    13,
    "syntax",
    /expected a collection name after INTO, found 'SELECT'/,
  ],
  [
    "INSERT INTO r SELECT FROM t",
    1,
    22,
    "syntax",
    /expected '\*' or a field to select, found 'FROM' \(the SELECT list is empty\)/,
  ],
  [
    "INSERT INTO r SELECT a, FROM t",
    1,
    25,
    "syntax",
    /expected a field after ',', found 'FROM' \(remove the trailing ','\)/,
  ],
  [
    "INSERT INTO r SELECT a b FROM t",
    1,
    24,
    "syntax",
    /expected ',' or FROM, found 'b' \(to rename a field write 'a AS b'\)/,
  ],
  ["INSERT INTO r SELECT a FORM t", 1, 24, "syntax", /found 'FORM' \(did you mean FROM\?\)/],
  [
    "INSERT INTO r SELECT a FROM",
    1,
    28,
    "syntax",
    /expected a topic name after FROM, found end of input/,
  ],
  ["INSERT INTO r SELECT a FROM t BATCH 5", 1, 37, "syntax", /expected '=' after BATCH, found '5'/],
  [
    "INSERT INTO r SELECT a FROM t BATCH = 0",
    1,
    39,
    "semantic",
    /BATCH must be a positive whole number, found 0/,
  ],
  [
    "INSERT INTO r SELECT a FROM t BATCH = -3",
    1,
    39,
    "semantic",
    /BATCH must be a positive whole number, found -3/,
  ],
  [
    "INSERT INTO r SELECT a FROM t BATCH = 2.5",
    1,
    39,
    "semantic",
    /BATCH must be a positive whole number, found 2\.5/,
  ],
  [
    "INSERT INTO r SELECT a FROM t BATCH = ten",
    1,
    39,
    "syntax",
    /expected a positive whole number after BATCH =, found 'ten'/,
  ],
  [
    "INSERT INTO r SELECT a FROM t BATCH = 3000000000",
    1,
    39,
    "semantic",
    /BATCH must be at most 2147483647/,
  ],
  [
    "UPSERT INTO r SELECT a FROM t",
    1,
    1,
    "semantic",
    /UPSERT needs a PK: .*'UPSERT INTO r SELECT … FROM t PK id'/,
  ],
  ["UPDATE INTO r SELECT a FROM t BATCH = 5", 1, 1, "semantic", /UPDATE needs a PK/],
  [
    "INSERT INTO r SELECT a FROM t BATCH = 5 PK a",
    1,
    41,
    "syntax",
    /expected the clauses in the order IGNORE, PK, BATCH, PROPERTIES, found PK after BATCH/,
  ],
  [
    "INSERT INTO r SELECT a FROM t PK a IGNORE b",
    1,
    36,
    "syntax",
    /found IGNORE after PK \(move IGNORE before PK\)/,
  ],
  [
    "INSERT INTO r SELECT a FROM t TTL = 5 BATCH = 5",
    1,
    39,
    "syntax",
    /order IGNORE, PK, BATCH, TTL, PROPERTIES, found BATCH after TTL/,
  ],
  [
    "INSERT INTO r SELECT a FROM t BATCH = 5 BATCH = 6",
    1,
    41,
    "semantic",
    /BATCH is given twice in one statement \(first at line 1, column 31\)/,
  ],
  [
    "INSERT INTO r SELECT a, b AS a FROM t",
    1,
    30,
    "semantic",
    /field 'a' is written twice: by 'a' at line 1, column 22 and by 'b'/,
  ],
  [
    "INSERT INTO r SELECT x.a, y.a FROM t",
    1,
    27,
    "semantic",
    /field 'a' is written twice: by 'x\.a'/,
  ],
  [
    "INSERT INTO r SELECT * AS everything FROM t",
    1,
    24,
    "semantic",
    /'\*' cannot be given an alias/,
  ],
  [
    "INSERT INTO r SELECT *, * FROM t",
    1,
    25,
    "semantic",
    /'\*' is selected twice \(first at column 22\)/,
  ],
  // `.*` ends a path, takes no alias, and belongs to the SELECT list (the connector's column rule).
  [
    "INSERT INTO r SELECT loc.*.lat FROM t",
    1,
    27,
    "syntax",
    /expected ',', AS or FROM, found '\.'/,
  ],
  ["INSERT INTO r SELECT *.lat FROM t", 1, 23, "syntax", /expected ',' or FROM, found '\.'/],
  [
    "INSERT INTO r SELECT loc.* AS l FROM t",
    1,
    28,
    "semantic",
    /'loc\.\*' cannot be given an alias/,
  ],
  [
    "INSERT INTO r SELECT _.key.* AS k FROM t",
    1,
    30,
    "semantic",
    /'_\.key\.\*' cannot be given an alias/,
  ],
  [
    "INSERT INTO r SELECT loc.*, a, loc.* FROM t",
    1,
    32,
    "semantic",
    /'loc\.\*' is selected twice \(first at line 1, column 22\)/,
  ],
  ["INSERT INTO r SELECT _.* FROM t", 1, 24, "semantic", /'_\.' must be followed by .* found '\*'/],
  ["INSERT INTO r SELECT _.topic.* FROM t", 1, 30, "semantic", /_\.topic has no fields/],
  [
    "INSERT INTO r SELECT * FROM t IGNORE loc.*",
    1,
    42,
    "syntax",
    /expected a field name after '\.', found '\*' \('loc\.\*' selects fields; it is written in the SELECT list only\)/,
  ],
  ["UPSERT INTO r SELECT * FROM t PK loc.*", 1, 38, "syntax", /SELECT list only/],
  // A malformed clause the sink ignores is still rejected, as the connector rejects it.
  [
    "INSERT INTO r SELECT * FROM t WITHTAG (a.b., c=v)",
    1,
    44,
    "syntax",
    /expected a field name after '\.', found ',' \(a WITHTAG field cannot end with '\.': 'a\.b\.'\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t\nWITHTAG (x, a.)",
    2,
    15,
    "syntax",
    /a WITHTAG field cannot end with '\.'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PARTITIONBY a, b., c",
    1,
    48,
    "syntax",
    /expected a field name after '\.', found ','/,
  ],
  ["INSERT INTO r SELECT * FROM t PROJECTTO x", 1, 41, "syntax", /whole number after PROJECTTO/],
  [
    "INSERT INTO r SELECT * FROM t WITH_SCHEMA_EVOLUTION ADD",
    1,
    53,
    "syntax",
    /expected '=' after WITH_SCHEMA_EVOLUTION, found 'ADD'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t WITH_OVERWRITE CAPITALIZE",
    1,
    46,
    "syntax",
    /the clauses in the order .*CAPITALIZE.*WITH_OVERWRITE/,
  ],
  [
    "INSERT INTO r SELECT _header FROM t",
    1,
    22,
    "semantic",
    /a header is selected as _header\.<name>/,
  ],
  [
    "INSERT INTO r SELECT _.foo FROM t",
    1,
    24,
    "semantic",
    /'_\.' must be followed by topic, partition, offset, timestamp or key; found 'foo'/,
  ],
  ["INSERT INTO r SELECT _.topic.x FROM t", 1, 30, "semantic", /_\.topic has no fields/],
  ["INSERT INTO r SELECT a AS '$x' FROM t", 1, 27, "semantic", /alias '\$x' .* starts with '\$'/],
  ["INSERT INTO r SELECT a AS 'x.y' FROM t", 1, 27, "semantic", /alias 'x\.y' .* contains '\.'/],
  [
    "INSERT INTO r SELECT a.`b.c` FROM t",
    1,
    22,
    "semantic",
    /'a\.`b\.c`' would be written as 'b\.c'.*give it a name with AS/,
  ],
  [
    "INSERT INTO r SELECT a FROM t IGNORE _key.x",
    1,
    38,
    "semantic",
    /IGNORE removes fields of the record value; '_key\.x' is not one/,
  ],
  [
    "UPSERT INTO r SELECT id AS _id, a FROM t PK a",
    1,
    28,
    "semantic",
    /UPSERT sets _id from the PK/,
  ],
  ["UPDATE INTO r SELECT _id FROM t PK a", 1, 22, "semantic", /UPDATE sets _id from the PK/],
  [
    "UPSERT INTO r SELECT * FROM t PK a.id, b.id",
    1,
    40,
    "semantic",
    /PK 'b\.id' and 'a\.id' would both be '_id\.id'/,
  ],
  ["UPSERT INTO r SELECT * FROM t PK a, a", 1, 37, "semantic", /'a' is listed twice in PK/],
  [
    "UPSERT PK a INTO r SELECT * FROM t PK b",
    1,
    36,
    "semantic",
    /PK is given twice in one statement \(first at line 1, column 8\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t WITHGROUP g",
    1,
    31,
    "syntax",
    /expected a clause \(IGNORE, PK, BATCH, PROPERTIES, …\), ';' or the end of the statement, found 'WITHGROUP'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t BACTH = 5",
    1,
    31,
    "syntax",
    /found 'BACTH' \(did you mean BATCH\?\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t\r\nINSERT INTO q SELECT * FROM u",
    2,
    1,
    "syntax",
    /found 'INSERT' \(end the previous statement with ';'\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t TTL = 0",
    1,
    37,
    "semantic",
    /TTL must be a positive whole number, found 0/,
  ],
  [
    "INSERT INTO r SELECT * FROM t DISTRIBUTEBY a INTO BUCKETS",
    1,
    51,
    "syntax",
    /expected a positive whole number after INTO, found 'BUCKETS'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t KEYDELIMITER = x",
    1,
    46,
    "syntax",
    /expected a quoted character after KEYDELIMITER =/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.metaField'='m')",
    1,
    42,
    "semantic",
    /needs 'timeseries\.timeField'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.granularity'='days')",
    1,
    95,
    "semantic",
    /must be one of seconds, minutes, hours, found 'days'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='_id')",
    1,
    65,
    "semantic",
    /cannot be '_id': it is _id/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.metaField'='t')",
    1,
    93,
    "semantic",
    /must differ from the time field 't'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.granularity'='hours', 'timeseries.bucketMaxSpanSeconds'=60, 'timeseries.bucketRoundingSeconds'=60)",
    1,
    104,
    "semantic",
    /cannot be combined with 'timeseries\.granularity'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.bucketMaxSpanSeconds'=60)",
    1,
    70,
    "semantic",
    /go together, with the same value/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.bucketMaxSpanSeconds'=60, 'timeseries.bucketRoundingSeconds'=30)",
    1,
    143,
    "semantic",
    /must equal 'timeseries\.bucketMaxSpanSeconds' \(60\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='t', 'timeseries.expireAfterSeconds'='soon')",
    1,
    102,
    "semantic",
    /whole number of seconds from 1 to/,
  ],
  [
    "UPSERT INTO r SELECT * FROM t PK id PROPERTIES('timeseries.timeField'='t')",
    1,
    1,
    "semantic",
    /a time-series collection takes INSERT only/,
  ],
  [
    "INSERT INTO r SELECT a FROM t PROPERTIES('timeseries.timeField'='time')",
    1,
    65,
    "semantic",
    /names 'time', but the SELECT list writes no field 'time'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timefeild'='t')",
    1,
    42,
    "semantic",
    /unknown time-series property .*did you mean 'timeseries\.timeField'\?/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('a'='1', 'A'='2')",
    1,
    51,
    "semantic",
    /property 'A' is given twice \(first at line 1, column 42\)/,
  ],
  [
    "INSERT INTO r SELECT * FROM t PROPERTIES('a'='1'",
    1,
    49,
    "syntax",
    /expected ',' or '\)', found end of input/,
  ],
  [
    "INSERT INTO system.users SELECT * FROM t",
    1,
    13,
    "semantic",
    /names starting with 'system\.' belong to MongoDB/,
  ],
  [
    "INSERT INTO r SELECT * FROM t IGNORE PK a",
    1,
    38,
    "syntax",
    /expected a field after IGNORE, found 'PK' \(write `PK` for a field of that name\)/,
  ],
  ["INSERT INTO r SELECT a FROM t PK a AS b", 1, 36, "syntax", /PK fields take no alias/],
  ["INSERT INTO r SELECT # FROM t", 1, 22, "syntax", /found '#'/],
  ["INSERT INTO r SELECT 'abc FROM t", 1, 22, "syntax", /unterminated 'string'/],
  ["INSERT INTO `r SELECT a FROM t", 1, 13, "syntax", /unterminated `name`/],
  [
    "INSERT INTO r\nSELECT a,\n       b\nFROM t\nBATCH = x",
    5,
    9,
    "syntax",
    /expected a positive whole number after BATCH =, found 'x'/,
  ],
  [
    "INSERT INTO a SELECT * FROM t;\nINSERT INTO b SELECT * FROM t",
    2,
    29,
    "semantic",
    /topic 't' is already written by the statement at line 1, column 1: one statement per topic/,
  ],
  [
    "INSERT INTO r SELECT a FROM t;;  UPSERT INTO q SELECT * FROM u PK",
    1,
    66,
    "syntax",
    /expected a field after PK, found end of input/,
  ],
  ["", 1, 1, "syntax", /expected a KCQL statement/],
  [" ; ;\n", 2, 1, "syntax", /expected a KCQL statement .* found end of input/],
  // Three the connector refuses: the standalone grammar's enums, and `_.key` naming nothing.
  [
    "INSERT INTO r SELECT * FROM t WITH_SCHEMA_EVOLUTION = BOGUS",
    1,
    55,
    "semantic",
    /WITH_SCHEMA_EVOLUTION must be one of MATCH, IGNORE, ADD, found 'BOGUS'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t\n  WITH_PARTITIONING = BOGUS",
    2,
    23,
    "semantic",
    /WITH_PARTITIONING must be one of STRICT, DYNAMIC, found 'BOGUS'/,
  ],
  [
    "INSERT INTO r SELECT * FROM t WITH_PARTITIONING =",
    1,
    50,
    "syntax",
    /expected STRICT, DYNAMIC after WITH_PARTITIONING =, found end of input/,
  ],
  [
    "INSERT INTO target SELECT _.key FROM source",
    1,
    29,
    "semantic",
    /'_\.key' names no key field: select the whole key as _key, or a field of it as _\.key\.<field>/,
  ],
  [
    "INSERT INTO target SELECT a, _.KEY AS k FROM source",
    1,
    32,
    "semantic",
    /'_\.KEY' names no key field/,
  ],
];

Deno.test("every statement of the invalid corpus is rejected at its exact line and column", () => {
  assert.ok(INVALID.length >= 25);
  for (const [text, line, column, kind, message] of INVALID) {
    assert.throws(
      () => parseKcql(text),
      (e: unknown) => {
        assert.ok(e instanceof KcqlError, `${text}: not a KcqlError: ${e}`);
        assert.equal(
          e instanceof KcqlSyntaxError,
          kind === "syntax",
          `${text}: ${e.name} ${e.message}`,
        );
        assert.equal(e instanceof KcqlSemanticError, kind === "semantic", `${text}: ${e.name}`);
        assert.deepEqual([e.line, e.column], [line, column], `${text}: ${e.message}`);
        assert.match(e.message, message, text);
        assert.ok(e.message.startsWith(`line ${line}, column ${column}: `), e.message);
        return true;
      },
      text,
    );
  }
});

Deno.test("a syntax error says what was expected and what was found", () => {
  try {
    parseKcql("INSERT INTO r SELECT a FORM t");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof KcqlSyntaxError);
    assert.equal(e.expected, "',' or FROM");
    assert.equal(e.found, "'FORM'");
  }
});

Deno.test("format() prints the offending line with a caret under the column", () => {
  try {
    parseKcql("INSERT INTO r\nSELECT a,\n       b\nFROM t\nBATCH = x");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof KcqlError);
    assert.equal(
      e.format(),
      [
        "KCQL syntax error at line 5, column 9: expected a positive whole number after BATCH =, found 'x'",
        "5 | BATCH = x",
        "  |         ^",
      ].join("\n"),
    );
  }
});

Deno.test("format() keeps tabs so the caret lines up, and counts columns in characters", () => {
  try {
    parseKcql("\tINSERT INTO r SELECT ünïcode, b AS ünïcode FROM t");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof KcqlSemanticError);
    assert.equal(e.column, 37);
    assert.equal(
      e.format().split("\n").slice(1).join("\n"),
      [
        "1 | \tINSERT INTO r SELECT ünïcode, b AS ünïcode FROM t",
        "  | \t                                   ^",
      ].join("\n"),
    );
  }
});
