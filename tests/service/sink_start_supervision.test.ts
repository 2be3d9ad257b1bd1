/**
 * The sink never stays up doing nothing: Kafka unreachable at start is retried and, once there,
 * consumed; never there, the sink exits non-zero after --give-up-after with the cause in its
 * last line; a session timeout above the broker's maximum is refused at start; a consumer whose
 * topic is deleted under it ends non-zero or recovers; a second SIGTERM says nothing of a spool.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { kafka } from "../_support/kafka.ts";
import { createTopic, mongo, type OutRecord, produce, startSink } from "../_support/sink.ts";
import { freePort, relay } from "../_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const source = (n: number, from = 0): OutRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `k${from + i}`,
    value: json({ id: `k${from + i}`, seq: from + i }),
  }));

async function exitWithin(
  p: { exited: Promise<number>; signal(s: Deno.Signal): void },
  ms: number,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    p.exited,
    new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms))),
  ]);
  clearTimeout(timer);
  if (code === "timeout") p.signal("SIGKILL");
  return code;
}

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...opts,
  name:
    "Kafka never reachable at start: the sink exits non-zero after --give-up-after, the cause in its last line",
  fn: async () => {
    const port = freePort();
    const t0 = Date.now();
    const sink = startSink([
      "--kcql",
      "INSERT INTO never SELECT * FROM never-there",
      "--brokers",
      `127.0.0.1:${port}`,
      "--give-up-after",
      "4",
    ]);
    const code = await exitWithin(sink, 60_000);
    assert.notEqual(
      code,
      "timeout",
      "the sink must not stay up\n" + sink.lines.slice(-10).join("\n"),
    );
    assert.notEqual(code, 0);
    assert.ok(Date.now() - t0 >= 4000, "it retried for the give-up time first");
    const last = sink.lines.filter((l) => l.trim()).at(-1) ?? "";
    assert.match(last, /give-up-after/, last);
    assert.match(last, /ECONNREFUSED|Connection error|connect/i, last);
    assert.ok(sink.lines.some((l) => /retrying with backoff/.test(l)), "it said it was retrying");
  },
});

Deno.test({
  ...opts,
  name: "Kafka unreachable at start, then there: the sink retries, then consumes and writes",
  fn: async () => {
    const topic = uniqueName("late-kafka");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    await produce(topic, source(200));
    const port = freePort();
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic}`,
      "--brokers",
      `127.0.0.1:${port}`,
      "--group",
      uniqueName("g"),
      "--give-up-after",
      "120",
    ]);
    const client = mongo();
    let bridge: { close(): void } | undefined;
    try {
      await sink.waitForLine(/Kafka: connecting failed; retrying with backoff/, 60_000);
      bridge = relay(port, { hostname: "127.0.0.1", port: 9092 });
      await waitFor(
        "all 200 documents",
        async () =>
          (await client.db("connect-db").collection(coll).countDocuments()) >= 200
            ? true
            : undefined,
        90_000,
        300,
      );
      assert.equal(await sink.stop(), 0, sink.lines.slice(-15).join("\n"));
    } finally {
      bridge?.close();
      sink.signal("SIGKILL");
      await client.close();
    }
  },
});

Deno.test({
  ...opts,
  name:
    "--session-timeout above the broker's group.max.session.timeout.ms is refused at start with a clear error",
  fn: async () => {
    const sink = startSink([
      "--kcql",
      `INSERT INTO st SELECT * FROM ${uniqueName("st")}`,
      "--session-timeout",
      "3600",
    ]);
    const code = await exitWithin(sink, 60_000);
    assert.notEqual(code, "timeout", sink.lines.slice(-10).join("\n"));
    assert.notEqual(code, 0);
    const last = sink.lines.filter((l) => l.trim()).at(-1) ?? "";
    assert.match(last, /--session-timeout 3600 s is above what the broker allows/, last);
    assert.match(last, /group\.max\.session\.timeout\.ms/, last);
  },
});

Deno.test({
  ...opts,
  name:
    "the source topic deleted and recreated under a running sink: it recovers or exits non-zero, never silence",
  fn: async () => {
    const topic = uniqueName("deleted");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    await produce(topic, source(100));
    const client = mongo();
    const c = client.db("connect-db").collection(coll);
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic}`,
      "--group",
      uniqueName("g"),
      "--session-timeout",
      "6",
      "--stall-timeout",
      "20",
      ...(Deno.env.get("GATEWAY_TEST_DEBUG") ? ["--log-level", "debug"] : []),
    ]);
    try {
      await waitFor("first documents", async () => (await c.countDocuments()) >= 100 || undefined);
      const admin = kafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
      await admin.disconnect();
      await new Promise((r) => setTimeout(r, 3000));
      await createTopic(topic, 1).catch(() => {}); // the sink may have re-created it already
      await produce(topic, source(50, 1000));
      const outcome = await waitFor(
        "new records written, or the sink exited",
        async () => {
          if ((await c.countDocuments({ seq: { $gte: 1000 } })) >= 50) return "recovered";
          const exited = await Promise.race([sink.exited, Promise.resolve(undefined)]);
          return exited === undefined ? undefined : `exited ${exited}`;
        },
        120_000,
        500,
      );
      if (outcome === "recovered") {
        assert.equal(await sink.stop(), 0, sink.lines.slice(-15).join("\n"));
      } else {
        assert.notEqual(outcome, "exited 0", "an exit after a crash is non-zero");
        const last = sink.lines.filter((l) => l.trim()).at(-1) ?? "";
        assert.match(last, /sink stopped: /, last);
      }
    } finally {
      sink.signal("SIGKILL");
      await client.close();
    }
  },
});

Deno.test({
  ...opts,
  name: "a second SIGTERM ends the sink at once, in the sink's words (nothing about a spool)",
  fn: async () => {
    const sink = startSink([
      "--kcql",
      "INSERT INTO never SELECT * FROM never-there",
      "--brokers",
      `127.0.0.1:${freePort()}`,
      "--give-up-after",
      "0",
    ]);
    await sink.waitForLine(/Kafka: connecting failed; retrying with backoff/, 60_000);
    sink.signal("SIGTERM");
    sink.signal("SIGTERM");
    const code = await exitWithin(sink, 30_000);
    assert.notEqual(code, "timeout");
    assert.ok(!sink.lines.some((l) => /spool/i.test(l)), sink.lines.slice(-5).join("\n"));
    const second = sink.lines.find((l) => /second SIGTERM/.test(l));
    if (second) {
      assert.equal(code, 130);
      assert.match(second, /read again on the next start/);
    } else {
      assert.equal(code, 0, "the first SIGTERM alone stopped it cleanly");
    }
  },
});
