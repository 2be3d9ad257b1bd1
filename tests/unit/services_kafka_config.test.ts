import { deepEqual, match, throws } from "node:assert/strict";
import {
  KAFKA_DEFAULTS,
  kafkaClusterId,
  kafkaJvmOptions,
  kafkaServerProperties,
  randomKafkaClusterId,
} from "../../scripts/services/kafka_config.ts";

const layout = { ...KAFKA_DEFAULTS, logDir: "/state/kafka/data" };

Deno.test("services kafka config: one combined KRaft node on loopback 9092, controller 9093", () => {
  const p = kafkaServerProperties(layout);
  deepEqual(p["process.roles"], "broker,controller");
  deepEqual(p["listeners"], "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
  deepEqual(p["controller.quorum.bootstrap.servers"], "127.0.0.1:9093");
  deepEqual(p["controller.listener.names"], "CONTROLLER");
  deepEqual(p["inter.broker.listener.name"], "PLAINTEXT");
  deepEqual(p["log.dirs"], "/state/kafka/data");
  deepEqual("controller.quorum.voters" in p, false, "standalone format forbids static voters");
});

Deno.test("services kafka config: test-friendly settings (one replica, no delay, auto-create)", () => {
  const p = kafkaServerProperties(layout);
  deepEqual(p["auto.create.topics.enable"], true);
  deepEqual(p["num.partitions"], 3);
  deepEqual(p["offsets.topic.replication.factor"], 1);
  deepEqual(p["transaction.state.log.replication.factor"], 1);
  deepEqual(p["transaction.state.log.min.isr"], 1);
  deepEqual(p["share.coordinator.state.topic.replication.factor"], 1);
  deepEqual(p["group.initial.rebalance.delay.ms"], 0);
});

Deno.test("services kafka config: bad ports, node id, partitions and log dir are refused", () => {
  throws(() => kafkaServerProperties({ ...layout, port: 0 }), /port must be a port/);
  throws(
    () => kafkaServerProperties({ ...layout, controllerPort: 9092 }),
    /port and controllerPort are both 9092/,
  );
  throws(() => kafkaServerProperties({ ...layout, nodeId: -1 }), /nodeId/);
  throws(() => kafkaServerProperties({ ...layout, partitions: 0 }), /partitions/);
  throws(() => kafkaServerProperties({ ...layout, logDir: "" }), /logDir is empty/);
});

Deno.test("services kafka config: cluster id is Kafka's Uuid text (22 chars base64url)", () => {
  const bytes = new Uint8Array(16).map((_, i) => i * 17);
  deepEqual(kafkaClusterId(bytes), "ABEiM0RVZneImaq7zN3u_w");
  match(randomKafkaClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});

Deno.test("services kafka config: reserved or '-'-leading ids are refused and redrawn", () => {
  throws(() => kafkaClusterId(new Uint8Array(16)), /reserved/);
  const metadataTopicId = new Uint8Array(16);
  metadataTopicId[15] = 1;
  throws(() => kafkaClusterId(metadataTopicId), /reserved/);
  const dash = new Uint8Array(16).fill(7);
  dash[0] = 0xf8; // top six bits 62 -> '-'
  throws(() => kafkaClusterId(dash), /starts with '-'/);
  throws(() => kafkaClusterId(new Uint8Array(15)), /need 16 random bytes, got 15/);
  const draws = [dash, new Uint8Array(16), new Uint8Array(16).fill(9)];
  deepEqual(
    randomKafkaClusterId(() => draws.shift()!),
    kafkaClusterId(new Uint8Array(16).fill(9)),
  );
});

Deno.test("services kafka config: JVM gets a small heap and our log4j2 file", () => {
  const opts = kafkaJvmOptions("/state/kafka/log4j2.properties");
  deepEqual(opts.includes("-Xmx512m"), true);
  deepEqual(opts.includes("-Dlog4j2.configurationFile=/state/kafka/log4j2.properties"), true);
});
