/** The services this tool manages, in start order. */
export const SERVICE_NAMES = ["kafka", "registry", "mongo"] as const;

/** One managed service: `kafka` (Apache Kafka), `registry` (Apicurio Registry), `mongo` (FerretDB). */
export type ServiceName = typeof SERVICE_NAMES[number];

/** True when `value` names a managed service. */
export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/**
 * The requested services, deduplicated, in canonical order; all of them when none is given.
 * Throws on an unknown name, listing the known ones.
 */
export function selectServices(names: readonly string[] = []): ServiceName[] {
  for (const name of names) {
    if (!isServiceName(name)) {
      throw new Error(
        `unknown service "${name}": expected one of ${SERVICE_NAMES.join(", ")}`,
      );
    }
  }
  if (names.length === 0) return [...SERVICE_NAMES];
  return SERVICE_NAMES.filter((name) => names.includes(name));
}
