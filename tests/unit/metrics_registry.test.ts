/**
 * The process metrics are the scrape-time ones under their standard names, and nothing of
 * prom-client's that keeps sampling between scrapes (event-loop lag, GC observer) is registered.
 */
import assert from "node:assert/strict";
import { newRegistry } from "../../src/metrics/registry.ts";

const KEPT = [
  "nodejs_external_memory_bytes",
  "nodejs_heap_size_total_bytes",
  "nodejs_heap_size_used_bytes",
  "nodejs_version_info",
  "process_cpu_seconds_total",
  "process_cpu_system_seconds_total",
  "process_cpu_user_seconds_total",
  "process_heap_bytes",
  "process_max_fds",
  "process_open_fds",
  "process_resident_memory_bytes",
  "process_start_time_seconds",
  "process_virtual_memory_bytes",
];

Deno.test("the registry holds exactly the scrape-time process metrics, with values", async () => {
  const registry = newRegistry();
  const families = await registry.getMetricsAsJSON();
  assert.deepEqual(families.map((f) => f.name).sort(), KEPT);
  const value = (name: string) => families.find((f) => f.name === name)?.values[0]?.value;
  assert.ok(Number(value("process_resident_memory_bytes")) > 1024 * 1024, "RSS read at scrape");
  assert.ok(Number(value("process_open_fds")) > 0, "fds read at scrape");
  assert.equal(value("nodejs_version_info"), 1);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /nodejs_eventloop_lag|nodejs_gc_duration|nodejs_active_|heap_space/);
});

Deno.test("two registries side by side do not clash (each registers its own metrics)", async () => {
  const a = newRegistry();
  const b = newRegistry();
  assert.match(await a.metrics(), /^process_cpu_seconds_total \d/m);
  assert.match(await b.metrics(), /^process_cpu_seconds_total \d/m);
});
