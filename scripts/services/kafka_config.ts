/** Configuration of the single-node KRaft Kafka broker (pure). */
import { Buffer } from "node:buffer";
import type { PropertyValue } from "./properties.ts";

/** Where and how the broker listens and stores. */
export interface KafkaLayout {
  host: string;
  port: number;
  controllerPort: number;
  nodeId: number;
  logDir: string;
  partitions: number;
  /** Extra listeners (name://host:port), their protocol map entries and their settings. */
  secured?: {
    listeners: string[];
    protocolMap: string[];
    entries: Record<string, PropertyValue>;
  };
}

/** The defaults: PLAINTEXT on 127.0.0.1:9092, controller on 127.0.0.1:9093. */
export const KAFKA_DEFAULTS: Omit<KafkaLayout, "logDir"> = {
  host: "127.0.0.1",
  port: 9092,
  controllerPort: 9093,
  nodeId: 1,
  partitions: 3,
};

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`kafka config: ${name} must be a port number 1..65535, got ${port}`);
  }
}

/**
 * `server.properties` of a combined broker+controller node whose KRaft quorum is itself
 * (formatted `--standalone`), tuned for tests: one replica of everything, no rebalance delay,
 * topics created on first use.
 */
export function kafkaServerProperties(layout: KafkaLayout): Record<string, PropertyValue> {
  checkPort("port", layout.port);
  checkPort("controllerPort", layout.controllerPort);
  if (layout.port === layout.controllerPort) {
    throw new Error(`kafka config: port and controllerPort are both ${layout.port}`);
  }
  if (!Number.isInteger(layout.nodeId) || layout.nodeId < 0) {
    throw new Error(`kafka config: nodeId must be a non-negative integer, got ${layout.nodeId}`);
  }
  if (!Number.isInteger(layout.partitions) || layout.partitions < 1) {
    throw new Error(`kafka config: partitions must be >= 1, got ${layout.partitions}`);
  }
  if (layout.logDir.length === 0) throw new Error("kafka config: logDir is empty");
  const { host, port, controllerPort } = layout;
  const extra = layout.secured;
  const more = (list: string[] | undefined) => (list && list.length ? `,${list.join(",")}` : "");
  return {
    "process.roles": "broker,controller",
    "node.id": layout.nodeId,
    "controller.quorum.bootstrap.servers": `${host}:${controllerPort}`,
    "listeners": `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}` +
      more(extra?.listeners),
    "advertised.listeners": `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}` +
      more(extra?.listeners),
    "inter.broker.listener.name": "PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT" +
      more(extra?.protocolMap),
    "log.dirs": layout.logDir,
    "num.partitions": layout.partitions,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "auto.create.topics.enable": true,
    "delete.topic.enable": true,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 3,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 3,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 2,
    "log.retention.hours": 168,
    "log.segment.bytes": 64 * 1024 * 1024,
    "log.retention.check.interval.ms": 300000,
    "controlled.shutdown.enable": true,
    ...extra?.entries,
  };
}

/** Log4j 2 config: everything to the console (the service log file), Kafka's chatter trimmed. */
export function kafkaLog4j2Properties(): Record<string, PropertyValue> {
  return {
    "status": "warn",
    "name": "gateway-kafka",
    "appender.console.type": "Console",
    "appender.console.name": "STDOUT",
    "appender.console.layout.type": "PatternLayout",
    "appender.console.layout.pattern": "[%d] %p %m (%c)%n",
    "rootLogger.level": "INFO",
    "rootLogger.appenderRef.stdout.ref": "STDOUT",
    "logger.kafka.name": "kafka",
    "logger.kafka.level": "INFO",
    "logger.apache.name": "org.apache.kafka",
    "logger.apache.level": "INFO",
    "logger.request.name": "kafka.request.logger",
    "logger.request.level": "WARN",
    "logger.controller.name": "kafka.controller",
    "logger.controller.level": "INFO",
    "logger.cleaner.name": "kafka.log.LogCleaner",
    "logger.cleaner.level": "WARN",
    "logger.state.name": "state.change.logger",
    "logger.state.level": "WARN",
    "logger.authorizer.name": "kafka.authorizer.logger",
    "logger.authorizer.level": "WARN",
    // every config class dumps all its values at INFO on each start: thousands of lines
    "logger.configdump.name": "org.apache.kafka.common.config.AbstractConfig",
    "logger.configdump.level": "WARN",
  };
}

/**
 * A KRaft cluster id from 16 random bytes: URL-safe base64 without padding, as Kafka's
 * `Uuid.toString()`. Like `Uuid.randomUuid()`, refuses ids Kafka reserves or rejects
 * (all-zero, the metadata topic id 0..01, a leading '-').
 */
export function kafkaClusterId(bytes: Uint8Array): string {
  if (bytes.length !== 16) {
    throw new Error(`kafka cluster id: need 16 random bytes, got ${bytes.length}`);
  }
  const reserved = bytes.slice(0, 15).every((b) => b === 0) && bytes[15] <= 1;
  if (reserved) throw new Error("kafka cluster id: bytes form a reserved Kafka Uuid");
  const id = Buffer.from(bytes).toString("base64url");
  if (id.startsWith("-")) throw new Error(`kafka cluster id: "${id}" starts with '-'`);
  return id;
}

/** A fresh valid cluster id (retries the rare rejected draw). */
export function randomKafkaClusterId(random: (n: number) => Uint8Array = randomBytes): string {
  for (;;) {
    try {
      return kafkaClusterId(random(16));
    } catch {
      // draw again: Kafka does the same
    }
  }
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** JVM options for the broker: small heap, G1, our log4j2 config. */
export function kafkaJvmOptions(log4jConfigFile: string): string[] {
  return [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jConfigFile}`,
    // keep logging alive while the broker shuts down cleanly on SIGTERM
    "-Dlog4j2.shutdownHookEnabled=false",
  ];
}
