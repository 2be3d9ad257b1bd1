/**
 * `--kafka-config <file>`: a Kafka client properties file in the Java client's keys, the file
 * Kafka's own tools take as `--command-config` (and Confluent Cloud's "client.properties").
 */
import { resolve } from "node:path";
import { decodeLatin1, parseJavaProperties } from "./java_properties.ts";
import { kafkaSecurityFromProperties, type KafkaSecurityInput } from "./kafka_security.ts";

/** Client keys that mean nothing for a gateway's own clients, and are quietly accepted. */
const CLIENT_KEYS_IGNORED =
  /^(client\.dns\.lookup|session\.timeout\.ms|acks|client\.id|request\.timeout\.ms|retries|retry\.backoff\.ms|linger\.ms|basic\.auth\.|schema\.registry\.)/;

/** What a client properties file says. */
export interface KafkaClientConfig {
  input: KafkaSecurityInput;
  warnings: string[];
}

/** Reads `path`; every problem is in one Error that names the file. */
export async function loadKafkaClientConfig(path: string): Promise<KafkaClientConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new Error(`--kafka-config: cannot read ${resolve(path)}: ${(error as Error).message}`);
  }
  const { values } = parseJavaProperties(decodeLatin1(bytes));
  return kafkaClientConfigFromMap(values, path);
}

/** The same, from keys and values already read. */
export function kafkaClientConfigFromMap(
  values: ReadonlyMap<string, string>,
  path: string,
): KafkaClientConfig {
  const result = kafkaSecurityFromProperties(values, path);
  if (result.problems.length > 0) throw new Error(result.problems.join("\n"));
  const warnings = [...result.warnings];
  for (const key of values.keys()) {
    if (result.used.has(key) || CLIENT_KEYS_IGNORED.test(key)) continue;
    warnings.push(`${key}: not a security setting a gateway reads from --kafka-config; not used`);
  }
  return { input: result.input, warnings };
}
