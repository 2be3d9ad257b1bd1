/**
 * Permanent errors move readings aside: a record the broker refuses as too large goes to the
 * spool's quarantine with the reason, logged once per cause, and everything behind it is
 * delivered in order. Real Kafka; a topic with a small max.message.bytes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RegistryError } from "../../src/avro/registry_client.ts";
import { readingToRecord } from "../../src/avro/reading_record.ts";
import { encodeRecord, loadWriterSchema } from "../../src/avro/writer_schema.ts";
import { compressionType, createKafka, createProducer } from "../../src/kafka/client.ts";
import { classifyDeliveryError } from "../../src/produce/delivery_failure.ts";
import { Forwarder } from "../../src/produce/forwarder.ts";
import {
  SchemaMismatchError,
  SingleObjectFramer,
  SubjectMissingError,
  UnknownWriterSchemaError,
} from "../../src/produce/framer.ts";
import { destinationOf } from "../../src/spool/destination.ts";
import { Spool } from "../../src/spool/spool.ts";
import { createLogger } from "../../src/util/log.ts";
import { BROKERS, kafka, readTopic, REGISTRY } from "../_support/kafka.ts";
import { runGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import { logFields, startSimulatedProducer } from "../_support/produce.ts";

Deno.test("which failures are permanent (quarantine) and which side each one blames", () => {
  const c = (e: unknown) => {
    const f = classifyDeliveryError(e);
    return [f.side, f.permanent];
  };
  assert.deepEqual(c(new RegistryError("incompatible", 409)), ["schema", true]);
  assert.deepEqual(c(new RegistryError("invalid schema", 422)), ["schema", true]);
  assert.deepEqual(c(new SchemaMismatchError("needs serial_number")), ["schema", true]);
  assert.deepEqual(c(new SubjectMissingError("t-value")), ["schema", false]);
  assert.deepEqual(c(new UnknownWriterSchemaError("schema 00ff not in the spool")), [
    "schema",
    true,
  ]);
  assert.deepEqual(c(new RegistryError("unreachable")), ["registry", false]);
  assert.deepEqual(c(new RegistryError("unavailable", 503)), ["registry", false]);
  assert.deepEqual(c(new RegistryError("unauthorized", 401)), ["registry", false]);
  const tooLarge = Object.assign(new Error("The request included a message larger than the max"), {
    type: "MESSAGE_TOO_LARGE",
  });
  assert.deepEqual(c(new Error("wrapped", { cause: tooLarge })), ["kafka", true]);
  assert.deepEqual(c(new Error("connect ECONNREFUSED 127.0.0.1:9092")), ["kafka", false]);
});

Deno.test({
  name:
    "records the broker refuses as too large are quarantined with the reason; the rest flows in order",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("too-large");
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{
        topic,
        numPartitions: 1,
        configEntries: [{ name: "max.message.bytes", value: "2000" }],
      }],
      waitForLeaders: true,
    });
    await admin.disconnect();

    const dir = await Deno.makeTempDir({ prefix: "quarantine-" });
    const spool = new Spool({
      path: join(dir, "s.sqlite"),
      maxBytes: 1 << 24,
      policy: "drop-oldest",
    });
    const schema = await loadWriterSchema();
    spool.rememberSchema(schema.fingerprintHex, schema.text);
    const dest = spool.destinationId(
      destinationOf({
        brokers: BROKERS,
        topic,
        format: "avro-single-object",
        subject: "",
        schemaStrategy: "auto",
      }),
    );
    const big = (tag: string) => `${tag}:${"X".repeat(5000)}`;
    const devices = Array.from(
      { length: 40 },
      (_, i) => (i === 10 ? big("H1") : i === 25 ? big("H2") : "AA:BB:CC:DD:EE:FF"),
    );
    spool.append(
      dest,
      devices.map((device, i) => ({
        device,
        takenMs: 1_700_000_000_000 + i,
        schemaFp: schema.fingerprintHex,
        encode: (seq: number) =>
          encodeRecord(
            schema,
            readingToRecord({
              address: device,
              model: "cc2650",
              time: 1_700_000_000_000 + i,
              fields: { ambient: 20, objecttemp: 21, humidity: 22, rh: 40 },
            }, seq),
          ),
      })),
    );

    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const producer = createProducer(
      createKafka({ brokers: BROKERS, clientId: "quarantine-test", log }),
    );
    const forwarder = new Forwarder({
      spool,
      dest,
      producer,
      framer: new SingleObjectFramer(() => schema),
      topic,
      compression: compressionType("none"),
      log,
    });
    forwarder.start();
    try {
      await waitFor(
        "the spool to empty",
        () => spool.stats(dest).entries === 0 ? true : undefined,
        60_000,
      );
    } finally {
      await forwarder.stop(1000);
      await producer.disconnect();
    }
    const q = [...spool.quarantined(dest)];
    assert.deepEqual(q.map((e) => e.device.slice(0, 2)), ["H1", "H2"]);
    for (const e of q) {
      assert.match(e.reason, /too large \(MESSAGE_TOO_LARGE\).*max\.message\.bytes/);
    }
    assert.equal(forwarder.stats.quarantined, 2);
    assert.equal(spool.stats(dest).quarantinedTotal, 2);
    assert.equal(
      lines.filter((l) => /readings refused for good/.test(l)).length,
      1,
      "logged once per cause",
    );

    const records = await readTopic(topic, (r) => r.length >= 38, 30_000);
    assert.equal(records.length, 38, "every other reading was delivered");
    assert.deepEqual(
      records.map((r) => Number(r.headers.seq)),
      Array.from({ length: 38 }, (_, i) => i + 1),
      "in order, seq 1..38",
    );
    spool.close();
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "a schema the registry rejects as incompatible (409): readings quarantined with its reason",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("incompatible");
    const subject = `${topic}-value`;
    const base = `${REGISTRY}/apis/ccompat/v7`;
    const post = (path: string, body: unknown, method = "POST") =>
      fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    // bid as an int: the gateway's schema (bid a string) cannot be BACKWARD compatible with it.
    await post(`/subjects/${subject}/versions`, {
      schema: JSON.stringify({
        type: "record",
        name: "SensorTag",
        fields: [{ name: "bid", type: "int" }],
      }),
    });
    await post(`/config/${subject}`, { compatibility: "BACKWARD" }, "PUT");
    const run = await startSimulatedProducer(topic, 1, ["--schema-strategy", "register"]);
    const line = await run.proc.waitForLine(/readings refused for good/, 60_000);
    assert.match(line, /side=schema/);
    assert.match(line, /HTTP 409/);
    await waitFor("3 quarantined", () => {
      const s = run.proc.lines.filter((l) => / INFO +stats /.test(l)).pop();
      return s && Number(logFields(s).quarantined) >= 3 ? true : undefined;
    }, 30_000);
    assert.equal(await run.proc.stop(), 0);
    assert.equal(run.proc.lines.filter((l) => /readings refused for good/.test(l)).length, 1);
    const listed = await runGateway(["spool", "--spool", run.spool]);
    assert.match(listed.stdout, /× schema registry POST .* failed: HTTP 409/);
  },
});
