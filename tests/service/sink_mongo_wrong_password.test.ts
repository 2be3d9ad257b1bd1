/**
 * A wrong MongoDB password (FerretDB 1.x accepts the handshake and fails the first write with
 * PostgreSQL's "password authentication failed") is never a per-record rejection, under NOOP,
 * THROW and RETRY: nothing dead-lettered, nothing committed, the sink pauses and retries, then
 * exits non-zero after --give-up-after with the cause in its last line; the password is in no
 * log line. The shared store trusts loopback connections, so the test runs its own FerretDB on
 * a PostgreSQL with password authentication.
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { uniqueName } from "../_support/gateway_process.ts";
import { recordsIn } from "../_support/kafka.ts";
import { startPrivateFerretDb } from "../_support/private_ferretdb.ts";
import { createTopic, type OutRecord, produce, startSink, waitForCount } from "../_support/sink.ts";
import { committedOffsets } from "../_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

Deno.test({
  name:
    "MongoDB wrong password under NOOP, THROW and RETRY: nothing dead-lettered or committed, exit non-zero in bounded time",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const store = await startPrivateFerretDb();
    try {
      const topic = uniqueName("wrong-password");
      const coll = topic.replaceAll("-", "_");
      await createTopic(topic, 1);
      const records: OutRecord[] = Array.from({ length: 20 }, (_, i) => ({
        key: `k${i}`,
        value: json({ id: `k${i}`, seq: i }),
      }));
      await produce(topic, records);

      // The right password writes: the store is able to tell them apart.
      const right = startSink([
        "--kcql",
        `INSERT INTO ${coll} SELECT * FROM ${topic}`,
        "--group",
        uniqueName("right"),
        "--mongo",
        store.uri(store.user, store.password),
      ]);
      const client = new MongoClient(store.uri(store.user, store.password));
      try {
        await waitForCount(client.db("connect-db").collection(coll), records.length, 60_000);
      } finally {
        await client.close();
      }
      assert.equal(await right.stop(), 0, right.lines.slice(-10).join("\n"));

      const wrongPassword = `wrong-${crypto.randomUUID().slice(0, 8)}`;
      const runs = (["NOOP", "THROW", "RETRY"] as const).map((policy) => {
        const group = uniqueName(`wrong-${policy.toLowerCase()}`);
        const t0 = Date.now();
        const sink = startSink([
          "--kcql",
          `INSERT INTO ${coll}_${policy.toLowerCase()} SELECT * FROM ${topic}`,
          "--group",
          group,
          "--mongo",
          store.uri(store.user, wrongPassword),
          "--error-policy",
          policy,
          "--max-retries",
          "2",
          "--retry-interval",
          "100",
          "--dlq-topic",
          `${topic}-${policy.toLowerCase()}-dlq`,
          "--give-up-after",
          "6",
        ]);
        return { policy, group, sink, t0 };
      });
      for (const { policy, group, sink, t0 } of runs) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const code = await Promise.race([
          sink.exited,
          new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 90_000))),
        ]);
        clearTimeout(timer);
        if (code === "timeout") sink.signal("SIGKILL");
        const log = sink.lines.join("\n");
        assert.notEqual(
          code,
          "timeout",
          `${policy}: the sink must exit\n${sink.lines.slice(-10).join("\n")}`,
        );
        assert.notEqual(code, 0, `${policy}: non-zero exit`);
        assert.ok(Date.now() - t0 >= 6000, `${policy}: it retried for the give-up time`);
        const last = sink.lines.filter((l) => l.trim()).at(-1) ?? "";
        assert.match(last, /MongoDB authentication failed/, `${policy}: ${last}`);
        assert.match(last, /give-up-after/, `${policy}: ${last}`);
        assert.ok(!/dead-lettered/.test(log), `${policy}: nothing dead-lettered`);
        assert.ok(!log.includes(wrongPassword), `${policy}: the password is in no log line`);
        const committed = (await committedOffsets(group, topic)).get(0);
        assert.equal(committed, -1, `${policy}: nothing committed`);
        const dlqTopic = `${topic}-${policy.toLowerCase()}-dlq`;
        assert.equal(await recordsIn(dlqTopic), 0, `${policy}: the dead-letter topic is empty`);
      }
    } finally {
      await store.stop();
    }
  },
});
