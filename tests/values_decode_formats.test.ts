import assert from "node:assert/strict";
import avsc from "avsc";
import { Binary, Double, Long } from "bson";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { fingerprint64, fingerprintHex, frameSingleObject } from "../src/avro/single_object.ts";
import { RegistryError } from "../src/avro/registry_client.ts";
import { SCHEMAS_DIR } from "../src/sink/values/create_decoder.ts";
import { SinkValueDecoder } from "../src/sink/values/decode_value.ts";
import { loadLocalSchemas } from "../src/sink/values/local_schemas.ts";
import { PoisonRecordError } from "../src/sink/values/poison.ts";
import { canon } from "./_support/bson.ts";

const POINT = {
  type: "record",
  name: "Point",
  fields: [{ name: "x", type: "long" }, { name: "label", type: ["null", "string"] }],
};
const point = avsc.Type.forSchema(POINT as avsc.Schema);
const framedPoint = (id: number, x: number, label: string | null) =>
  frameConfluent(id, new Uint8Array(point.toBuffer({ x, label })));

function countingRegistry(schemas: Record<number, string>) {
  const calls: number[] = [];
  return {
    calls,
    schemaById(id: number): Promise<string> {
      calls.push(id);
      return id in schemas
        ? Promise.resolve(schemas[id])
        : Promise.reject(new RegistryError(`schema ${id} not found`, 404, 40403));
    },
  };
}

Deno.test("Confluent-framed values decode with the registry's schema, fetched once per id", async () => {
  const registry = countingRegistry({ 3: JSON.stringify(POINT) });
  const d = new SinkValueDecoder({ registry });
  const outs = await Promise.all([
    d.decodeValue(framedPoint(3, 1, "a")),
    d.decodeValue(framedPoint(3, 2, null)),
  ]);
  outs.push(await d.decodeValue(framedPoint(3, 3, "c")));
  assert.deepEqual(registry.calls, [3]);
  assert.deepEqual(outs.map((o) => o.kind === "record" && o.schemaId), [3, 3, 3]);
  assert.deepEqual(outs.map((o) => o.kind === "record" && o.format), [
    "confluent-avro",
    "confluent-avro",
    "confluent-avro",
  ]);
  assert.equal(
    canon(outs.map((o) => o.kind === "record" && o.value)),
    canon([{ x: Long.fromNumber(1), label: "a" }, { x: Long.fromNumber(2), label: null }, {
      x: Long.fromNumber(3),
      label: "c",
    }]),
  );
});

Deno.test("the registry client's 404 makes an unknown schema id, not asked again for a while", async () => {
  const registry = countingRegistry({});
  const d = new SinkValueDecoder({ registry, unknownSchemaIdRetryMs: 60_000 });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(d.decodeValue(framedPoint(9, 1, null)), (e: unknown) => {
      assert.ok(e instanceof PoisonRecordError);
      assert.equal(e.reason, "unknown-schema-id");
      assert.match(e.message, /unknown schema id 9: the schema registry does not have it/);
      return true;
    });
  }
  assert.deepEqual(registry.calls, [9]);
});

Deno.test("a registry that cannot answer is not blamed on the record, and is asked again later", async () => {
  let up = false;
  const d = new SinkValueDecoder({
    registry: {
      schemaById: () =>
        up
          ? Promise.resolve(JSON.stringify(POINT))
          : Promise.reject(new RegistryError("connection refused")),
    },
  });
  await assert.rejects(d.decodeValue(framedPoint(3, 1, null)), (e: unknown) => {
    assert.ok(!(e instanceof PoisonRecordError));
    assert.match((e as Error).message, /connection refused/);
    return true;
  });
  up = true;
  const out = await d.decodeValue(framedPoint(3, 1, null));
  assert.equal(out.kind, "record");
});

Deno.test("single-object values decode with the gateway's own schemas/sensortag.avsc", async () => {
  const local = await loadLocalSchemas(SCHEMAS_DIR);
  const text = await Deno.readTextFile(new URL("sensortag.avsc", SCHEMAS_DIR));
  const producerFingerprint = fingerprint64(text); // as the producer computes it, with plain avsc
  assert.ok(
    local.byFingerprint(fingerprintHex(producerFingerprint)),
    "found by the producer's fingerprint",
  );
  const type = avsc.Type.forSchema(JSON.parse(text));
  const reading = {
    bid: "B0:B4:48:BD:A4:87",
    time: 1_700_000_000,
    ambient: 21,
    objecttemp: 19.5,
    humidity: 22.25,
    rh: 40,
    model: "cc2650",
    time_ms: 1_700_000_000_123,
    pressure: null,
    barotemp: null,
    lux: 120.5,
    accel_x: null,
    accel_y: null,
    accel_z: null,
    gyro_x: null,
    gyro_y: null,
    gyro_z: null,
    mag_x: null,
    mag_y: null,
    mag_z: null,
    keys: 1,
    battery: null,
  };
  const d = new SinkValueDecoder({ localSchemas: local });
  const out = await d.decodeValue(
    frameSingleObject(producerFingerprint, new Uint8Array(type.toBuffer(reading))),
  );
  assert.ok(out.kind === "record");
  assert.equal(out.format, "avro-single-object");
  assert.equal(out.fingerprint, fingerprintHex(producerFingerprint));
  assert.equal(out.value.bid, "B0:B4:48:BD:A4:87");
  assert.equal(canon(out.value.time), canon(Long.fromNumber(1_700_000_000)));
  assert.equal(canon(out.value.ambient), canon(new Double(21)));
  assert.equal(out.value.model, "cc2650");
  assert.equal(out.value.pressure, null);
  assert.equal(out.value.keys, 1);
});

Deno.test("a local schema file that is not Avro is an error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/broken.avsc`, '{"type": "record", "name": "X"}');
    await assert.rejects(loadLocalSchemas(dir), /broken\.avsc: not a valid Avro schema/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a top-level Avro string is read as JSON text, as the connector does", async () => {
  const str = avsc.Type.forSchema("string");
  const d = new SinkValueDecoder({ registry: countingRegistry({ 4: '"string"' }) });
  const out = await d.decodeValue(frameConfluent(4, new Uint8Array(str.toBuffer('{"a": 1}'))));
  assert.ok(out.kind === "record");
  assert.equal(canon(out.value), canon({ a: Long.fromNumber(1) }));
});

Deno.test("keys decode as Avro, a JSON object, text, or else bytes", async () => {
  const registry = countingRegistry({ 3: JSON.stringify(POINT), 5: '"long"' });
  const d = new SinkValueDecoder({ registry });
  const longKey = frameConfluent(5, new Uint8Array(avsc.Type.forSchema("long").toBuffer(42)));
  assert.equal(canon(await d.decodeKey(longKey)), canon(Long.fromNumber(42)));
  assert.equal(
    canon(await d.decodeKey(framedPoint(3, 7, "k"))),
    canon({ x: Long.fromNumber(7), label: "k" }),
  );
  assert.equal(
    canon(await d.decodeKey(new TextEncoder().encode('{"id": 5}'))),
    canon({ id: Long.fromNumber(5) }),
  );
  assert.equal(
    await d.decodeKey(new TextEncoder().encode("B0:B4:48:BD:A4:87")),
    "B0:B4:48:BD:A4:87",
  );
  assert.equal(await d.decodeKey(new TextEncoder().encode("{not json")), "{not json");
  const raw = await d.decodeKey(Uint8Array.of(0xff, 0xfe, 0x01));
  assert.ok(raw instanceof Binary);
  assert.deepEqual(Array.from(raw.buffer), [0xff, 0xfe, 0x01]);
  assert.equal(await d.decodeKey(null), null);
});
