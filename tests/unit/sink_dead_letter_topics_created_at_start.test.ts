/**
 * The sink creates its missing dead-letter topics itself, as Kafka Connect does: once each, one
 * partition, the configured replication factor (or the broker's default); one it cannot create
 * is a warning naming the broker's reason, not a failure (the running test with a real broker is
 * sink_waits_for_an_unavailable_dead_letter_topic.test.ts).
 */
import assert from "node:assert/strict";
import { ensureDeadLetterTopics, type TopicAdmin } from "../../src/sink/io/dead_letters.ts";
import { createLogger } from "../../src/util/log.ts";

type Create = Parameters<TopicAdmin["createTopics"]>[0];

function fakeAdmin(existing: string[], refuse: Record<string, string> = {}) {
  const created: Create[] = [];
  const admin: TopicAdmin = {
    listTopics: () => Promise.resolve(existing),
    createTopics: (options) => {
      created.push(options);
      const topic = options.topics[0].topic;
      if (refuse[topic]) {
        return Promise.reject(
          Object.assign(new Error("Topic creation errors"), {
            errors: [{ type: refuse[topic], topic }],
          }),
        );
      }
      return Promise.resolve(true);
    },
  };
  return { admin, created };
}

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: "info", write: (l) => lines.push(l) }) };
}

Deno.test("only missing dead-letter topics are created, once each, with one partition and the replication factor asked for", async () => {
  const { admin, created } = fakeAdmin(["a-dlq"]);
  const { log } = capture();
  const missing = await ensureDeadLetterTopics(admin, ["a-dlq", "b-dlq", "b-dlq", "c-dlq"], 3, log);
  assert.deepEqual(missing, []);
  assert.deepEqual(created.map((c) => c.topics), [
    [{ topic: "b-dlq", numPartitions: 1, replicationFactor: 3 }],
    [{ topic: "c-dlq", numPartitions: 1, replicationFactor: 3 }],
  ]);
});

Deno.test("without a replication factor the broker's default is used (none is sent)", async () => {
  const { admin, created } = fakeAdmin([]);
  await ensureDeadLetterTopics(admin, ["t-dlq"], undefined, capture().log);
  assert.deepEqual(created.map((c) => c.topics), [[{ topic: "t-dlq", numPartitions: 1 }]]);
});

Deno.test("a dead-letter topic the broker refuses to create is a warning with its reason, and the rest are still created", async () => {
  const { admin, created } = fakeAdmin([], { "a-dlq": "INVALID_REPLICATION_FACTOR" });
  const { lines, log } = capture();
  const missing = await ensureDeadLetterTopics(admin, ["a-dlq", "b-dlq"], 5, log);
  assert.deepEqual(missing, ["a-dlq"]);
  assert.deepEqual(created.map((c) => c.topics[0].topic), ["a-dlq", "b-dlq"]);
  const warning = lines.find((l) => /dead-letter topic missing and not created/.test(l));
  assert.ok(warning, lines.join("\n"));
  assert.match(warning, /to=a-dlq/);
  assert.match(warning, /INVALID_REPLICATION_FACTOR/);
});
