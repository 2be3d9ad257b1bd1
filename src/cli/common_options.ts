/** Options shared by several commands, each settable by a GATEWAY_* environment variable. */
import { Option } from "commander";
import { LOG_LEVELS } from "../util/log.ts";
import { InvalidArgumentError } from "commander";
import { parseBrokers } from "../kafka/client.ts";
import { httpUrl, oneOf } from "./option_values.ts";

export const DEFAULTS = {
  brokers: "127.0.0.1:9092",
  topic: "sensortag-avro",
  registry: "http://127.0.0.1:8081",
  mongo: "mongodb://127.0.0.1:27017",
  database: "connect-db",
} as const;

export function brokersOption(): Option {
  return new Option("--brokers <list>", "Kafka bootstrap brokers, host:port[,host:port...]")
    .env("GATEWAY_BROKERS").default(DEFAULTS.brokers).argParser((value: string) => {
      try {
        parseBrokers(value); // checked here, so a bad list is a usage error (exit 2)
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
      return value;
    });
}

export function registryOption(): Option {
  return new Option(
    "--registry <url>",
    "Schema Registry URL (Confluent, or Apicurio: its /apis/ccompat/v7 API is found from the host URL)",
  ).env("GATEWAY_REGISTRY").default(DEFAULTS.registry).argParser(httpUrl("--registry"));
}

export function logOptions(): Option[] {
  return [
    new Option("--log-level <level>", "debug, info, warn or error").env("GATEWAY_LOG_LEVEL")
      .default("info").argParser(oneOf("--log-level", LOG_LEVELS)),
    new Option("--log-format <format>", "text (logfmt) or json").env("GATEWAY_LOG_FORMAT")
      .default("text").argParser(oneOf("--log-format", ["text", "json"] as const)),
  ];
}
