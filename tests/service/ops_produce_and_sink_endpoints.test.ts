/**
 * A produce run and a sink run with their HTTP endpoints: /metrics parsed by
 * the reference Prometheus parser with counters equal to what went through
 * Kafka, lag 0 at the end, `gateway status` (table and --json, exit codes),
 * both status pages in headless Chromium at phone and desktop width, and
 * `--log-format json` giving one JSON object on every line of output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BROKERS, kafka, readTopic, REGISTRY } from "../_support/kafka.ts";
import { runGateway, startGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { type Family, sample, samples, scrape } from "../_support/prometheus.ts";
import { launchChromium, openAt, sidewaysScroll } from "../_support/browser.ts";
import { mongo, startSink } from "../_support/sink.ts";

const TAGS = ["B0:B4:48:00:00:01", "B0:B4:48:00:00:02", "B0:B4:48:00:00:03"];

const perDevice = (f: Family[], name: string) =>
  Object.fromEntries(TAGS.map((d) => [d, sample(f, name, { device: d })]));

async function highWatermarks(topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

Deno.test({
  name:
    "produce and sink endpoints: metrics equal what went through Kafka, lag 0, gateway status, status pages in Chromium, JSON log lines",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("ops-endpoints");
    const collection = uniqueName("ops_docs");
    const spoolDir = await Deno.makeTempDir({ prefix: "gateway-ops-" });
    const produce = startGateway([
      "produce",
      "--simulate",
      "3",
      "--interval",
      "2",
      "--topic",
      topic,
      "--brokers",
      BROKERS.join(","),
      "--registry",
      REGISTRY,
      "--schema-strategy",
      "register",
      "--sensors",
      "ir,humidity,battery",
      "--spool",
      join(spoolDir, "spool.sqlite"),
      "--http",
      "127.0.0.1:0",
      "--log-format",
      "json",
    ]);
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${collection} SELECT * FROM ${topic}`,
      "--group",
      uniqueName("ops-g"),
      "--http",
      "127.0.0.1:0",
    ]);
    const client = mongo();
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      const produceUrl = await httpUrlOf(produce);
      const sinkUrl = await httpUrlOf(sink);

      // --- produce /metrics: a quiet moment between two readings, checked against Kafka ---
      const quiet = await waitFor(
        "a quiet moment with every taken reading delivered",
        async () => {
          const before = await scrape(produceUrl);
          const taken = perDevice(before, "gateway_readings_taken_total");
          const delivered = perDevice(before, "gateway_readings_delivered_total");
          if (TAGS.some((d) => (taken[d] ?? 0) < 2 || taken[d] !== delivered[d])) return undefined;
          const high = await highWatermarks(topic);
          const after = await scrape(produceUrl);
          const same = TAGS.every((d) =>
            sample(after, "gateway_readings_delivered_total", { device: d }) === delivered[d]
          );
          return same ? { families: before, delivered, high } : undefined;
        },
        90_000,
        200,
      );
      const f = quiet.families;
      const totalHigh = [...quiet.high.values()].reduce((a, b) => a + b, 0);
      const totalDelivered = TAGS.reduce((n, d) => n + quiet.delivered[d]!, 0);
      assert.equal(totalDelivered, totalHigh, "delivered readings = records in the topic");
      assert.equal(sample(f, "gateway_spool_readings"), 0);
      assert.ok((sample(f, "gateway_spool_bytes") ?? -1) >= 0);
      assert.equal(sample(f, "gateway_spool_oldest_reading_age_seconds"), 0);
      assert.equal(sample(f, "gateway_readings_dropped_total", { reason: "spool_full" }), 0);
      assert.equal(sample(f, "gateway_kafka_up"), 1);
      assert.equal(sample(f, "gateway_registry_up"), 1);
      for (const d of TAGS) {
        assert.equal(sample(f, "gateway_tag_connected", { device: d, model: "cc2650" }), 1, d);
        const rssi = sample(f, "gateway_tag_rssi_dbm", { device: d });
        assert.ok(rssi !== undefined && rssi < 0 && rssi > -127, `rssi of ${d}: ${rssi}`);
        const battery = sample(f, "gateway_tag_battery_percent", { device: d });
        assert.ok(battery !== undefined && battery >= 0 && battery <= 100, `battery ${battery}`);
        assert.equal(sample(f, "gateway_tag_reconnects_total", { device: d }), 0);
      }
      assert.ok(samples(f, "process_resident_memory_bytes").length === 1, "process metrics");
      assert.ok(samples(f, "process_cpu_seconds_total").length === 1, "process metrics");

      const health = await get(`${produceUrl}/healthz`);
      assert.equal(health.status, 200, health.body);
      const ready = await get(`${produceUrl}/readyz`);
      assert.equal(ready.status, 200, ready.body);

      // --- the status pages in Chromium, at phone and desktop width (charts need two points) ---
      await waitFor(
        "two chart points per tag",
        async () => {
          const s = JSON.parse((await get(`${produceUrl}/status.json`)).body);
          return s.tags.every((t: { taken: number }) => t.taken >= 7) ? true : undefined;
        },
        60_000,
        500,
      );
      browser = await launchChromium();
      for (const width of [390, 1280]) {
        const { page } = await openAt(browser, produceUrl, width, "status-produce");
        const cards = await page.$$eval("section.card", (els) =>
          els.map((e) => ({
            device: e.getAttribute("data-device"),
            text: e.textContent ?? "",
            lines: e.querySelectorAll("svg.chart polyline").length,
            chartWidth: e.querySelector("svg.chart")?.getBoundingClientRect().width ?? 0,
          })));
        assert.deepEqual(cards.map((c) => c.device).sort(), TAGS, `every tag at ${width} px`);
        for (const c of cards) {
          assert.ok(c.text.includes(c.device!), `address shown for ${c.device}`);
          assert.ok(c.lines >= 2, `temperature and humidity lines for ${c.device} at ${width} px`);
          assert.ok(c.chartWidth > 200, `chart legible at ${width} px: ${c.chartWidth}`);
        }
        const overflow = await sidewaysScroll(page);
        assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow})`);
        await page.close();
      }

      // --- gateway status against both ---
      const both = await runGateway(["status", "--url", produceUrl, "--url", sinkUrl, "--json"]);
      assert.equal(both.code, 0, both.stdout + both.stderr);
      const report = JSON.parse(both.stdout);
      assert.equal(report.healthy, true);
      assert.deepEqual(report.gateways.map((g: { status: { kind: string } }) => g.status.kind), [
        "produce",
        "sink",
      ]);
      const p = report.gateways[0].status;
      assert.deepEqual(p.tags.map((t: { device: string }) => t.device), TAGS);
      for (const t of p.tags) {
        assert.equal(t.state, "streaming");
        assert.equal(t.model, "cc2650");
        assert.equal(typeof t.rssi, "number");
        assert.equal(typeof t.taken, "number");
        assert.equal(typeof t.delivered, "number");
        assert.equal(typeof t.lastValues.rh, "number");
      }
      assert.deepEqual(Object.keys(p.ready.checks).sort(), ["kafka", "registry"]);
      assert.equal(typeof p.spool.readings, "number");
      const s = report.gateways[1].status;
      assert.deepEqual(Object.keys(s.ready.checks).sort(), ["kafka", "mongodb", "registry"]);
      assert.equal(s.consumer.running, true);
      assert.ok(
        s.partitions.length >= 1 && s.partitions.every((x: { topic: string }) => x.topic === topic),
      );
      const table = await runGateway(["status", "--url", produceUrl, "--url", sinkUrl]);
      assert.equal(table.code, 0, table.stderr);
      for (const d of TAGS) assert.match(table.stdout, new RegExp(d));
      assert.match(table.stdout, /TOPIC +PART +LAG/);
      assert.ok(!table.stdout.includes("\x1b["), "no colour when stdout is not a terminal");

      // --- produce stops: per-device counts in Kafka equal the metrics of the quiet moment ---
      const code = await produce.stop();
      assert.equal(code, 0, produce.lines.slice(-10).join("\n"));
      const stoppedLine = produce.lines.map((l) => JSON.parse(l)).find((o) => o.msg === "stopped");
      assert.ok(stoppedLine, "a stopped line");
      const records = await readTopic(topic, (r) => r.length >= stoppedLine.sent);
      for (const d of TAGS) {
        const early = records.filter((r) =>
          r.key === d && r.offset < (quiet.high.get(r.partition) ?? 0)
        ).length;
        assert.equal(early, quiet.delivered[d], `records of ${d} in Kafka = its delivered counter`);
      }
      const gone = await runGateway(["status", "--url", produceUrl, "--json"]);
      assert.equal(gone.code, 1, "a gateway that does not answer is not healthy");
      assert.equal(JSON.parse(gone.stdout).gateways[0].reachable, false);

      // --- the sink catches up: written = records, lag 0 on every partition ---
      const total = records.length;
      const end = await waitFor(
        "the sink caught up with lag 0",
        async () => {
          const m = await scrape(sinkUrl);
          const written = sample(m, "gateway_sink_records_total", { topic, outcome: "written" });
          const lags = samples(m, "gateway_sink_lag_records").filter((x) =>
            x.labels.topic === topic
          );
          return written === total && lags.length > 0 && lags.every((l) => l.value === 0)
            ? m
            : undefined;
        },
        90_000,
        500,
      );
      assert.equal(
        sample(end, "gateway_sink_records_total", { topic, outcome: "dead_lettered" }),
        0,
      );
      assert.equal(sample(end, "gateway_sink_records_total", { topic, outcome: "skipped" }), 0);
      assert.equal(await client.db("connect-db").collection(collection).countDocuments(), total);
      assert.equal(sample(end, "gateway_sink_consumer_running"), 1);
      assert.ok((sample(end, "gateway_sink_partitions_assigned") ?? 0) >= 1);
      assert.equal(sample(end, "gateway_sink_store_up"), 1);
      assert.ok((sample(end, "gateway_sink_batch_write_seconds_count") ?? 0) >= 1, "histogram");
      const fam = end.find((x) => x.name === "gateway_sink_batch_write_seconds");
      assert.equal(fam?.type, "histogram");
      assert.equal((await get(`${sinkUrl}/healthz`)).status, 200);
      assert.equal((await get(`${sinkUrl}/readyz`)).status, 200);
      for (const width of [390, 1280]) {
        const { page } = await openAt(browser, sinkUrl, width, "status-sink");
        const rows = await page.$$eval("tbody tr", (els) => els.map((e) => e.textContent ?? ""));
        assert.ok(rows.length >= 1 && rows.every((r) => r.includes(topic)), rows.join("\n"));
        const overflow = await sidewaysScroll(page);
        assert.ok(overflow <= 0, `sink page: no sideways scrolling at ${width} px (${overflow})`);
        await page.close();
      }

      // --- every line the JSON-logging produce printed is one JSON object ---
      assert.ok(produce.lines.length > 10);
      for (const line of produce.lines) {
        if (line === "") continue;
        const o = JSON.parse(line); // throws on a line that is not JSON
        assert.equal(typeof o.level, "string", line);
        assert.equal(typeof o.msg, "string", line);
      }
    } finally {
      await browser?.close();
      await produce.stop();
      assert.equal(await sink.stop(), 0, sink.lines.slice(-20).join("\n"));
      await client.close();
      await Deno.remove(spoolDir, { recursive: true }).catch(() => {});
    }
  },
});
