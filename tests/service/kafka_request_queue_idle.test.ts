/**
 * kafkajs 2.2.4's request queue, left alone, re-arms a timer with a negative
 * delay (1 ms) after every response, forever, per connection, and prints
 * `TimeoutNegativeWarning` outside our logger. With the fix installed by
 * `createKafka`, an idle connected producer checks its queue not at all, and
 * `gateway produce --log-format json` writes JSON on every line.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createKafka, createProducer } from "../../src/kafka/client.ts";
import { nextCheckDelay } from "../../src/kafka/request_queue_timer.ts";
import { silentLogger } from "../../src/util/log.ts";
import { startGateway, uniqueName } from "../_support/gateway_process.ts";
import { BROKERS } from "../_support/kafka.ts";

Deno.test("nextCheckDelay: a timer only when a request waits", () => {
  const now = 1_000_000;
  assert.equal(
    nextCheckDelay({ pending: [], throttledUntil: -1, throttleCheckTimeoutId: null }, now),
    undefined,
  );
  assert.equal(
    nextCheckDelay({ pending: [1], throttledUntil: -1, throttleCheckTimeoutId: null }, now),
    10,
  );
  assert.equal(
    nextCheckDelay({ pending: [1], throttledUntil: now + 250, throttleCheckTimeoutId: null }, now),
    250,
  );
  assert.equal(
    nextCheckDelay({ pending: [1], throttledUntil: now + 250, throttleCheckTimeoutId: 7 }, now),
    undefined,
  );
  assert.equal(
    nextCheckDelay({ pending: [], throttledUntil: now + 250, throttleCheckTimeoutId: null }, now),
    undefined,
  );
});

Deno.test("an idle connected kafkajs producer does not spin its request queue", async () => {
  const kafka = createKafka({ brokers: BROKERS, clientId: "rq-idle", log: silentLogger });
  const RequestQueue = createRequire(import.meta.url)("kafkajs/src/network/requestQueue/index.js");
  const original = RequestQueue.prototype.checkPendingRequests;
  let checks = 0;
  RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
    checks++;
    return original.call(this);
  };
  const producer = createProducer(kafka);
  try {
    await producer.connect();
    await producer.send({ topic: uniqueName("rq-idle"), messages: [{ key: "k", value: "v" }] });
    checks = 0;
    await new Promise((r) => setTimeout(r, 1000));
    // Unfixed: about a thousand per connection per second. Fixed: none while idle.
    assert.ok(checks < 5, `${checks} pending-queue checks in one idle second`);
  } finally {
    RequestQueue.prototype.checkPendingRequests = original;
    await producer.disconnect();
  }
});

Deno.test("gateway produce --log-format json: every line is JSON, no TimeoutNegativeWarning", async () => {
  const topic = uniqueName("rq-json");
  const dir = await Deno.makeTempDir({ prefix: "rq-json-" });
  const proc = startGateway([
    "produce",
    "--simulate",
    "2",
    "--interval",
    "0.2",
    "--topic",
    topic,
    "--schema-strategy",
    "register",
    "--spool",
    `${dir}/spool.sqlite`,
    "--stats-interval",
    "1",
    "--log-format",
    "json",
  ]);
  try {
    await proc.waitForLine(/"sent":[1-9]/, 60_000);
  } finally {
    assert.equal(await proc.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(proc.lines.length > 5);
  for (const line of proc.lines.filter((l) => l.trim() !== "")) {
    assert.doesNotMatch(line, /TimeoutNegativeWarning/);
    assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
  }
});
