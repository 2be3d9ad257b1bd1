import assert from "node:assert/strict";
import avsc from "avsc";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { RegistryError } from "../../src/avro/registry_client.ts";
import { SinkValueDecoder } from "../../src/sink/values/decode_value.ts";
import { PoisonRecordError } from "../../src/sink/values/poison.ts";

const SCHEMA = { type: "record", name: "P", fields: [{ name: "n", type: "int" }] };
const value = (n: number) =>
  frameConfluent(42, new Uint8Array(avsc.Type.forSchema(SCHEMA as avsc.Schema).toBuffer({ n })));

Deno.test("a schema id the registry did not know is asked for again after the retry time", async () => {
  let clock = 1_000_000;
  let registered = false;
  const calls: number[] = [];
  const d = new SinkValueDecoder({
    registry: {
      schemaById: (id) => {
        calls.push(clock);
        return registered
          ? Promise.resolve(JSON.stringify(SCHEMA))
          : Promise.reject(new RegistryError(`schema ${id} not found`, 404, 40403));
      },
    },
    unknownSchemaIdRetryMs: 30_000,
    now: () => clock,
  });
  const isUnknown = (e: unknown) =>
    e instanceof PoisonRecordError && e.reason === "unknown-schema-id";
  await assert.rejects(d.decodeValue(value(1)), isUnknown);
  registered = true; // the producer registers it now
  clock += 29_999;
  await assert.rejects(d.decodeValue(value(2)), isUnknown, "still remembered within the window");
  assert.equal(calls.length, 1, "not asked within the window");
  clock += 1;
  const out = await d.decodeValue(value(3));
  assert.deepEqual(out.kind === "record" && out.value, { n: 3 });
  assert.equal(calls.length, 2, "asked once more after the window");
  // Known now: cached for good, never asked again.
  clock += 1_000_000;
  await d.decodeValue(value(4));
  assert.equal(calls.length, 2);
});

Deno.test("an id still unknown after the window is remembered for another window", async () => {
  let clock = 0;
  let asked = 0;
  const d = new SinkValueDecoder({
    registry: {
      schemaById: () => {
        asked++;
        return Promise.reject(new RegistryError("not found", 404));
      },
    },
    unknownSchemaIdRetryMs: 10_000,
    now: () => clock,
  });
  for (const t of [0, 5_000, 10_000, 15_000, 20_000]) {
    clock = t;
    await assert.rejects(d.decodeValue(value(1)), PoisonRecordError);
  }
  assert.equal(asked, 3, "asked at 0, 10 s and 20 s");
});
