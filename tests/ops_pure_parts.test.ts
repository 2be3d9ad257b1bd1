/** The pure parts of the ops modules: --http parsing, lag arithmetic, history, chart, terminal table. */
import assert from "node:assert/strict";
import { HTTP_DEFAULTS, parseHttpAddress } from "../src/http/http_address.ts";
import { lagOf } from "../src/kafka/partition_offsets.ts";
import { climateOf, History } from "../src/status/history.ts";
import { chartSvg } from "../src/status/svg_chart.ts";
import { statusText } from "../src/status/status_table.ts";
import { esc } from "../src/status/page_layout.ts";
import { readinessText } from "../src/status/health.ts";
import { SYSLOG_PRIORITY } from "../src/util/journal.ts";

Deno.test("--http takes host:port, [v6]:port, :port (127.0.0.1) and off; anything else is refused", () => {
  assert.deepEqual(parseHttpAddress(HTTP_DEFAULTS.produce), { hostname: "127.0.0.1", port: 9464 });
  assert.deepEqual(parseHttpAddress(HTTP_DEFAULTS.sink), { hostname: "127.0.0.1", port: 9465 });
  assert.deepEqual(parseHttpAddress("0.0.0.0:9464"), { hostname: "0.0.0.0", port: 9464 });
  assert.deepEqual(parseHttpAddress(":0"), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(parseHttpAddress("[::1]:9464"), { hostname: "::1", port: 9464 });
  assert.equal(parseHttpAddress("off"), null);
  assert.equal(parseHttpAddress("OFF"), null);
  for (const bad of ["", "9464", "host", "host:", "host:99999", "a:b:c", "http://x:1"]) {
    assert.throws(() => parseHttpAddress(bad), /--http must be host:port/, bad);
  }
});

Deno.test("lag is the high watermark minus the committed offset, or minus the low one while none is committed", () => {
  assert.equal(lagOf(100, 0, 100), 0);
  assert.equal(lagOf(100, 0, 60), 40);
  assert.equal(lagOf(100, 30, -1), 70);
  assert.equal(lagOf(100, 0, 120), 0, "never negative");
});

Deno.test("a tag's history keeps one point per step and nothing older than the span", () => {
  const h = new History(60_000, 10_000);
  for (let t = 0; t <= 120_000; t += 1000) h.add({ t, temperature: t / 1000 });
  assert.ok(h.points.length <= 7, `${h.points.length} points`);
  assert.ok(h.points.every((p) => p.t >= 60_000));
  const steps = h.points.slice(1).map((p, i) => p.t - h.points[i].t);
  assert.ok(steps.every((s) => s >= 10_000));
  assert.deepEqual(climateOf({ humidity: 21.5, rh: 40, ambient: 20 }), {
    temperature: 21.5,
    humidity: 40,
  });
  assert.deepEqual(climateOf({ ambient: 20 }), { temperature: 20, humidity: undefined });
});

Deno.test("the chart draws both series with their ranges, and says when there is nothing to draw", () => {
  const now = 1_000_000_000;
  const pts = [0, 1, 2, 3].map((i) => ({
    t: now - 600_000 + i * 200_000,
    temperature: 20 + i,
    humidity: 40 - i,
  }));
  const svg = chartSvg(pts, { now });
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.match(svg, /23\.0°C/);
  assert.match(svg, /20\.0°C/);
  assert.match(svg, /40\.0%/);
  assert.match(svg, /-600 s|-10 min/);
  assert.doesNotMatch(svg, /NaN|Infinity/);
  assert.match(chartSvg([], { now }), /no readings yet/);
  const one = chartSvg([{ t: now - 1000, temperature: 21 }], { now });
  assert.match(one, /<circle /);
  assert.doesNotMatch(one, /NaN/);
});

Deno.test("HTML escaping and the readiness body name what does not answer", () => {
  assert.equal(esc(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  const body = readinessText({
    ok: false,
    checks: {
      kafka: { up: true, at: 1 },
      mongodb: { up: false, error: "connect ECONNREFUSED", at: 1 },
    },
  });
  assert.equal(body, "mongodb does not answer: connect ECONNREFUSED\n");
});

Deno.test("gateway status text: a table per gateway, colour only when asked, unreachable ones said so", () => {
  const status = {
    kind: "sink" as const,
    version: "0",
    healthy: false,
    live: { ok: false, reasons: ["the consumer has stopped"] },
    ready: { ok: true, checks: { kafka: { up: true, at: 0 } } },
    at: 0,
    startedAt: 0,
    group: "g",
    topics: ["t"],
    consumer: { running: false, partitionsAssigned: 0 },
    partitions: [{ topic: "t", partition: 0, lag: 5, written: 10, deadLettered: 1, skipped: 0 }],
  };
  const reports = [
    { url: "http://a:1", reachable: true, status },
    { url: "http://b:2", reachable: false, error: "refused" },
  ];
  const plain = statusText(reports, false);
  assert.ok(!plain.includes("\x1b["), "no colour codes");
  assert.match(plain, /unhealthy/);
  assert.match(plain, /the consumer has stopped/);
  assert.match(plain, /^t +0 +5 +10 +1 +0 +-$/m);
  assert.match(plain, /http:\/\/b:2 +unreachable: refused/);
  assert.ok(statusText(reports, true).includes("\x1b[31munhealthy\x1b[0m"), "red when coloured");
});

Deno.test("journald priorities follow syslog's: error 3, warn 4, info 6, debug 7", () => {
  assert.deepEqual(SYSLOG_PRIORITY, { error: 3, warn: 4, info: 6, debug: 7 });
});
