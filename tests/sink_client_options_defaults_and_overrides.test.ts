/** What the sink asks of its clients (client_options.ts): defaults, and what a setting overrides. */
import assert from "node:assert/strict";
import {
  consumerConfig,
  deadLetterProducerConfig,
  mongoClientOptions,
} from "../src/sink/io/client_options.ts";
import { fetchSizes } from "../src/sink/io/kafka_limits.ts";

Deno.test("MongoDB: the sink retries writes itself, and a URI's own socketTimeoutMS wins over 60 s", () => {
  const plain = mongoClientOptions("mongodb://h:27017/");
  assert.equal(plain.retryWrites, false);
  assert.equal(plain.socketTimeoutMS, 60_000);
  assert.equal(plain.serverSelectionTimeoutMS, 5000);
  const own = mongoClientOptions("mongodb://h:27017/?appName=x&socketTimeoutMS=5000");
  assert.equal("socketTimeoutMS" in own, false, "the URI's value is left to the driver");
  const tls = mongoClientOptions("mongodb://h/", { tls: true, serverSelectionTimeoutMS: 100 });
  assert.equal(tls.tls, true);
  assert.equal(tls.serverSelectionTimeoutMS, 100, "given options win over the defaults");
});

Deno.test("the dead-letter producer is idempotent and creates no topic", () => {
  assert.deepEqual(deadLetterProducerConfig(), {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
});

Deno.test("the consumer: heartbeat a tenth of the session timeout (at least 0.5 s), fetches sized by BATCH", () => {
  const c = consumerConfig({
    groupId: "g",
    sessionTimeoutMs: 30_000,
    largestBatch: 500,
    partitionsConsumedConcurrently: 3,
  });
  assert.equal(c.groupId, "g");
  assert.equal(c.sessionTimeout, 30_000);
  assert.equal(c.heartbeatInterval, 3000);
  assert.equal(c.maxWaitTimeInMs, 1000);
  const sizes = fetchSizes(500, 3);
  assert.equal(c.maxBytesPerPartition, sizes.maxBytesPerPartition);
  assert.equal(c.maxBytes, sizes.maxBytes);
  const short = consumerConfig({
    groupId: "g",
    sessionTimeoutMs: 3000,
    largestBatch: 0,
    partitionsConsumedConcurrently: 1,
  });
  assert.equal(short.heartbeatInterval, 500);
  assert.equal(short.maxBytesPerPartition, fetchSizes(1, 1).maxBytesPerPartition);
});
