/**
 * /healthz (liveness) turns 503 once the process can no longer do its job:
 * for produce when every tag is gone for good (here: virtual tags whose
 * humidity service vanished, so each session ends as `failed` after its
 * reconnect), for the sink when its Kafka consumer has crashed and stopped.
 * Real noble over virtual tags, real Kafka and MongoDB, real HTTP.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { TagManager } from "../src/ble/tag_manager.ts";
import { createSimulatedNoble, simulatedAddresses } from "../src/ble/virtual/simulated_noble.ts";
import { gattOf, shortUuid } from "../src/sensortag/gatt.ts";
import { startProduceOps } from "../src/status/produce_ops.ts";
import { startSinkOps } from "../src/status/sink_ops.ts";
import { runSink } from "../src/sink/io/run_sink.ts";
import type { RecordPipeline } from "../src/sink/record/record_pipeline.ts";
import { silentLogger } from "../src/util/log.ts";
import { uniqueName, waitFor } from "./_support/gateway_process.ts";
import { BROKERS, REGISTRY } from "./_support/kafka.ts";
import { get } from "./_support/ops_http.ts";
import { sample, scrape } from "./_support/prometheus.ts";
import { createTopic, MONGO, produce } from "./_support/sink.ts";

const kafka = () =>
  new Kafka({ clientId: "ops-health", brokers: BROKERS, logLevel: logLevel.NOTHING });

async function healthzBecomes(url: string, status: number) {
  return await waitFor(
    `${url}/healthz answering ${status}`,
    async () => {
      const r = await get(`${url}/healthz`);
      return r.status === status ? r : undefined;
    },
    60_000,
    200,
  );
}

Deno.test({
  name:
    "produce /healthz: 200 while one tag is left, 503 once every tag is gone for good; RSSI of connected tags",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const addresses = simulatedAddresses(3);
    const { noble, bindings } = createSimulatedNoble(addresses, { model: "cc2650" });
    const ops = startProduceOps({
      http: { hostname: "127.0.0.1", port: 0 },
      kafka: kafka(),
      version: "test",
      log: silentLogger,
    });
    const monitor = ops.monitor;
    monitor.tagsExpected(addresses);
    const manager = new TagManager(noble, addresses, {
      sensors: ["ir", "humidity"],
      mode: "poll",
      intervalMs: 200,
      accelRange: 2,
      connectTimeoutMs: 3000,
      backoff: { startingDelayMs: 50, maxDelayMs: 200 },
      onTagState: (a, s, d) => monitor.tagState(a, s, d),
      onRssi: (a, dbm) => monitor.tagRssi(a, dbm),
    }, silentLogger);
    const url = ops.server!.url;
    try {
      await manager.start((r) => monitor.readingTaken(r.address, r.model, r.time, r.fields));
      await waitFor(
        "every tag streaming",
        () => manager.sessions.every((s) => s.state === "streaming") ? true : undefined,
      );
      assert.equal((await healthzBecomes(url, 200)).body, "ok\n");
      // Connected tags no longer advertise; their RSSI is asked for.
      bindings.tag(addresses[0]).rssi = -77;
      await manager.refreshRssi();
      assert.equal(
        sample(await scrape(url), "gateway_tag_rssi_dbm", { device: addresses[0] }),
        -77,
      );

      const humidity = shortUuid(gattOf("cc2650", "humidity")[0].service);
      const vanish = (address: string) => {
        const tag = bindings.tag(address);
        tag.services.splice(tag.services.findIndex((s) => s.uuid === humidity), 1);
        bindings.dropConnection(address);
      };
      vanish(addresses[0]);
      vanish(addresses[1]);
      await waitFor(
        "two tags failed",
        () => manager.sessions.filter((s) => s.state === "failed").length === 2 ? true : undefined,
      );
      assert.equal((await get(`${url}/healthz`)).status, 200, "one tag still streams");
      vanish(addresses[2]);
      const down = await healthzBecomes(url, 503);
      assert.match(down.body, /no tag is left/);
      for (const a of addresses) assert.match(down.body, new RegExp(`${a} failed`));
      const m = await scrape(url);
      for (const a of addresses) {
        assert.equal(sample(m, "gateway_tag_connected", { device: a }), 0, a);
      }
    } finally {
      await manager.stop();
      await ops.close();
    }
  },
});

Deno.test({
  name: "sink /healthz: 503 and gateway_sink_consumer_running 0 once its consumer crashed for good",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("ops-crash");
    const groupId = uniqueName("ops-crash-g");
    await createTopic(topic, 1);
    const ops = startSinkOps({
      http: { hostname: "127.0.0.1", port: 0 },
      kafka: kafka(),
      groupId,
      topics: [topic],
      registryUrl: REGISTRY,
      mongoUri: MONGO,
      version: "test",
      log: silentLogger,
    });
    const url = ops.server!.url;
    // A pipeline with a bug: a record it cannot handle throws out of the batch handler, which
    // kafkajs treats as a crash it does not restart from.
    const pipeline: RecordPipeline = {
      targetOf: () => ({ collection: uniqueName("ops_crash"), batchSize: 100 }),
      prepare: (r) => {
        if (new TextDecoder().decode(r.value ?? new Uint8Array()) === "crash") {
          throw new Error("a bug in the pipeline");
        }
        return Promise.resolve({ kind: "skip" });
      },
      timeSeriesCollections: () => [],
    };
    const stop = new AbortController();
    let assigned = false;
    const sinkDone = runSink({
      topics: [topic],
      groupId,
      mongoUri: MONGO,
      database: "connect-db",
      policy: { errorPolicy: "NOOP", maxRetries: 0, retryIntervalMs: 100 },
      deadLetterTopic: (t) => `${t}-dlq`,
      fromBeginning: true,
      partitionsConsumedConcurrently: 1,
      statsIntervalMs: 60_000,
      sessionTimeoutMs: 10_000,
    }, {
      kafka: kafka(),
      pipeline,
      log: silentLogger,
      signal: stop.signal,
      observer: ops.monitor,
      onAssigned: () => (assigned = true),
    });
    try {
      await waitFor("partitions assigned", () => (assigned ? true : undefined));
      await produce(topic, [{ key: "a", value: new TextEncoder().encode("fine") }]);
      await waitFor(
        "the fine record counted as skipped",
        async () =>
          sample(await scrape(url), "gateway_sink_records_total", { topic, outcome: "skipped" }) ===
              1
            ? true
            : undefined,
      );
      assert.equal((await get(`${url}/healthz`)).status, 200);
      assert.equal(sample(await scrape(url), "gateway_sink_consumer_running"), 1);

      await produce(topic, [{ key: "b", value: new TextEncoder().encode("crash") }]);
      const down = await healthzBecomes(url, 503);
      // The body names the cause: the batch handler's error stopped the sink.
      assert.match(down.body, /the sink has stopped: .*a bug in the pipeline/);
      const m = await scrape(url);
      assert.equal(sample(m, "gateway_sink_consumer_running"), 0);
      assert.equal(sample(m, "gateway_sink_partitions_assigned"), 0);
    } finally {
      stop.abort();
      await sinkDone.catch(() => {});
      await ops.close();
    }
  },
});
