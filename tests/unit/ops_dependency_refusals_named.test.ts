/**
 * A dependency that answers but refuses the gateway is said so: a wrong MongoDB password is
 * "authentication failed" in /readyz, on the page and in `gateway status`, not "does not answer"
 * / "down"; a SASL client on a plaintext listener is told what the broker's raw
 * "Request is not valid given the current SASL state" means.
 */
import assert from "node:assert/strict";
import { MongoServerError } from "mongodb";
import type { MongoClient } from "mongodb";
import { classifyKafkaError } from "../../src/kafka/failure.ts";
import { classifyMongoError, describeMongoFailure } from "../../src/sink/io/mongo_errors.ts";
import { readinessText } from "../../src/status/health.ts";
import { mongoProbe } from "../../src/status/probes.ts";
import { Readiness } from "../../src/status/readiness.ts";
import { statusText } from "../../src/status/status_table.ts";
import { waitFor } from "../_support/gateway_process.ts";

const refusingStore = (error: Error) =>
  ({ db: () => ({ command: () => Promise.reject(error) }) }) as unknown as MongoClient;

const sinkRefusal = (e: unknown) => {
  const kind = classifyMongoError(e);
  return kind === "auth" || kind === "tls"
    ? { error: describeMongoFailure(kind, e), refuses: kind }
    : undefined;
};

Deno.test("MongoDB refusing the password: /readyz and gateway status say authentication failed", async () => {
  const authFailed = new MongoServerError({
    errmsg: "Authentication failed.",
    code: 18,
    codeName: "AuthenticationFailed",
  });
  const readiness = new Readiness({
    mongodb: mongoProbe(refusingStore(authFailed), 1000, sinkRefusal),
    kafka: () => Promise.resolve("connect ECONNREFUSED 127.0.0.1:9092"),
  }, 60_000);
  readiness.start();
  try {
    await waitFor("a round of probes", () => readiness.checks.get("mongodb")!.at > 0 || undefined);
    const report = { ok: readiness.ready, checks: Object.fromEntries(readiness.checks) };
    const body = readinessText(report);
    assert.match(body, /^mongodb authentication failed: MongoDB authentication failed/m);
    assert.doesNotMatch(body, /mongodb does not answer/);
    assert.match(body, /^kafka does not answer: connect ECONNREFUSED/m, "a store away stays so");
    const text = statusText([{
      url: "http://127.0.0.1:8091",
      reachable: true,
      status: {
        kind: "sink",
        version: "t",
        healthy: false,
        live: { ok: true, reasons: [] },
        ready: report,
        at: 0,
        startedAt: 0,
        group: "g",
        topics: [],
        consumer: { running: true, partitionsAssigned: 1 },
        partitions: [],
      },
    }], false);
    assert.match(text, /mongodb auth failed/);
    assert.doesNotMatch(text, /mongodb down/);
  } finally {
    readiness.stop();
  }
});

Deno.test("a store that does not answer is still 'does not answer'", async () => {
  const probe = mongoProbe(
    refusingStore(new Error("connect ECONNREFUSED 127.0.0.1:27017")),
    1000,
    sinkRefusal,
  );
  assert.equal(await probe(new AbortController().signal), "connect ECONNREFUSED 127.0.0.1:27017");
});

Deno.test("SASL against a plaintext listener: the broker's raw SASL state error explained", () => {
  const error = Object.assign(new Error("Request is not valid given the current SASL state"), {
    name: "KafkaJSProtocolError",
    type: "ILLEGAL_SASL_STATE",
    code: 34,
    broker: "127.0.0.1:9092",
  });
  const f = classifyKafkaError(error);
  assert.equal(f.kind, "handshake");
  assert.match(f.message, /the broker 127\.0\.0\.1:9092 does not speak SASL on this listener/);
  assert.match(f.message, /check the port, and --security-protocol/);
  assert.doesNotMatch(f.message, /current SASL state/);
  // kafkajs's error names no broker: the configured ones are named.
  const { broker: _, ...anonymous } = error;
  const bare = Object.assign(new Error(error.message), anonymous, { name: error.name });
  assert.match(
    classifyKafkaError(bare, { brokers: ["127.0.0.1:9092"], mechanism: "PLAIN" }).message,
    /^the broker at 127\.0\.0\.1:9092 does not speak SASL on this listener/,
  );
});
