/** A Prometheus registry with prom-client's process metrics (CPU, memory, event loop, fds). */
import { collectDefaultMetrics, Registry } from "prom-client";

export function newRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
