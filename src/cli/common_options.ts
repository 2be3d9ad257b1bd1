/** Options shared by several commands, each settable by a GATEWAY_* environment variable. */
import { Option } from "commander";
import { LOG_LEVELS, type Logger } from "../util/log.ts";
import { parseBrokers } from "../kafka/client.ts";
import { httpUrl, oneOf } from "./option_values.ts";
import { type OptionSpec, toOption } from "../config/option_spec.ts";
import {
  KAFKA_SECURITY_KEYS,
  KAFKA_SECURITY_OPTIONS,
  type KafkaSecurity,
  kafkaSecurityFromFlags,
  type KafkaSecurityInput,
  resolveKafkaSecurity,
} from "../config/kafka_security.ts";
import { loadKafkaClientConfig } from "../config/kafka_client_config.ts";
import {
  REGISTRY_AUTH_OPTIONS,
  type RegistryAuth,
  resolveRegistryAuth,
} from "../config/registry_auth.ts";
import { UsageError } from "./usage_error.ts";

export const DEFAULTS = {
  brokers: "127.0.0.1:9092",
  topic: "sensortag-avro",
  registry: "http://127.0.0.1:8081",
} as const;

/** `--brokers`: the Kafka bootstrap brokers, checked when given (a bad list exits 2). */
export const BROKERS_OPTION = {
  flag: "--brokers <list>",
  env: "GATEWAY_BROKERS",
  help: "Kafka bootstrap brokers, host:port[,host:port...]",
  default: DEFAULTS.brokers as string,
  parse: (value: string): string => {
    parseBrokers(value); // checked here, so a bad list is a usage error (exit 2)
    return value;
  },
} satisfies OptionSpec<string>;

/** `--registry`: the Schema Registry's URL. */
export const REGISTRY_OPTION = {
  flag: "--registry <url>",
  env: "GATEWAY_REGISTRY",
  help:
    "Schema Registry URL (Confluent, or Apicurio: its /apis/ccompat/v7 API is found from the host URL)",
  default: DEFAULTS.registry as string,
  parse: httpUrl("--registry"),
} satisfies OptionSpec<string>;

export function brokersOption(): Option {
  return toOption(BROKERS_OPTION);
}

export function registryOption(): Option {
  return toOption(REGISTRY_OPTION);
}

export function logOptions(): Option[] {
  return [
    new Option("--log-level <level>", "debug, info, warn or error").env("GATEWAY_LOG_LEVEL")
      .default("info").argParser(oneOf("--log-level", LOG_LEVELS)),
    new Option("--log-format <format>", "text (logfmt) or json").env("GATEWAY_LOG_FORMAT")
      .default("text").argParser(oneOf("--log-format", ["text", "json"] as const)),
  ];
}

/** Kafka TLS/SASL options (`--security-protocol`, `--sasl-*`, `--ssl-*`, `--kafka-config`). */
export function kafkaSecurityOptions(): Option[] {
  return Object.values(KAFKA_SECURITY_OPTIONS).map((spec) => toOption<string>(spec));
}

/** Schema Registry credential options (`--registry-user-info`, `--registry-bearer-token`, `--registry-ca`). */
export function registryAuthOptions(): Option[] {
  return Object.values(REGISTRY_AUTH_OPTIONS).map((spec) => toOption<string>(spec));
}

/** A command's Kafka security: its flags over `--kafka-config` over `fileInputs` (first wins). */
export async function commandKafkaSecurity(
  values: Record<string, unknown>,
  log: Logger,
  fileInputs: { input: KafkaSecurityInput; origin: string }[] = [],
): Promise<{ security: KafkaSecurity; brokers?: string }> {
  const flags = kafkaSecurityFromFlags(
    Object.fromEntries(
      Object.entries(KAFKA_SECURITY_KEYS).map(([k, key]) => [k, values[key] as string | undefined]),
    ),
  );
  const layers = [...fileInputs];
  const path = values[KAFKA_SECURITY_KEYS.kafkaConfig] as string | undefined;
  if (path) {
    let config;
    try {
      config = await loadKafkaClientConfig(path);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    for (const w of config.warnings) log.warn(`${path}: ${w}`);
    layers.unshift({ input: config.input, origin: `--kafka-config ${path}` });
  }
  // Earlier layers win: fold from the last.
  let file: KafkaSecurityInput = {};
  for (const layer of [...layers].reverse()) file = { ...file, ...layer.input };
  try {
    const security = resolveKafkaSecurity(
      flags,
      file,
      layers.map((l) => l.origin).join(", ") || undefined,
    );
    return { security, brokers: file.brokers };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A command's registry credentials from its flags (over `file`). */
export function commandRegistryAuth(
  values: Record<string, unknown>,
  file?: RegistryAuth,
): RegistryAuth {
  return resolveRegistryAuth({
    userInfo: values.registryUserInfo as string | undefined,
    bearerToken: values.registryBearerToken as string | undefined,
    caFile: values.registryCa as string | undefined,
  }, file);
}
