/** The broker's secured listeners in server.properties (pure): ports, mechanisms, accounts. */
import assert from "node:assert/strict";
import { KAFKA_DEFAULTS, kafkaServerProperties } from "../../scripts/services/kafka_config.ts";
import {
  BROKER_ACCOUNT,
  SECURED_PORTS,
  securedListenerProperties,
} from "../../scripts/services/kafka_security.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----\n";

Deno.test("secured listeners: SASL_PLAINTEXT on 9094 (SCRAM-SHA-512), SASL_SSL on 9095 (SCRAM-SHA-256, PLAIN); plaintext 9092 unchanged", () => {
  assert.deepEqual(SECURED_PORTS, { saslPlaintext: 9094, saslSsl: 9095, mutualTls: 9096 });
  const secured = securedListenerProperties("127.0.0.1", BROKER_ACCOUNT, CERT, KEY, CERT);
  const p = kafkaServerProperties({ ...KAFKA_DEFAULTS, logDir: "/d", secured });
  assert.equal(
    p["listeners"],
    "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_PLAINTEXT://127.0.0.1:9094,SASL_SSL://127.0.0.1:9095,SSL://127.0.0.1:9096",
  );
  assert.equal(p["inter.broker.listener.name"], "PLAINTEXT");
  assert.equal(
    p["listener.security.protocol.map"],
    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL",
  );
  assert.equal(p["listener.name.sasl_plaintext.sasl.enabled.mechanisms"], "SCRAM-SHA-512");
  assert.equal(p["listener.name.sasl_ssl.sasl.enabled.mechanisms"], "SCRAM-SHA-256,PLAIN");
  assert.match(
    String(p["listener.name.sasl_ssl.plain.sasl.jaas.config"]),
    new RegExp(`PlainLoginModule required user_gw="${BROKER_ACCOUNT.password}";$`),
  );
  assert.equal(p["listener.name.sasl_ssl.ssl.keystore.type"], "PEM");
  assert.equal(p["listener.name.sasl_ssl.ssl.keystore.key"], KEY.trim());
  assert.equal(p["listener.name.ssl.ssl.client.auth"], "required");
  // Without the secured listeners, the plaintext broker of before.
  const plain = kafkaServerProperties({ ...KAFKA_DEFAULTS, logDir: "/d" });
  assert.equal(plain["listeners"], "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
  assert.equal(plain["listener.name.sasl_ssl.sasl.enabled.mechanisms"], undefined);
});

Deno.test("a JAAS value that would break the broker's config is refused", () => {
  assert.throws(
    () =>
      securedListenerProperties("127.0.0.1", { username: "u", password: 'a"b' }, CERT, KEY, CERT),
    /JAAS values cannot hold/,
  );
});
