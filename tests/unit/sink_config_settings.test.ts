import assert from "node:assert/strict";
import { loadSinkConfigFile } from "../../src/sink/config/connector_properties.ts";
import { mongoClientOptions } from "../../src/sink/config/mongo_options.ts";
import {
  SinkConfigError,
  sinkSettingsFromProperties,
} from "../../src/sink/config/sink_settings.ts";

const BASE = [
  "connect.mongo.kcql=INSERT INTO sensortag SELECT * FROM sensortag-avro",
  "connect.mongo.db=connect-db",
  "connect.mongo.connection=mongodb://mongo:27017",
  "topics=sensortag-avro",
];

function problems(text: string, sourcesOf?: (kcql: string) => string[]): string[] {
  try {
    sinkSettingsFromProperties(text, { sourcesOf });
  } catch (e) {
    assert.ok(e instanceof SinkConfigError, `not a SinkConfigError: ${e}`);
    return e.problems;
  }
  throw new assert.AssertionError({ message: "no error" });
}

Deno.test("the original connector's properties file gives the sink's settings, with no warnings", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    "# The MongoDB sink of the original deployment",
    "name=mongo-sink-sensortag",
    "connector.class=com.datamountaineer.streamreactor.connect.mongodb.sink.MongoSinkConnector",
    "tasks.max=1",
    "topics=sensortag-avro",
    "connect.mongo.sink.kcql=INSERT INTO sensortag \\",
    "    SELECT * FROM sensortag-avro",
    "connect.mongo.database : connect-db",
    "connect.mongo.connection=mongodb://mongo:27017",
    "connect.mongo.sink.batch.size=250",
    "key.converter=org.apache.kafka.connect.storage.StringConverter",
    "value.converter=io.confluent.connect.avro.AvroConverter",
    "value.converter.schema.registry.url=http://registry:8081/",
  ].join("\n"));
  assert.deepEqual(settings, {
    kcql: "INSERT INTO sensortag SELECT * FROM sensortag-avro",
    database: "connect-db",
    mongoUri: "mongodb://mongo:27017",
    batchSize: 250,
    errorPolicy: "THROW",
    maxRetries: 20,
    retryIntervalMs: 60000,
    jsonDatetimeFields: [],
    topics: ["sensortag-avro"],
    name: "mongo-sink-sensortag",
    registryUrl: "http://registry:8081",
  });
  assert.deepEqual(warnings, []);
});

Deno.test("the Lenses-era keys and the error, retry and dead-letter settings", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    "name=mongo",
    "connector.class=io.lenses.streamreactor.connect.mongodb.sink.MongoSinkConnector",
    "topics=a, b",
    "connect.mongo.kcql=INSERT INTO ca SELECT * FROM a; UPSERT INTO cb SELECT * FROM b PK id",
    "connect.mongo.db=db",
    "connect.mongo.connection=mongodb+srv://cluster.example.net",
    "connect.mongo.batch.size=10",
    "connect.mongo.error.policy=retry",
    "connect.mongo.max.retries=5",
    "connect.mongo.retry.interval= 1000 ",
    "connect.mongo.json_datetime_fields=at, meta.when",
    "errors.tolerance=all",
    "errors.deadletterqueue.topic.name=sensortag-dlq",
  ].join("\n"));
  assert.deepEqual(settings.topics, ["a", "b"]);
  assert.equal(settings.database, "db");
  assert.equal(settings.batchSize, 10);
  assert.equal(settings.errorPolicy, "RETRY");
  assert.equal(settings.maxRetries, 5);
  assert.equal(settings.retryIntervalMs, 1000);
  assert.deepEqual(settings.jsonDatetimeFields, ["at", "meta.when"]);
  assert.equal(settings.deadLetterTopic, "sensortag-dlq");
  assert.deepEqual(warnings, []);
});

Deno.test("the dead-letter topic's replication factor is read as Connect's key, -1 the broker's default", () => {
  const key = "errors.deadletterqueue.topic.replication.factor";
  const three = sinkSettingsFromProperties([...BASE, `${key}=3`].join("\n"));
  assert.equal(three.settings.deadLetterReplicationFactor, 3);
  assert.deepEqual(three.warnings, [], "the key has an effect: no warning");
  const brokerDefault = sinkSettingsFromProperties([...BASE, `${key}=-1`].join("\n"));
  assert.equal(brokerDefault.settings.deadLetterReplicationFactor, undefined);
  assert.deepEqual(brokerDefault.warnings, []);
  assert.equal(
    sinkSettingsFromProperties([...BASE, `${key}=3`].join("\n"), {
      overrides: { deadLetterReplicationFactor: 2 },
    }).settings.deadLetterReplicationFactor,
    2,
    "the flag wins",
  );
  assert.deepEqual(problems([...BASE, `${key}=0`].join("\n")), [
    `${key}=0 is not a whole number of at least 1`,
  ]);
});

Deno.test("an old and a new key that disagree are an error naming both; that agree, a warning", () => {
  const found = problems([...BASE, "connect.mongo.database=other-db"].join("\n"));
  assert.deepEqual(found, [
    "connect.mongo.db=connect-db and connect.mongo.database=other-db set the same thing differently: keep one of them",
  ]);
  const { warnings } = sinkSettingsFromProperties(
    [...BASE, "connect.mongo.database=connect-db"].join("\n"),
  );
  assert.deepEqual(warnings, [
    "connect.mongo.database repeats connect.mongo.db: the older key can be removed",
  ]);
});

Deno.test("the required keys are named when missing, all at once", () => {
  assert.deepEqual(problems("topics=x"), [
    "connect.mongo.kcql is missing: the KCQL statements to run",
    "connect.mongo.db is missing: the MongoDB database to write to",
    "connect.mongo.connection is missing: the MongoDB connection string",
  ]);
});

Deno.test("settings given another way replace the file's, and fill in what it lacks", () => {
  const { settings } = sinkSettingsFromProperties("topics=t\nconnect.mongo.db=file-db", {
    overrides: {
      kcql: "INSERT INTO c SELECT * FROM t",
      mongoUri: "mongodb://localhost:27017",
      database: "flag-db",
      errorPolicy: "NOOP",
    },
  });
  assert.equal(settings.database, "flag-db");
  assert.equal(settings.mongoUri, "mongodb://localhost:27017");
  assert.equal(settings.errorPolicy, "NOOP");
});

Deno.test("bad values are errors naming the key and the value", () => {
  assert.deepEqual(
    problems(
      [
        ...BASE,
        "connect.mongo.error.policy=IGNORE",
        "connect.mongo.max.retries=lots",
        "connect.mongo.retry.interval=-1",
        "connect.mongo.batch.size=0",
      ].join("\n"),
    ),
    [
      "connect.mongo.error.policy=IGNORE is not one of NOOP, THROW, RETRY",
      "connect.mongo.max.retries=lots is not a whole number of at least 0",
      "connect.mongo.retry.interval=-1 is not a whole number of at least 0",
      "connect.mongo.batch.size=0 is not a whole number of at least 1",
    ],
  );
  assert.match(
    problems(BASE.join("\n").replace("mongodb://mongo:27017", "mongo:27017")).join(),
    /connect\.mongo\.connection=mongo:27017 is not a MongoDB connection string/,
  );
});

Deno.test("topics and the KCQL sources must be the same set, as the connector checks", () => {
  assert.deepEqual(problems([...BASE.slice(0, 3), "topics=sensortag-avro, other"].join("\n")), [
    "topics lists other, which no KCQL statement reads (KCQL reads sensortag-avro)",
  ]);
  assert.deepEqual(problems([...BASE.slice(0, 3), "topics=other"].join("\n")), [
    "topics lists other, which no KCQL statement reads (KCQL reads sensortag-avro)",
    "KCQL reads sensortag-avro, which topics does not list (topics: other)",
  ]);
  const { settings, warnings } = sinkSettingsFromProperties(BASE.slice(0, 3).join("\n"));
  assert.deepEqual(settings.topics, ["sensortag-avro"]);
  assert.deepEqual(warnings, [
    "topics is not set: reading the topics the KCQL names (sensortag-avro)",
  ]);
});

Deno.test("invalid KCQL is reported with the parser's pointer to the mistake", () => {
  const found = problems(
    [...BASE.slice(1), "connect.mongo.kcql=INSERT INTO SELECT * FROM t"].join("\n"),
  );
  assert.equal(found.length, 1);
  assert.match(found[0], /^connect\.mongo\.kcql: KCQL/);
  assert.match(found[0], /\^/);
});

Deno.test("a sourcesOf callback can stand in for the KCQL parser", () => {
  const seen: string[] = [];
  const sourcesOf = (kcql: string) => {
    seen.push(kcql);
    return ["from-callback"];
  };
  assert.deepEqual(
    problems(BASE.join("\n"), sourcesOf),
    [
      "topics lists sensortag-avro, which no KCQL statement reads (KCQL reads from-callback)",
      "KCQL reads from-callback, which topics does not list (topics: sensortag-avro)",
    ],
  );
  assert.deepEqual(seen, ["INSERT INTO sensortag SELECT * FROM sensortag-avro"]);
});

Deno.test("keys that mean nothing here are reported once each, never silently ignored", () => {
  const { warnings } = sinkSettingsFromProperties([
    ...BASE,
    "tasks.max=4",
    "connect.progress.enabled=true",
    "connect.progress.enabled=false",
    "consumer.override.max.poll.records=10",
    "connect.mongo.unknown=1",
    "errors.tolerance=none",
    "something.else=1",
  ].join("\n"));
  assert.equal(warnings.length, 7);
  assert.match(
    warnings[0],
    /^connect\.progress\.enabled is given on lines 6, 7: the last one is used/,
  );
  assert.match(
    warnings[1],
    /^tasks\.max=4: a gateway sink is one task; to scale out, run more 'gateway sink' processes with the same consumer group/,
  );
  assert.match(warnings[2], /^connect\.progress\.enabled: a gateway always logs its counters/);
  assert.match(
    warnings[3],
    /^consumer\.override\.max\.poll\.records: Kafka client overrides are not used/,
  );
  assert.match(
    warnings[4],
    /^connect\.mongo\.unknown is not a setting of the MongoDB sink connector/,
  );
  assert.match(
    warnings[5],
    /^errors\.tolerance=none: a gateway does not stop on a record it cannot decode/,
  );
  assert.match(warnings[6], /^something\.else is not a setting/);
});

Deno.test("single message transforms are refused: they would change the documents", () => {
  assert.match(
    problems([...BASE, "transforms=rename", "transforms.rename.type=x"].join("\n")).join(),
    /transforms=rename: single message transforms are not supported/,
  );
});

Deno.test("credentials map to the driver's options, authenticating against the target database", () => {
  const { settings } = sinkSettingsFromProperties([
    ...BASE,
    "connect.mongo.username= writer ",
    "connect.mongo.password=s3cret",
    "connect.mongo.auth.mechanism=scram-sha-256",
  ].join("\n"));
  assert.equal(settings.username, "writer");
  assert.equal(settings.password, "s3cret");
  assert.equal(settings.authMechanism, "SCRAM-SHA-256");
  assert.deepEqual(mongoClientOptions(settings), {
    auth: { username: "writer", password: "s3cret" },
    authMechanism: "SCRAM-SHA-256",
    authSource: "connect-db",
  });
  const plain = sinkSettingsFromProperties(
    [...BASE, "connect.mongo.username=u", "connect.mongo.password=p"].join("\n"),
  );
  assert.equal(plain.settings.authMechanism, undefined, "no mechanism: the driver negotiates");
  assert.deepEqual(mongoClientOptions({}), {});
});

Deno.test("unsupported authentication mechanisms are errors saying why", () => {
  const withMechanism = (m: string) =>
    problems(
      [
        ...BASE,
        "connect.mongo.username=u",
        "connect.mongo.password=p",
        `connect.mongo.auth.mechanism=${m}`,
      ].join("\n"),
    )
      .join();
  assert.match(withMechanism("GSSAPI"), /GSSAPI \(Kerberos\) needs the native kerberos module/);
  assert.match(withMechanism("MONGODB-CR"), /MONGODB-CR was removed in MongoDB 4\.0/);
  assert.match(
    withMechanism("MAGIC"),
    /connect\.mongo\.auth\.mechanism=MAGIC is not one of SCRAM-SHA-1, SCRAM-SHA-256/,
  );
  assert.match(
    problems([...BASE, "connect.mongo.username=u"].join("\n")).join(),
    /connect\.mongo\.username is set but connect\.mongo\.password is not/,
  );
});

Deno.test("X.509 authentication takes its certificate from a PEM keystore and the user from $external", () => {
  const tlsBase = [
    ...BASE.slice(0, 2),
    "connect.mongo.connection=mongodb://mongo:27017/?tls=true",
    BASE[3],
  ];
  const { settings, warnings } = sinkSettingsFromProperties([
    ...tlsBase,
    "connect.mongo.username=CN=gateway",
    "connect.mongo.auth.mechanism=MONGODB-X509",
    "ssl.truststore.type=PEM",
    "ssl.truststore.location=/etc/ssl/ca.pem",
    "ssl.keystore.type=PEM",
    "ssl.keystore.location=/etc/ssl/client.pem",
    "ssl.key.password=keypass",
    "ssl.endpoint.identification.algorithm=",
    "ssl.protocol=TLSv1.3",
  ].join("\n"));
  assert.deepEqual(mongoClientOptions(settings), {
    auth: { username: "CN=gateway" },
    authMechanism: "MONGODB-X509",
    authSource: "$external",
    tlsCAFile: "/etc/ssl/ca.pem",
    tlsCertificateKeyFile: "/etc/ssl/client.pem",
    tlsCertificateKeyFilePassword: "keypass",
    tlsAllowInvalidHostnames: true,
  });
  assert.deepEqual(warnings, ["ssl.protocol: no equivalent in Node's TLS; its defaults are used"]);
  assert.match(
    problems(
      [...tlsBase, "connect.mongo.username=CN=gateway", "connect.mongo.auth.mechanism=MONGODB-X509"]
        .join("\n"),
    )
      .join(),
    /MONGODB-X509 needs a client certificate/,
  );
});

Deno.test("Java key stores cannot be used and say how to convert them; without TLS, ssl keys are not used", () => {
  const tls = sinkSettingsFromProperties([
    ...BASE.slice(0, 2),
    "connect.mongo.connection=mongodb://mongo:27017/?ssl=true",
    BASE[3],
    "ssl.truststore.location=/etc/ssl/truststore.jks",
    "ssl.truststore.password=changeit",
  ].join("\n"));
  assert.equal(tls.settings.tls?.caFile, undefined);
  assert.equal(tls.warnings.length, 1);
  assert.match(
    tls.warnings[0],
    /truststore\.jks is a JKS store, which Node cannot read: export the CA certificate to PEM/,
  );
  const plain = sinkSettingsFromProperties([...BASE, "ssl.truststore.location=/x.pem"].join("\n"));
  assert.equal(plain.settings.tls, undefined);
  assert.match(
    plain.warnings[0],
    /does not enable TLS \(tls=true\), so, as in the connector, they are not used/,
  );
});

Deno.test("registry settings: the first URL, trailing slash dropped, and basic auth user info", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    ...BASE,
    "value.converter=io.confluent.connect.avro.AvroConverter",
    "value.converter.schema.registry.url=http://r1:8081/,http://r2:8081",
    "value.converter.basic.auth.credentials.source=USER_INFO",
    "value.converter.basic.auth.user.info=reader:pw",
    "value.converter.schemas.enable=false",
  ].join("\n"));
  assert.equal(settings.registryUrl, "http://r1:8081");
  assert.equal(settings.registryUserInfo, "reader:pw");
  assert.deepEqual(warnings, ["schema registry: 2 URLs given, the first (http://r1:8081) is used"]);
  const noUrl = sinkSettingsFromProperties(
    [...BASE, "value.converter=io.confluent.connect.avro.AvroConverter"].join("\n"),
  );
  assert.deepEqual(noUrl.warnings, [
    "value.converter is the AvroConverter but value.converter.schema.registry.url is not set",
  ]);
  const other = sinkSettingsFromProperties(
    [...BASE, "value.converter=io.confluent.connect.protobuf.ProtobufConverter"].join("\n"),
  );
  assert.match(other.warnings[0], /ProtobufConverter: values are recognised by their first bytes/);
});

Deno.test("a properties file is read from disk as Kafka Connect reads it, errors naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/mongo-sink.properties`;
    await Deno.writeFile(
      path,
      new TextEncoder().encode(
        [...BASE, "connect.mongo.username=u", "connect.mongo.password=pä"].join("\n"),
      ),
    );
    const { settings, warnings } = await loadSinkConfigFile(path);
    assert.equal(settings.password, "pÃ¤", "UTF-8 bytes read as ISO-8859-1, as Java");
    assert.match(warnings[0], /non-ASCII characters in UTF-8; it is read as ISO-8859-1/);
    await Deno.writeTextFile(path, "topics=x");
    await assert.rejects(loadSinkConfigFile(path), (e: unknown) => {
      assert.match((e as Error).message, new RegExp(`^${path}: `));
      assert.match((e as Error).message, /connect\.mongo\.kcql is missing/);
      return true;
    });
    await assert.rejects(
      loadSinkConfigFile(`${dir}/absent.properties`),
      /cannot read .*absent\.properties/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
