import { deepEqual, equal, match, throws } from "node:assert/strict";
import {
  apicurioV2Url,
  connectGroup,
  connectJvmArgs,
  connectorProperties,
  type ConnectRunSpec,
  log4jConfig,
  workerProperties,
} from "../../scripts/bench/connect_config.ts";

const SPEC: ConnectRunSpec = {
  name: "bench-x-4",
  brokers: "127.0.0.1:9092",
  topic: "bench-sink-x",
  tasks: 3,
  format: "json",
  writeModel: "insert",
  mongoUri: "mongodb://127.0.0.1:27017",
  database: "connect-db",
  collection: "bench_sink_x_4",
  maxBatch: 100,
  registryUrl: "http://127.0.0.1:8081/",
  pluginPath: "/cache/plugins",
  offsetsFile: "/tmp/w/connect.offsets",
  offsetFlushMs: 1000,
};

Deno.test("bench connect config: JSON values use JsonConverter without schemas", () => {
  const w = workerProperties(SPEC);
  equal(w["value.converter"], "org.apache.kafka.connect.json.JsonConverter");
  equal(w["value.converter.schemas.enable"], false);
  equal(w["key.converter"], "org.apache.kafka.connect.storage.StringConverter");
  equal(w["plugin.path"], "/cache/plugins");
  equal(w["offset.flush.interval.ms"], 1000);
  equal(w["bootstrap.servers"], "127.0.0.1:9092");
});

Deno.test("bench connect config: Avro uses Apicurio's converter, Confluent ids via the v2 API", () => {
  const w = workerProperties({ ...SPEC, format: "avro" });
  equal(w["value.converter"], "io.apicurio.registry.utils.converter.AvroConverter");
  equal(w["value.converter.apicurio.registry.url"], "http://127.0.0.1:8081/apis/registry/v2");
  equal(w["value.converter.apicurio.registry.as-confluent"], true);
  equal(w["value.converter.apicurio.registry.use-id"], "contentId");
  equal(w["value.converter.schemas.enable"], undefined);
  equal(apicurioV2Url("http://r:1"), "http://r:1/apis/registry/v2");
});

Deno.test("bench connect config: insert mode sets InsertOne, the default write model sets none", () => {
  const insert = connectorProperties(SPEC);
  equal(
    insert["writemodel.strategy"],
    "com.mongodb.kafka.connect.sink.writemodel.strategy.InsertOneDefaultStrategy",
  );
  deepEqual(
    [insert["tasks.max"], insert["max.batch.size"], insert.topics, insert.collection],
    [3, 100, "bench-sink-x", "bench_sink_x_4"],
  );
  equal(insert["connector.class"], "com.mongodb.kafka.connect.MongoSinkConnector");
  const def = connectorProperties({ ...SPEC, writeModel: "default" });
  equal("writemodel.strategy" in def, false);
  equal("document.id.strategy" in def, false);
});

Deno.test("bench connect config: bad names and counts are refused", () => {
  throws(() => connectorProperties({ ...SPEC, name: "a b" }), /bad connector name/);
  throws(() => workerProperties({ ...SPEC, tasks: 0 }), /tasks must be a positive integer/);
  throws(() => connectorProperties({ ...SPEC, maxBatch: 1.5 }), /maxBatch/);
  throws(() => workerProperties({ ...SPEC, offsetFlushMs: 0 }), /offsetFlushMs/);
});

Deno.test("bench connect config: the group is connect-<name>; JVM args end in the main class", () => {
  equal(connectGroup("bench-x-4"), "connect-bench-x-4");
  const args = connectJvmArgs({
    libs: "/c/libs",
    log4jFile: "/w/log4j2.properties",
    workerFile: "/w/worker.properties",
    connectorFile: "/w/connector.properties",
  });
  deepEqual(args.slice(-5), [
    "-cp",
    "/c/libs/*",
    "org.apache.kafka.connect.cli.ConnectStandalone",
    "/w/worker.properties",
    "/w/connector.properties",
  ]);
  equal(args.includes("-Dlog4j2.configurationFile=/w/log4j2.properties"), true);
});

Deno.test("bench connect config: Log4j writes WARN and above to the file", () => {
  const text = log4jConfig("/w/connect.log");
  match(text, /^appender\.file\.fileName = \/w\/connect\.log$/m);
  match(text, /^rootLogger\.level = warn$/m);
  throws(() => log4jConfig("/w/a\nb"), /line break/);
});
