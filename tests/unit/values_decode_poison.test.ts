import assert from "node:assert/strict";
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { fingerprint64, frameSingleObject } from "../../src/avro/single_object.ts";
import { SinkValueDecoder, UnknownSchemaIdError } from "../../src/sink/values/decode_value.ts";
import { LocalSchemas } from "../../src/sink/values/local_schemas.ts";
import { type PoisonReason, PoisonRecordError } from "../../src/sink/values/poison.ts";

const SCHEMA = {
  type: "record",
  name: "Reading",
  namespace: "t",
  fields: [
    { name: "bid", type: "string" },
    { name: "time", type: "long" },
    { name: "rh", type: "double" },
    { name: "state", type: { type: "enum", name: "S", symbols: ["ON", "OFF"] } },
    { name: "price", type: { type: "bytes", logicalType: "decimal", precision: 40, scale: 0 } },
  ],
};
const TEXT = JSON.stringify(SCHEMA);
const type = avsc.Type.forSchema(SCHEMA as avsc.Schema);
const body = (price = Buffer.of(1)) =>
  new Uint8Array(type.toBuffer({ bid: "A", time: 1, rh: 50.5, state: "OFF", price }));
const good = frameConfluent(7, body());

const decoder = (maxValueBytes?: number) =>
  new SinkValueDecoder({
    registry: {
      schemaById: (id) =>
        id === 7 ? Promise.resolve(TEXT) : Promise.reject(new UnknownSchemaIdError(id)),
    },
    localSchemas: LocalSchemas.fromTexts([{ text: TEXT, source: "test.avsc" }]),
    maxValueBytes,
  });

async function reasonOf(bytes: Uint8Array | null, d = decoder()): Promise<[PoisonReason, string]> {
  try {
    await d.decodeValue(bytes);
  } catch (e) {
    assert.ok(e instanceof PoisonRecordError, `not a poison error: ${e}`);
    return [e.reason, e.message];
  }
  throw new assert.AssertionError({ message: "decoded without error" });
}

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("the well-formed record of the corpus decodes", async () => {
  const out = await decoder().decodeValue(good);
  assert.equal(out.kind, "record");
  assert.equal(out.kind === "record" && out.value.bid, "A");
});

Deno.test("a poison corpus is classified by reason, each message saying what was wrong", async () => {
  const corpus: [PoisonReason, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(), /empty \(0 bytes\)/],
    [
      "bad-magic",
      Uint8Array.of(0x07, 0x01, 0xff, 0x00, 0x10),
      /wrong magic byte 0x07.*07 01 ff 00 10/,
    ],
    ["bad-magic", Uint8Array.of(0xc3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8), /wrong magic byte 0xc3/],
    ["not-avro-or-json", enc("hello world"), /text that is not a JSON object: "hello world"/],
    ["not-avro-or-json", enc("[1,2,3]"), /not a JSON object/],
    ["bad-json", enc('{"bid": "A",'), /not valid JSON/],
    ["unknown-schema-id", frameConfluent(8, body()), /unknown schema id 8/],
    ["truncated-avro", good.subarray(0, good.length - 3), /ends before a whole record t\.Reading/],
    ["truncated-avro", Uint8Array.of(0, 0, 7), /shorter than the 5-byte Confluent header/],
    ["truncated-avro", Uint8Array.of(0xc3, 0x01, 1, 2), /10-byte header, got 4 bytes/],
    ["trailing-bytes", Uint8Array.of(...good, 0x02, 0x02), /2 bytes are left after a whole record/],
    [
      "bad-avro",
      frameConfluent(7, Uint8Array.of(2, 0x41, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0x08, 2, 1)),
      /does not decode/,
    ],
    [
      "unknown-fingerprint",
      frameSingleObject(fingerprint64('"string"'), Uint8Array.of(2, 0x41)),
      // "string": fingerprint 0x8f014872634503c7, carried (and shown) little-endian.
      /fingerprint c70345637248018f, which no local schema has/,
    ],
    [
      "unrepresentable",
      frameConfluent(7, body(Buffer.alloc(16, 0x7f))),
      /field 'price'.*does not fit a Decimal128/,
    ],
    [
      "not-a-record",
      enc('{"schema":{"type":"string"},"payload":"x"}'),
      /decodes to a string, not a record/,
    ],
    [
      "bad-connect-json",
      enc(
        '{"schema":{"type":"struct","fields":[{"field":"n","type":"int8"}]},"payload":{"n":300}}',
      ),
      /payload field 'n': expected an int8/,
    ],
  ];
  for (const [reason, bytes, message] of corpus) {
    const [got, text] = await reasonOf(bytes);
    assert.equal(got, reason, `${reason}: ${text}`);
    assert.match(text, message);
  }
});

Deno.test("a value over the size limit is too-large, whatever it holds", async () => {
  const [reason, message] = await reasonOf(good, decoder(good.length - 1));
  assert.equal(reason, "too-large");
  assert.match(
    message,
    new RegExp(`${good.length} bytes, more than the maximum of ${good.length - 1}`),
  );
  assert.equal((await decoder(good.length).decodeValue(good)).kind, "record");
});

Deno.test("a tombstone comes back as a marker carrying the configured policy", async () => {
  for (const action of ["dlq", "skip", "delete"] as const) {
    const d = new SinkValueDecoder({ tombstones: action });
    assert.deepEqual(await d.decodeValue(null), { kind: "tombstone", action });
  }
  assert.deepEqual(await new SinkValueDecoder().decodeValue(null), {
    kind: "tombstone",
    action: "dlq",
  });
});

Deno.test("without a registry, a Confluent-framed value is an unknown schema id, saying why", async () => {
  const [reason, message] = await reasonOf(good, new SinkValueDecoder());
  assert.equal(reason, "unknown-schema-id");
  assert.match(message, /no schema registry is configured/);
});

Deno.test("an invalid schema in the registry is bad-writer-schema", async () => {
  const d = new SinkValueDecoder({
    registry: { schemaById: () => Promise.resolve('{"type":"nope"}') },
  });
  const [reason, message] = await reasonOf(good, d);
  assert.equal(reason, "bad-writer-schema");
  assert.match(message, /schema id 7 is not a valid Avro schema/);
});
