import assert from "node:assert/strict";
import { sinkSettingsFromProperties } from "../src/sink/config/connector_properties.ts";

Deno.test("a connector properties file in its original form gives the sink's settings", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    "# the original deployment",
    "name=mongo-sink",
    "connector.class=com.datamountaineer.streamreactor.connect.mongodb.sink.MongoSinkConnector",
    "tasks.max=1",
    "topics=sensortag-avro",
    "connect.mongo.sink.kcql=INSERT INTO sensortag \\",
    "    SELECT * FROM sensortag-avro",
    "connect.mongo.database : connect-db",
    "connect.mongo.connection=mongodb://mongo:27017",
    "connect.mongo.sink.batch.size=250",
    "connect.mongo.error.policy=retry",
    "connect.mongo.max.retries=5",
    "connect.mongo.retry.interval=1000",
    "connect.mongo.json_datetime_fields=at, meta.when",
    "value.converter=io.confluent.connect.avro.AvroConverter",
    "value.converter.schema.registry.url=http://registry:8081/",
    "errors.deadletterqueue.topic.name=sensortag-dlq",
  ].join("\n"));
  assert.deepEqual(settings, {
    kcql: "INSERT INTO sensortag SELECT * FROM sensortag-avro",
    database: "connect-db",
    mongoUri: "mongodb://mongo:27017",
    username: undefined,
    password: undefined,
    batchSize: 250,
    maxRetries: 5,
    retryIntervalMs: 1000,
    name: "mongo-sink",
    registryUrl: "http://registry:8081",
    deadLetterTopic: "sensortag-dlq",
    errorPolicy: "RETRY",
    jsonDatetimeFields: ["at", "meta.when"],
    topics: ["sensortag-avro"],
  });
  assert.deepEqual(warnings, []);
});

Deno.test("newer key names are accepted, and an old and a new alias that disagree are an error naming both", () => {
  const { settings } = sinkSettingsFromProperties("connect.mongo.kcql=INSERT INTO a SELECT * FROM b\nconnect.mongo.db=x\n");
  assert.equal(settings.kcql, "INSERT INTO a SELECT * FROM b");
  assert.equal(settings.database, "x");
  assert.throws(
    () => sinkSettingsFromProperties("connect.mongo.db=x\nconnect.mongo.database=y\n"),
    /connect\.mongo\.db=x and connect\.mongo\.database=y/,
  );
});

Deno.test("keys that make no sense here are reported once each, never silently ignored", () => {
  const { warnings } = sinkSettingsFromProperties([
    "tasks.max=4",
    "connect.progress.enabled=true",
    "consumer.override.max.poll.records=10",
  ].join("\n"));
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /tasks\.max=4.*same --group/);
  assert.match(warnings[1], /connect\.progress\.enabled .*no meaning for gateway sink/);
  assert.match(warnings[2], /consumer\.override\.max\.poll\.records/);
});

Deno.test("bad values are errors naming the key", () => {
  assert.throws(() => sinkSettingsFromProperties("connect.mongo.error.policy=IGNORE"), /connect\.mongo\.error\.policy=IGNORE/);
  assert.throws(() => sinkSettingsFromProperties("connect.mongo.max.retries=lots"), /max\.retries.*lots/);
  assert.throws(() => sinkSettingsFromProperties("connect.mongo.auth.mechanism=MAGIC"), /MAGIC/);
});
