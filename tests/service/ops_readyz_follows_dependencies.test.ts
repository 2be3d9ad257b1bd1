/**
 * /readyz (and the *_up gauges) follow the dependencies: a produce run whose
 * broker and registry are reached through TCP proxies, and a sink whose
 * MongoDB is; closing a proxy makes the dependency vanish for that process
 * only (the shared services keep running), reopening it brings it back.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { sample, scrape } from "../_support/prometheus.ts";
import { startSimulatedProducer } from "../_support/produce.ts";
import { startSink } from "../_support/sink.ts";
import { TcpProxy } from "../_support/tcp_proxy.ts";

async function readyzBecomes(url: string, status: number, body?: RegExp) {
  return await waitFor(
    `${url}/readyz answering ${status}`,
    async () => {
      const r = await get(`${url}/readyz`);
      return r.status === status && (!body || body.test(r.body)) ? r : undefined;
    },
    60_000,
    250,
  );
}

Deno.test({
  name:
    "/readyz is 503 naming Kafka, the registry or MongoDB while it is away, 200 once it is back",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const kafkaProxy = new TcpProxy(9092);
    const registryProxy = new TcpProxy(8081);
    const mongoProxy = new TcpProxy(27017);
    for (const p of [kafkaProxy, registryProxy, mongoProxy]) p.open();
    const spoolDir = await Deno.makeTempDir({ prefix: "gateway-ops-ready-" });
    const run = await startSimulatedProducer(
      uniqueName("ops-ready"),
      1,
      [
        "--brokers",
        `127.0.0.1:${kafkaProxy.port}`,
        "--registry",
        `http://127.0.0.1:${registryProxy.port}`,
        "--http",
        "127.0.0.1:0",
      ],
      spoolDir,
    );
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${uniqueName("ops_ready")} SELECT * FROM ${uniqueName("ops-ready-src")}`,
      "--group",
      uniqueName("ops-ready-g"),
      "--mongo",
      `mongodb://127.0.0.1:${mongoProxy.port}/?directConnection=true`,
      "--http",
      "127.0.0.1:0",
    ]);
    try {
      const produceUrl = await httpUrlOf(run.proc);
      const sinkUrl = await httpUrlOf(sink);
      await readyzBecomes(produceUrl, 200);
      await readyzBecomes(sinkUrl, 200);

      kafkaProxy.close();
      const noKafka = await readyzBecomes(produceUrl, 503, /kafka does not answer/);
      assert.doesNotMatch(noKafka.body, /registry does not answer/, noKafka.body);
      assert.equal(sample(await scrape(produceUrl), "gateway_kafka_up"), 0);
      kafkaProxy.open();
      await readyzBecomes(produceUrl, 200);
      assert.equal(sample(await scrape(produceUrl), "gateway_kafka_up"), 1);

      registryProxy.close();
      await readyzBecomes(produceUrl, 503, /registry does not answer/);
      assert.equal(sample(await scrape(produceUrl), "gateway_registry_up"), 0);
      registryProxy.open();
      await readyzBecomes(produceUrl, 200);

      mongoProxy.close();
      const noStore = await readyzBecomes(sinkUrl, 503, /mongodb does not answer/);
      assert.doesNotMatch(noStore.body, /kafka does not answer/, noStore.body);
      assert.equal(sample(await scrape(sinkUrl), "gateway_sink_store_up"), 0);
      // Readiness is not liveness: the sink waits for its store, it has not stopped.
      assert.equal((await get(`${sinkUrl}/healthz`)).status, 200);
      mongoProxy.open();
      await readyzBecomes(sinkUrl, 200);
      assert.equal(sample(await scrape(sinkUrl), "gateway_sink_store_up"), 1);
    } finally {
      for (const p of [kafkaProxy, registryProxy, mongoProxy]) p.close();
      await run.proc.stop();
      await sink.stop();
      await Deno.remove(spoolDir, { recursive: true }).catch(() => {});
    }
  },
});
