/**
 * The Kafka security settings, pure: Java client keys (sasl.jaas.config, trust and key stores,
 * host name checks), flags over files, the checks that catch a half-given configuration, the
 * kafkajs options they make, and the connector file's top-level and consumer.override.* keys.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  kafkaJsSecurity,
  kafkaSecurityFromProperties,
  parseJaasConfig,
  resolveKafkaSecurity,
} from "../../src/config/kafka_security.ts";
import { kafkaClientConfigFromMap } from "../../src/config/kafka_client_config.ts";
import { sinkSettingsFromProperties } from "../../src/sink/config/sink_settings.ts";
import { SinkConfigError } from "../../src/sink/config/sink_settings.ts";
import { redact } from "../../src/util/redact.ts";

const props = (o: Record<string, string>) => new Map(Object.entries(o));

Deno.test("sasl.jaas.config: PlainLoginModule and ScramLoginModule give user and password; bad ones say why without the value", () => {
  assert.deepEqual(
    parseJaasConfig(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="gw" password="p\\"w";',
    ),
    { module: "plain", username: "gw", password: 'p"w' },
  );
  assert.deepEqual(
    parseJaasConfig(
      "org.apache.kafka.common.security.scram.ScramLoginModule required\n username=gw password=s3cret-x;",
    ),
    { module: "scram", username: "gw", password: "s3cret-x" },
  );
  assert.deepEqual(
    parseJaasConfig(
      "org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY1' password='se cret';",
    ),
    { module: "plain", username: "KEY1", password: "se cret" },
  );
  const missing = parseJaasConfig(
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="gw";',
  );
  assert.ok("problem" in missing && /needs username=.* and password=/.test(missing.problem));
  const kerberos = parseJaasConfig(
    'com.sun.security.auth.module.Krb5LoginModule required keyTab="/k" password="hunter2x";',
  );
  assert.ok("problem" in kerberos && /not supported/.test(kerberos.problem));
  assert.ok(!JSON.stringify(kerberos).includes("hunter2x"));
  const noSemicolon = parseJaasConfig(
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b"',
  );
  assert.ok("problem" in noSemicolon && /end with ';'/.test(noSemicolon.problem));
});

Deno.test("a client properties file: protocol, mechanism, JAAS, PEM trust store, inline certificates, no host name check", () => {
  const { input, warnings } = kafkaClientConfigFromMap(
    props({
      "bootstrap.servers": "broker:9095",
      "security.protocol": "sasl_ssl",
      "sasl.mechanism": "SCRAM-SHA-512",
      "sasl.jaas.config":
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="gw" password="pw-1234";',
      "ssl.truststore.location": "/etc/ca.pem",
      "ssl.truststore.type": "PEM",
      "ssl.endpoint.identification.algorithm": "",
      "linger.ms": "5",
      "compression.type": "zstd",
    }),
    "client.properties",
  );
  assert.deepEqual(input, {
    brokers: "broker:9095",
    protocol: "SASL_SSL",
    mechanism: "SCRAM-SHA-512",
    username: "gw",
    password: "pw-1234",
    caFile: "/etc/ca.pem",
    checkHostname: false,
  });
  assert.deepEqual(warnings, [
    "compression.type: not a security setting a gateway reads from --kafka-config; not used",
  ]);
});

Deno.test("JKS and PKCS12 stores: a clear message saying how to export them to PEM", () => {
  const jks = kafkaSecurityFromProperties(
    props({ "ssl.truststore.location": "/etc/kafka/truststore.jks", "ssl.truststore.type": "JKS" }),
    "client.properties",
  );
  assert.equal(jks.problems.length, 1);
  assert.match(jks.problems[0], /is a JKS store/);
  assert.match(jks.problems[0], /keytool -exportcert -rfc -keystore \/etc\/kafka\/truststore.jks/);
  assert.match(jks.problems[0], /ssl.truststore.type=PEM/);
  const p12 = kafkaSecurityFromProperties(
    props({ "ssl.keystore.location": "/etc/client.p12", "ssl.keystore.type": "PKCS12" }),
    "client.properties",
  );
  assert.match(p12.problems[0], /openssl pkcs12 -in \/etc\/client.p12 -out client.pem/);
  assert.throws(
    () =>
      kafkaClientConfigFromMap(
        props({ "ssl.truststore.location": "/nonexistent/store.jks" }),
        "c.properties",
      ),
    /c.properties: ssl.truststore.location=\/nonexistent\/store.jks is a JKS store/,
  );
});

Deno.test("flags override the file; half-given settings are errors naming the missing flag", () => {
  const file = kafkaSecurityFromProperties(
    props({
      "security.protocol": "SASL_SSL",
      "sasl.mechanism": "PLAIN",
      "sasl.jaas.config":
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="file-user" password="file-pass";',
    }),
    "f",
  ).input;
  const merged = resolveKafkaSecurity({ password: "flag-pass", mechanism: "SCRAM-SHA-256" }, file);
  assert.equal(merged.username, "file-user");
  assert.equal(merged.password, "flag-pass");
  assert.equal(merged.mechanism, "SCRAM-SHA-256");
  assert.throws(
    () => resolveKafkaSecurity({ protocol: "SASL_SSL", username: "u", password: "p" }),
    /needs --sasl-mechanism/,
  );
  assert.throws(
    () => resolveKafkaSecurity({ protocol: "SASL_PLAINTEXT", mechanism: "PLAIN", username: "u" }),
    /needs --sasl-password/,
  );
  assert.throws(
    () => resolveKafkaSecurity({ username: "u", password: "p", mechanism: "PLAIN" }),
    /security protocol is PLAINTEXT: set --security-protocol SASL_SSL/,
  );
  assert.throws(() => resolveKafkaSecurity({ caFile: "/ca.pem" }), /set --security-protocol SSL/);
  assert.throws(
    () => resolveKafkaSecurity({ protocol: "SSL", certFile: "/c.pem" }),
    /--ssl-cert needs --ssl-key/,
  );
  assert.equal(resolveKafkaSecurity({}).protocol, "PLAINTEXT");
});

Deno.test("kafkajs options: SASL mechanism names, CA blocks from the file, no host name check when asked", async () => {
  const dir = await Deno.makeTempDir();
  const ca = join(dir, "ca.pem");
  const block = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----";
  await Deno.writeTextFile(ca, `# comment\n${block}\n`);
  const out = kafkaJsSecurity({
    protocol: "SASL_SSL",
    mechanism: "SCRAM-SHA-512",
    username: "gw",
    password: "pw",
    caFile: ca,
    checkHostname: false,
  });
  assert.deepEqual(out.sasl, { mechanism: "scram-sha-512", username: "gw", password: "pw" });
  const ssl = out.ssl as { ca: string[]; checkServerIdentity: () => unknown };
  assert.deepEqual(ssl.ca, [block]);
  assert.equal(ssl.checkServerIdentity(), undefined);
  assert.equal(kafkaJsSecurity({ protocol: "SSL" }).ssl, true);
  assert.deepEqual(kafkaJsSecurity({ protocol: "PLAINTEXT" }), {});
  assert.throws(
    () => kafkaJsSecurity({ protocol: "SSL", caFile: join(dir, "missing.pem") }),
    /cannot read --ssl-ca/,
  );
});

Deno.test("OAUTHBEARER: the token file is read at every authentication, so a refreshed token is used", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "token");
  await Deno.writeTextFile(file, "token-one-abc\n");
  const sec = resolveKafkaSecurity({
    protocol: "SASL_SSL",
    mechanism: "OAUTHBEARER",
    oauthTokenFile: file,
  });
  const sasl = kafkaJsSecurity(sec).sasl as {
    mechanism: string;
    oauthBearerProvider: () => Promise<{ value: string }>;
  };
  assert.equal(sasl.mechanism, "oauthbearer");
  assert.equal((await sasl.oauthBearerProvider()).value, "token-one-abc");
  await Deno.writeTextFile(file, "token-two-def");
  assert.equal((await sasl.oauthBearerProvider()).value, "token-two-def");
  assert.equal(redact("sent token-two-def"), "sent ***");
});

Deno.test("connector file: consumer.override.* wins over top-level keys; producer.override.* security is reported", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    "connect.mongo.kcql=INSERT INTO t SELECT * FROM src",
    "connect.mongo.db=db",
    "connect.mongo.connection=mongodb://127.0.0.1:27017",
    "topics=src",
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanism=PLAIN",
    'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="top" password="top-pass";',
    "consumer.override.security.protocol=SASL_SSL",
    "consumer.override.sasl.mechanism=SCRAM-SHA-256",
    'consumer.override.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="over" password="over-pass";',
    "consumer.override.ssl.truststore.location=/ca.pem",
    "consumer.override.ssl.truststore.type=PEM",
    "producer.override.security.protocol=SASL_SSL",
    "consumer.override.max.poll.records=100",
  ].join("\n"));
  assert.deepEqual(settings.kafkaSecurity, {
    protocol: "SASL_SSL",
    mechanism: "SCRAM-SHA-256",
    username: "over",
    password: "over-pass",
    caFile: "/ca.pem",
  });
  assert.ok(
    warnings.some((w) =>
      /producer.override.security.protocol: the dead-letter producer uses/.test(w)
    ),
  );
  assert.ok(
    warnings.some((w) =>
      /consumer.override.max.poll.records: Kafka client overrides are not used/.test(w)
    ),
  );
  assert.ok(!warnings.some((w) => /consumer.override.(sasl|security|ssl)/.test(w)));
});

Deno.test("connector file: top-level ssl.* serve Kafka when its protocol is TLS (and MongoDB's TLS is off)", () => {
  const { settings, warnings } = sinkSettingsFromProperties([
    "connect.mongo.kcql=INSERT INTO t SELECT * FROM src",
    "connect.mongo.db=db",
    "connect.mongo.connection=mongodb://127.0.0.1:27017",
    "topics=src",
    "security.protocol=SSL",
    "ssl.truststore.location=/kafka-ca.pem",
    "ssl.truststore.type=PEM",
  ].join("\n"));
  assert.deepEqual(settings.kafkaSecurity, { protocol: "SSL", caFile: "/kafka-ca.pem" });
  assert.equal(settings.tls, undefined);
  assert.ok(!warnings.some((w) => /ssl.truststore/.test(w)), warnings.join("\n"));
});

Deno.test("connector file: registry user info (both keys) and a static bearer token", () => {
  const base = [
    "connect.mongo.kcql=INSERT INTO t SELECT * FROM src",
    "connect.mongo.db=db",
    "connect.mongo.connection=mongodb://127.0.0.1:27017",
    "topics=src",
    "value.converter=io.confluent.connect.avro.AvroConverter",
    "value.converter.schema.registry.url=https://registry:8081",
  ];
  const a = sinkSettingsFromProperties([
    ...base,
    "value.converter.basic.auth.credentials.source=USER_INFO",
    "value.converter.basic.auth.user.info=key:secret-1",
  ].join("\n"));
  assert.equal(a.settings.registryUserInfo, "key:secret-1");
  const b = sinkSettingsFromProperties([
    ...base,
    "value.converter.schema.registry.basic.auth.user.info=key:secret-2",
  ].join("\n"));
  assert.equal(b.settings.registryUserInfo, "key:secret-2");
  const c = sinkSettingsFromProperties([
    ...base,
    "value.converter.bearer.auth.credentials.source=STATIC_TOKEN",
    "value.converter.bearer.auth.token=tok-123456",
  ].join("\n"));
  assert.equal(c.settings.registryBearerToken, "tok-123456");
  assert.deepEqual(c.warnings, []);
});

Deno.test("a malformed connect.mongo.connection is reported without its password", () => {
  try {
    sinkSettingsFromProperties([
      "connect.mongo.kcql=INSERT INTO t SELECT * FROM src",
      "connect.mongo.db=db",
      "connect.mongo.connection=mongo://admin:Sup3rSecret@db:27017",
      "topics=src",
    ].join("\n"));
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof SinkConfigError);
    assert.match(
      e.message,
      /connect.mongo.connection=mongo:\/\/admin:\*\*\*@db:27017 is not a MongoDB/,
    );
    assert.ok(!e.message.includes("Sup3rSecret"));
  }
});
