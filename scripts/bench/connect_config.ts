/**
 * Configuration files of one Kafka Connect standalone run of the MongoDB Kafka connector for the
 * sink benchmark (pure): the worker's properties, the connector's properties and a Log4j 2
 * config that keeps Connect's log in a file.
 */
import type { PropertyValue } from "../services/properties.ts";

/** How Connect reads record values: JsonConverter without schemas, or Apicurio's Avro. */
export type ValueFormat = "json" | "avro";

/** How the connector writes: `insert` (InsertOne) or its default (ReplaceOne by `_id`, upsert). */
export type WriteModel = "insert" | "default";

/** Everything one run needs. */
export interface ConnectRunSpec {
  /** Connector name; Connect's consumer group is `connect-<name>`. */
  name: string;
  brokers: string;
  topic: string;
  /** Tasks, one consumer each (one per partition makes sense). */
  tasks: number;
  format: ValueFormat;
  writeModel: WriteModel;
  mongoUri: string;
  database: string;
  collection: string;
  /**
   * Connector `max.batch.size`: writes per bulk call. With the default write model FerretDB 1.24
   * holds a pooled connection per statement, so `maxBatch × tasks` must stay below its pool.
   */
  maxBatch: number;
  /** Registry root (Apicurio); the converter talks to its `/apis/registry/v2`. */
  registryUrl: string;
  /** Connect's `plugin.path`. */
  pluginPath: string;
  /** The worker's offsets file (standalone needs one, even for a sink). */
  offsetsFile: string;
  /** How often the worker commits the sink's consumer offsets. */
  offsetFlushMs: number;
}

/** Consumer group Kafka Connect uses for sink connector `name`. */
export function connectGroup(name: string): string {
  return `connect-${name}`;
}

const NAME = /^[A-Za-z0-9._-]+$/;

function check(spec: ConnectRunSpec): void {
  if (!NAME.test(spec.name)) throw new Error(`connect config: bad connector name "${spec.name}"`);
  for (const [key, n] of [["tasks", spec.tasks], ["maxBatch", spec.maxBatch]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`connect config: ${key} must be a positive integer, got ${n}`);
    }
  }
  if (!Number.isInteger(spec.offsetFlushMs) || spec.offsetFlushMs < 1) {
    throw new Error(`connect config: offsetFlushMs must be a positive integer`);
  }
}

/** The v2 API root of an Apicurio registry given its root URL (trailing slashes ignored). */
export function apicurioV2Url(registryUrl: string): string {
  return `${registryUrl.replace(/\/+$/, "")}/apis/registry/v2`;
}

function converter(spec: ConnectRunSpec): Record<string, PropertyValue> {
  if (spec.format === "json") {
    return {
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": false,
    };
  }
  return {
    "value.converter": "io.apicurio.registry.utils.converter.AvroConverter",
    "value.converter.apicurio.registry.url": apicurioV2Url(spec.registryUrl),
    // Confluent framing: magic byte, then a 4-byte id, which Apicurio's ccompat API hands out
    // as the content id.
    "value.converter.apicurio.registry.as-confluent": true,
    "value.converter.apicurio.registry.use-id": "contentId",
  };
}

/** The worker's properties (`connect-standalone.properties`). Throws on a bad spec. */
export function workerProperties(spec: ConnectRunSpec): Record<string, PropertyValue> {
  check(spec);
  return {
    "bootstrap.servers": spec.brokers,
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    ...converter(spec),
    "offset.storage.file.filename": spec.offsetsFile,
    "offset.flush.interval.ms": spec.offsetFlushMs,
    "plugin.path": spec.pluginPath,
    // Neither plugin ships ServiceLoader manifests: scan (what the default does, minus its warning).
    "plugin.discovery": "only_scan",
    // Any free port: several benchmark runs (or helpers) may run side by side.
    "listeners": "http://127.0.0.1:0",
  };
}

/** The MongoDB sink connector's properties. Throws on a bad spec. */
export function connectorProperties(spec: ConnectRunSpec): Record<string, PropertyValue> {
  check(spec);
  const props: Record<string, PropertyValue> = {
    "name": spec.name,
    "connector.class": "com.mongodb.kafka.connect.MongoSinkConnector",
    "tasks.max": spec.tasks,
    "topics": spec.topic,
    "connection.uri": spec.mongoUri,
    "database": spec.database,
    "collection": spec.collection,
    "max.batch.size": spec.maxBatch,
  };
  if (spec.writeModel === "insert") {
    props["writemodel.strategy"] =
      "com.mongodb.kafka.connect.sink.writemodel.strategy.InsertOneDefaultStrategy";
  }
  // Default write model: nothing to set (ReplaceOneDefaultStrategy, BsonOidStrategy ids, upsert).
  return props;
}

/** Log4j 2 properties config: WARN and above from everything, into `logFile`. */
export function log4jConfig(logFile: string): string {
  if (/[\r\n]/.test(logFile)) throw new Error("connect config: log file path has a line break");
  return [
    "status = warn",
    "appender.file.type = File",
    "appender.file.name = file",
    `appender.file.fileName = ${logFile}`,
    "appender.file.layout.type = PatternLayout",
    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
    "rootLogger.level = warn",
    "rootLogger.appenderRef.file.ref = file",
    "",
  ].join("\n");
}

/**
 * JVM options of `connect-standalone.sh` (heap 256M-2G, kafka-run-class's G1 settings), then the
 * classpath and `ConnectStandalone` with the two properties files.
 */
export function connectJvmArgs(o: {
  libs: string;
  log4jFile: string;
  workerFile: string;
  connectorFile: string;
}): string[] {
  return [
    "-Xms256M",
    "-Xmx2G",
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${o.log4jFile}`,
    "-cp",
    `${o.libs}/*`,
    "org.apache.kafka.connect.cli.ConnectStandalone",
    o.workerFile,
    o.connectorFile,
  ];
}
