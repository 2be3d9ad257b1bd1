/**
 * A Prometheus registry with the process metrics that cost nothing between scrapes.
 *
 * prom-client's `collectDefaultMetrics` also starts work that runs whether or not anyone scrapes:
 * `nodejs_eventloop_lag_*` keeps a `monitorEventLoopDelay` histogram sampling every 10 ms and
 * `nodejs_gc_duration_seconds` a GC `PerformanceObserver`. On a Raspberry Pi with 8 tags read
 * every 10 s that is CPU and memory spent between readings for nothing (issue 10). The active
 * handles/requests/resources gauges are read at scrape time but always 0 or empty in Deno's Node
 * layer, and the heap-space gauges add a dozen series nobody here charts: left out too.
 *
 * So only prom-client's own metric modules whose values are read at scrape time (a `collect()`
 * that reads `process.cpuUsage()`, `/proc/self/status`, `/proc/self/fd`, `process.memoryUsage()`)
 * are registered, under their standard names: `process_cpu_user_seconds_total`,
 * `process_cpu_system_seconds_total`, `process_cpu_seconds_total`, `process_start_time_seconds`,
 * `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_heap_bytes`,
 * `process_open_fds`, `process_max_fds`, `nodejs_heap_size_total_bytes`,
 * `nodejs_heap_size_used_bytes`, `nodejs_external_memory_bytes` and `nodejs_version_info`.
 * Dropped: `nodejs_eventloop_lag_*`, `nodejs_gc_duration_seconds`, `nodejs_active_*` and
 * `nodejs_heap_space_size_*`.
 */
import { Registry } from "prom-client";
import heapSizeAndUsed from "prom-client/lib/metrics/heapSizeAndUsed.js";
import osMemoryHeap from "prom-client/lib/metrics/osMemoryHeap.js";
import processCpuTotal from "prom-client/lib/metrics/processCpuTotal.js";
import processMaxFileDescriptors from "prom-client/lib/metrics/processMaxFileDescriptors.js";
import processOpenFileDescriptors from "prom-client/lib/metrics/processOpenFileDescriptors.js";
import processStartTime from "prom-client/lib/metrics/processStartTime.js";
import version from "prom-client/lib/metrics/version.js";

/** What each of prom-client's metric modules takes (`lib/metrics/*.js` ship no types). */
type MetricModule = (registry: Registry, config: { prefix?: string }) => void;

/** Collect-on-scrape only: none of these starts a timer, an observer or a sampler. */
const SCRAPE_TIME_METRICS: readonly MetricModule[] = [
  processCpuTotal,
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  heapSizeAndUsed,
  version,
];

/** A new registry holding the scrape-time process metrics (see the module comment). */
export function newRegistry(): Registry {
  const registry = new Registry();
  for (const register of SCRAPE_TIME_METRICS) register(registry, {});
  return registry;
}
