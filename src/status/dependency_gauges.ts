/** `gateway_kafka_up` and `gateway_registry_up`, read from the readiness probes at each scrape. */
import { Gauge, type Registry } from "prom-client";
import type { Readiness } from "./readiness.ts";

/** Registers the dependency gauges both commands export (the registry's only when it is probed). */
export function registerDependencyGauges(registry: Registry, readiness: Readiness): void {
  const registers = [registry];
  new Gauge({
    name: "gateway_kafka_up",
    help: "1 when Kafka answered the last probe, else 0",
    registers,
    collect() {
      this.set(readiness.up("kafka") ? 1 : 0);
    },
  });
  if (readiness.checks.has("registry")) {
    new Gauge({
      name: "gateway_registry_up",
      help: "1 when the schema registry answered the last probe, else 0",
      registers,
      collect() {
        this.set(readiness.up("registry") ? 1 : 0);
      },
    });
  }
}
