import assert from "node:assert/strict";
import { crc64Avro } from "../../src/avro/crc64_avro.ts";
import { canonicalForm, fingerprint64 } from "../../src/avro/single_object.ts";

// The Avro project's test data (share/test/data/schema-tests.txt): input
// schema, its Parsing Canonical Form and, where published, its CRC-64-AVRO
// fingerprint as a signed 64-bit integer. Left out: case 016, the empty union
// `[]`, which avsc refuses to parse; in case 026 the default "true" (a string
// for a boolean, which avsc rejects) is written `true` — defaults are not part
// of the canonical form, so the expected form and fingerprint are unchanged.
const VECTORS: [string, string, bigint | undefined][] = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"null"}', '"null"', undefined],
  ['"boolean"', '"boolean"', -6970731678124411036n],
  ['{"type":"boolean"}', '"boolean"', undefined],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"int"}', '"int"', undefined],
  ['"long"', '"long"', -3434872931120570953n],
  ['{"type":"long"}', '"long"', undefined],
  ['"float"', '"float"', 5583340709985441680n],
  ['{"type":"float"}', '"float"', undefined],
  ['"double"', '"double"', -8181574048448539266n],
  ['{"type":"double"}', '"double"', undefined],
  ['"bytes"', '"bytes"', 5746618253357095269n],
  ['{"type":"bytes"}', '"bytes"', undefined],
  ['"string"', '"string"', -8142146995180207161n],
  ['{"type":"string"}', '"string"', undefined],
  ['[ "int"  ]', '["int"]', -5232228896498058493n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  [
    '{"fields":[], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    '{"name":"x.y.foo","type":"record","fields":[]}',
    5916914534497305771n,
  ],
  [
    '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    '{"name":"a.b.foo","type":"record","fields":[]}',
    -4616218487480524110n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    7843277075252814651n,
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},' +
    '{"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  [
    '{"type":"enum", "name":"foo", "symbols":["A1"]}',
    '{"name":"foo","type":"enum","symbols":["A1"]}',
    -6342190197741309591n,
  ],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    -4448647247586288245n,
  ],
  [
    '{"name":"foo","type":"fixed","size":15}',
    '{"name":"foo","type":"fixed","size":15}',
    1756455273707447556n,
  ],
  [
    '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    '{"name":"x.y.z.foo","type":"fixed","size":32}',
    -3064184465700546786n,
  ],
  [
    '{ "items":{"type":"null"}, "type":"array"}',
    '{"type":"array","items":"null"}',
    -589620603366471059n,
  ],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record","fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

Deno.test("the canonical form of each schema of the Avro test suite is the published one", () => {
  for (const [input, canonical] of VECTORS) {
    assert.equal(canonicalForm(input), canonical, `canonical form of ${input}`);
  }
});

Deno.test("CRC-64-AVRO of each canonical form is the published fingerprint", () => {
  let checked = 0;
  for (const [input, canonical, expected] of VECTORS) {
    if (expected === undefined) continue;
    const fp = BigInt.asIntN(64, crc64Avro(new TextEncoder().encode(canonical)));
    assert.equal(fp, expected, `fingerprint of ${input}`);
    checked++;
  }
  assert.equal(checked, 25);
});

Deno.test("fingerprint64 carries the fingerprint little-endian, as the single-object header", () => {
  // The Avro Ruby implementation's published header for "int": c3 01 8f 5c 39 3f 1a d5 75 72.
  assert.deepEqual(
    Array.from(fingerprint64('"int"')),
    [0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72],
  );
  // Docs, defaults, aliases and logical types do not change a fingerprint.
  assert.deepEqual(
    fingerprint64({
      type: "record",
      name: "R",
      namespace: "a.b",
      doc: "ignored",
      fields: [
        { name: "x", type: { type: "long", logicalType: "timestamp-millis" }, default: 3 },
      ],
    }),
    fingerprint64('{"name":"a.b.R","type":"record","fields":[{"name":"x","type":"long"}]}'),
  );
});

Deno.test("CRC-64-AVRO of no bytes is the algorithm's EMPTY constant", () => {
  assert.equal(crc64Avro(new Uint8Array()), 0xc15d213aa4d7a795n);
});
