/**
 * The sink's start-up give-up rule, on an injected clock with no backoff wait: what counts
 * towards `--give-up-after`, what starts the clock again, and the exact attempt it stops at.
 */
import assert from "node:assert/strict";
import type { Admin } from "kafkajs";
import { MongoNetworkError, MongoServerError } from "mongodb";
import { SinkStop } from "../src/sink/io/sink_stop.ts";
import { type KafkaStart, startKafka, startMongo } from "../src/sink/io/sink_start.ts";
import { silentLogger } from "../src/util/log.ts";

/** A clock that moves only when told; no backoff between attempts. */
function fakeTime() {
  const t = { ms: 0 };
  return { t, timing: { now: () => t.ms, minDelayMs: 0, maxDelayMs: 0 } };
}

const authFailed = () =>
  new MongoServerError({ code: 18, errmsg: "Authentication failed.", codeName: "AuthFailed" });
/** kafkajs's error for a broker that refuses the connection (its name, message and broker). */
const kafkaAway = () =>
  Object.assign(new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092"), {
    name: "KafkaJSConnectionError",
    broker: "127.0.0.1:9092",
  });

const never = new AbortController().signal;

/** Attempts startMongo makes when every one fails with `error` and takes `stepMs`. */
async function mongoAttemptsUntilGivenUp(giveUpAfterMs: number, stepMs: number) {
  const { t, timing } = fakeTime();
  let attempts = 0;
  const error = await startMongo(
    {
      connect: () => {
        attempts++;
        t.ms += stepMs;
        return Promise.reject(authFailed());
      },
    },
    silentLogger,
    never,
    giveUpAfterMs,
    timing,
  ).then(() => undefined, (e) => e);
  return { attempts, error, elapsedMs: t.ms };
}

Deno.test("MongoDB refusing the credentials stops the start exactly when --give-up-after has passed since the first refusal", async () => {
  // Refusals at 1 s, 2 s, ...: the clock starts at the first (1 s) and 6 s - 1 s reaches 5 s.
  const at = await mongoAttemptsUntilGivenUp(5000, 1000);
  assert.equal(at.attempts, 6);
  assert.equal(at.elapsedMs, 6000);
  assert.ok(at.error instanceof SinkStop);
  assert.match(at.error.message, /still failing after --give-up-after 5 s$/);
  // One millisecond more and it takes one more attempt.
  assert.equal((await mongoAttemptsUntilGivenUp(5001, 1000)).attempts, 7);
});

Deno.test("MongoDB away at start is waited for however long, and the start then goes on", async () => {
  const { t, timing } = fakeTime();
  let attempts = 0;
  await startMongo(
    {
      connect: () => {
        attempts++;
        t.ms += 3_600_000;
        return attempts < 30
          ? Promise.reject(new MongoNetworkError("connect ECONNREFUSED 127.0.0.1:27017"))
          : Promise.resolve();
      },
    },
    silentLogger,
    never,
    5000,
    timing,
  );
  assert.equal(attempts, 30);
});

Deno.test("any other MongoDB failure at start stops it at the first attempt", async () => {
  const { timing } = fakeTime();
  let attempts = 0;
  const error = await startMongo(
    {
      connect: () => {
        attempts++;
        return Promise.reject(new Error("collection options invalid"));
      },
    },
    silentLogger,
    never,
    5000,
    timing,
  ).then(() => undefined, (e) => e);
  assert.equal(attempts, 1);
  assert.ok(error instanceof SinkStop);
  assert.equal(error.message, "MongoDB: Error: collection options invalid");
});

Deno.test("--give-up-after 0 retries refused credentials forever", async () => {
  const { t, timing } = fakeTime();
  let attempts = 0;
  await startMongo(
    {
      connect: () => {
        attempts++;
        t.ms += 3_600_000;
        return attempts < 100 ? Promise.reject(authFailed()) : Promise.resolve();
      },
    },
    silentLogger,
    never,
    0,
    timing,
  );
  assert.equal(attempts, 100);
});

/** An admin client that answers the start's questions: session timeouts 6 s..30 min. */
function fakeAdmin(metadata: () => Promise<unknown>): Admin {
  return {
    describeCluster: () => Promise.resolve({ brokers: [{ nodeId: 1 }] }),
    describeConfigs: () =>
      Promise.resolve({
        resources: [{
          configEntries: [
            { configName: "group.min.session.timeout.ms", configValue: "6000" },
            { configName: "group.max.session.timeout.ms", configValue: "1800000" },
          ],
        }],
      }),
    fetchTopicMetadata: metadata,
  } as unknown as Admin;
}

const ready = () =>
  Promise.resolve({ topics: [{ name: "t", partitions: [{ partitionId: 0, leader: 1 }] }] });

function kafkaStart(over: Partial<KafkaStart>): KafkaStart {
  return {
    connect: () => Promise.resolve(),
    admin: fakeAdmin(ready),
    topics: ["t"],
    sessionTimeoutMs: 30_000,
    subscribe: () => Promise.resolve(),
    ...over,
  };
}

Deno.test("Kafka unreachable at start stops it exactly when --give-up-after has passed, with the step and the cause", async () => {
  for (const [giveUpAfterMs, expected] of [[4000, 5], [4001, 6]] as const) {
    const { t, timing } = fakeTime();
    let attempts = 0;
    const error = await startKafka(
      kafkaStart({
        connect: () => {
          attempts++;
          t.ms += 1000;
          return Promise.reject(kafkaAway());
        },
      }),
      silentLogger,
      never,
      giveUpAfterMs,
      timing,
    ).then(() => undefined, (e) => e);
    assert.equal(attempts, expected, `--give-up-after ${giveUpAfterMs} ms`);
    assert.ok(error instanceof SinkStop);
    assert.match(
      error.message,
      new RegExp(
        `^Kafka: connecting failed for ${
          Math.round(giveUpAfterMs / 1000)
        } s \\(--give-up-after\\): `,
      ),
    );
  }
});

Deno.test("each Kafka start step that succeeds starts the give-up clock again", async () => {
  // Connecting fails for 4 s, joining the group for 4 s: 8 s of failures, no step 5 s long.
  const { t, timing } = fakeTime();
  const failing = (n: number) => {
    let left = n;
    return () => {
      t.ms += 1000;
      return left-- > 0 ? Promise.reject(kafkaAway()) : Promise.resolve();
    };
  };
  await startKafka(
    kafkaStart({ connect: failing(4), subscribe: failing(4) }),
    silentLogger,
    never,
    5000,
    timing,
  );
  assert.equal(t.ms, 10_000);
});

Deno.test("source topics not ready yet are waited for past --give-up-after: Kafka answers", async () => {
  const { t, timing } = fakeTime();
  let looks = 0;
  await startKafka(
    kafkaStart({
      admin: fakeAdmin(() => {
        looks++;
        t.ms += 60_000;
        return looks < 20
          ? Promise.resolve({
            topics: [{ name: "t", partitions: [{ partitionId: 0, leader: -1 }] }],
          })
          : ready();
      }),
    }),
    silentLogger,
    never,
    5000,
    timing,
  );
  assert.equal(looks, 20);
});

Deno.test("a session timeout the broker refuses stops the start at once", async () => {
  const { timing } = fakeTime();
  const error = await startKafka(
    kafkaStart({ sessionTimeoutMs: 3000 }),
    silentLogger,
    never,
    5000,
    timing,
  ).then(() => undefined, (e) => e);
  assert.ok(error instanceof SinkStop);
  assert.match(error.message, /^--session-timeout 3 s is below what the broker allows/);
});

Deno.test("stopping ends a start that waits, with the signal's reason", async () => {
  const { timing } = fakeTime();
  const stop = new AbortController();
  let attempts = 0;
  const error = await startKafka(
    kafkaStart({
      connect: () => {
        if (++attempts === 3) stop.abort(new Error("stopping"));
        return Promise.reject(kafkaAway());
      },
    }),
    silentLogger,
    stop.signal,
    0,
    timing,
  ).then(() => undefined, (e) => e);
  assert.equal(attempts, 3);
  assert.equal((error as Error).message, "stopping");
});
