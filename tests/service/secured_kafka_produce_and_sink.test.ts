/**
 * Produce and sink over each secured listener of the local broker, with the right credentials
 * given three ways (flags, environment, a --kafka-config file, a connector .properties file):
 * every reading arrives, every document is written, and no log line holds a secret.
 */
import assert from "node:assert/strict";
import { readTopic } from "../_support/kafka.ts";
import { finalCounters, waitForSent } from "../_support/produce.ts";
import {
  avroEncoder,
  createTopic,
  mongo,
  produce,
  startSink,
  waitForCount,
} from "../_support/sink.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import {
  ACCOUNT,
  caFile,
  clientCertFiles,
  ensureSecuredListeners,
  linesWithSecrets,
  MUTUAL_TLS_BROKER,
  propertiesFile,
  SASL_PLAINTEXT_BROKER,
  SASL_SSL_BROKER,
  scram512Args,
  startSecuredProducer,
} from "../_support/secured_kafka.ts";

const SECRETS = [ACCOUNT.password];
const allLines: string[] = [];

/** Runs a simulated producer until `want` readings are acknowledged, then stops it. */
async function produceUntil(
  topic: string,
  want: number,
  extra: string[],
  env?: Record<string, string>,
) {
  const run = await startSecuredProducer(topic, extra, env);
  try {
    await run.proc.waitForLine(/ stats .*sent=(\d\d+)/, 45_000);
    await waitForSent(run.proc.lines, want);
  } finally {
    const code = await run.proc.stop();
    allLines.push(...run.proc.lines);
    assert.deepEqual(code, 0, run.proc.lines.slice(-10).join("\n"));
  }
  const counters = finalCounters(run.proc.lines);
  assert.deepEqual(counters.leftInSpool, 0, "every reading taken was acknowledged");
  assert.deepEqual(counters.sent, counters.taken);
  const records = await readTopic(topic, (r) => r.length >= counters.sent, 30_000);
  assert.deepEqual(records.length, counters.sent, "every acknowledged reading is in the topic");
  return { run, counters };
}

Deno.test("produce over SASL_PLAINTEXT with SCRAM-SHA-512 (flags): every reading arrives", async () => {
  await ensureSecuredListeners();
  await produceUntil(uniqueName("sec-prod-scram512"), 10, scram512Args(ACCOUNT.password));
});

Deno.test("produce over SASL_SSL with SCRAM-SHA-256 from a --kafka-config file: every reading arrives", async () => {
  await ensureSecuredListeners();
  const file = await propertiesFile(
    "client.properties",
    [
      `bootstrap.servers=${SASL_SSL_BROKER}`,
      "security.protocol=SASL_SSL",
      "sasl.mechanism=SCRAM-SHA-256",
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\`,
      `    username="${ACCOUNT.username}" password="${ACCOUNT.password}";`,
      `ssl.truststore.location=${caFile()}`,
      "ssl.truststore.type=PEM",
    ],
  );
  // No --brokers: bootstrap.servers comes from the file too.
  await produceUntil(uniqueName("sec-prod-scram256"), 10, ["--kafka-config", file]);
});

Deno.test("produce over SASL_SSL with PLAIN from environment variables: every reading arrives", async () => {
  await ensureSecuredListeners();
  await produceUntil(uniqueName("sec-prod-plain"), 10, ["--brokers", SASL_SSL_BROKER], {
    GATEWAY_SECURITY_PROTOCOL: "SASL_SSL",
    GATEWAY_SASL_MECHANISM: "PLAIN",
    GATEWAY_SASL_USERNAME: ACCOUNT.username,
    GATEWAY_SASL_PASSWORD: ACCOUNT.password,
    GATEWAY_SSL_CA: caFile(),
  });
});

Deno.test("produce over SSL with a client certificate (mutual TLS): every reading arrives", async () => {
  await ensureSecuredListeners();
  const client = clientCertFiles();
  await produceUntil(uniqueName("sec-prod-mtls"), 10, [
    "--brokers",
    MUTUAL_TLS_BROKER,
    "--security-protocol",
    "SSL",
    "--ssl-ca",
    caFile(),
    "--ssl-cert",
    client.cert,
    "--ssl-key",
    client.key,
  ]);
});

const SCHEMA = {
  type: "record",
  name: "SecReading",
  namespace: "gateway.tests",
  fields: [{ name: "bid", type: "string" }, { name: "n", type: "int" }],
} as const;

async function sinkOver(
  label: string,
  argsFor: (topic: string, database: string) => Promise<string[]> | string[],
) {
  const topic = uniqueName(`sec-sink-${label}`);
  const database = uniqueName("secdb").replaceAll("-", "_");
  await createTopic(topic, 3);
  const enc = await avroEncoder(topic, SCHEMA as never);
  const n = 60;
  await produce(
    topic,
    Array.from(
      { length: n },
      (_, i) => ({ key: `k${i % 5}`, value: enc.encode({ bid: `k${i % 5}`, n: i }) }),
    ),
  );
  const args = await argsFor(topic, database);
  const sink = startSink([
    "--database",
    database,
    "--group",
    uniqueName("sec-group"),
    ...args,
  ]);
  const client = mongo();
  try {
    await sink.waitForLine(/sink running/, 60_000);
    const count = await waitForCount(client.db(database).collection("docs"), n, 60_000);
    assert.deepEqual(count, n, "every record written once");
    const ns = (await client.db(database).collection("docs").find().toArray()).map((d) => d.n)
      .sort((a, b) => a - b);
    assert.deepEqual(ns, Array.from({ length: n }, (_, i) => i));
  } finally {
    const code = await sink.stop();
    allLines.push(...sink.lines);
    await client.db(database).dropDatabase().catch(() => {});
    await client.close();
    assert.deepEqual(code, 0, sink.lines.slice(-10).join("\n"));
  }
}

Deno.test("sink over SASL_PLAINTEXT with SCRAM-SHA-512 (flags): every document written", async () => {
  await ensureSecuredListeners();
  await sinkOver("scram512", (topic) => [
    "--kcql",
    `INSERT INTO docs SELECT * FROM ${topic}`,
    ...scram512Args(ACCOUNT.password),
  ]);
});

Deno.test("sink over SASL_PLAINTEXT with SCRAM-SHA-512 from a --kafka-config file: every document written", async () => {
  await ensureSecuredListeners();
  const file = await propertiesFile("client.properties", [
    `bootstrap.servers=${SASL_PLAINTEXT_BROKER}`,
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanism=SCRAM-SHA-512",
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username='${ACCOUNT.username}' password='${ACCOUNT.password}';`,
  ]);
  // startSink names --brokers (the plaintext listener); the file's bootstrap.servers is
  // overridden by it, so name the secured listener again.
  await sinkOver("scram512-kafka-config", (topic) => [
    "--kcql",
    `INSERT INTO docs SELECT * FROM ${topic}`,
    "--brokers",
    SASL_PLAINTEXT_BROKER,
    "--kafka-config",
    file,
  ]);
});

Deno.test("sink over SASL_SSL with SCRAM-SHA-256 from a connector file's consumer.override.* keys", async () => {
  await ensureSecuredListeners();
  await sinkOver("scram256-file", async (topic, db) => [
    "--brokers",
    SASL_SSL_BROKER,
    "--config",
    await propertiesFile("mongo-sink.properties", [
      "name=secured-mongo-sink",
      "connector.class=com.datamountaineer.streamreactor.connect.mongodb.sink.MongoSinkConnector",
      `topics=${topic}`,
      `connect.mongo.kcql=INSERT INTO docs SELECT * FROM ${topic}`,
      `connect.mongo.db=${db}`,
      "connect.mongo.connection=mongodb://127.0.0.1:27017",
      "consumer.override.security.protocol=SASL_SSL",
      "consumer.override.sasl.mechanism=SCRAM-SHA-256",
      `consumer.override.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${ACCOUNT.username}" password="${ACCOUNT.password}";`,
      `consumer.override.ssl.truststore.location=${caFile()}`,
      "consumer.override.ssl.truststore.type=PEM",
    ]),
  ]);
});

Deno.test("sink over SASL_SSL with PLAIN (top-level keys of a connector file): every document written", async () => {
  await ensureSecuredListeners();
  await sinkOver("plain-file", async (topic, db) => [
    "--brokers",
    SASL_SSL_BROKER,
    "--config",
    await propertiesFile("mongo-sink.properties", [
      "name=secured-plain-sink",
      `topics=${topic}`,
      `connect.mongo.kcql=INSERT INTO docs SELECT * FROM ${topic}`,
      `connect.mongo.db=${db}`,
      "connect.mongo.connection=mongodb://127.0.0.1:27017",
      "security.protocol=SASL_SSL",
      "sasl.mechanism=PLAIN",
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${ACCOUNT.username}" password="${ACCOUNT.password}";`,
      `ssl.truststore.location=${caFile()}`,
      "ssl.truststore.type=PEM",
    ]),
  ]);
});

Deno.test("no log line of the secured runs above holds the password", () => {
  assert.ok(allLines.length > 50, `the runs above logged (${allLines.length} lines)`);
  assert.deepEqual(linesWithSecrets(allLines, SECRETS), []);
});
