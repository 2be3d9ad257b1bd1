/**
 * No secret in a log line, an error, or --help: the one redaction function, the logger that
 * uses it, and the CLI's last line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { redact, registerSecret } from "../../src/util/redact.ts";
import { createLogger } from "../../src/util/log.ts";
import { runGateway } from "../_support/gateway_process.ts";

Deno.test("redact: URL user info, JAAS passwords, secret settings, Authorization values, registered secrets", () => {
  assert.equal(
    redact("registry https://key:s3cr3t@registry.example/ down"),
    "registry https://key:***@registry.example/ down",
  );
  assert.equal(redact("mongodb://gw:pw@h:27017/db"), "mongodb://gw:***@h:27017/db");
  assert.equal(
    redact('PlainLoginModule required username="gw" password="pa ss";'),
    'PlainLoginModule required username="gw" password="***";',
  );
  assert.equal(redact("sasl.jaas.config=org.Foo"), "sasl.jaas.config=***");
  assert.equal(redact("username='k' password='x y';"), "username='k' password='***';");
  assert.equal(redact("connect.mongo.password=abc123 next"), "connect.mongo.password=*** next");
  assert.equal(redact("Authorization: Basic dXNlcjpwYXNz"), "Authorization: Basic ***");
  registerSecret("plain-secret-value");
  assert.equal(redact("error near plain-secret-value!"), "error near ***!");
  registerSecret("user:pair-secret-9");
  assert.equal(redact("bad pair-secret-9"), "bad ***");
  assert.equal(
    redact("nothing secret here: 127.0.0.1:9092"),
    "nothing secret here: 127.0.0.1:9092",
  );
});

Deno.test("every log line goes through redaction, text and JSON", () => {
  registerSecret("log-secret-4411");
  const lines: string[] = [];
  for (const format of ["text", "json"] as const) {
    const log = createLogger({ format, write: (l) => lines.push(l) });
    log.warn("failed with log-secret-4411", {
      url: "http://u:pw9@h/",
      error: new Error("log-secret-4411"),
    });
  }
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.ok(!l.includes("log-secret-4411"), l);
    assert.ok(!l.includes("pw9"), l);
  }
});

Deno.test("--help never shows a secret given in the environment", async () => {
  const env = {
    GATEWAY_SASL_PASSWORD: "help-secret-1",
    GATEWAY_REGISTRY_USER_INFO: "u:help-secret-2",
    GATEWAY_REGISTRY_BEARER_TOKEN: "help-secret-3",
    GATEWAY_MONGO_PASSWORD: "help-secret-4",
  };
  for (const cmd of ["produce", "sink"]) {
    const out = await runGateway([cmd, "--help"], env);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /--sasl-password/);
    assert.match(out.stdout, /--registry-user-info/);
    assert.ok(!/help-secret/.test(out.stdout + out.stderr), out.stdout);
  }
});

Deno.test("the CLI's last line holds no secret: a bad option value, a bad connector file", async () => {
  const bad = await runGateway([
    "sink",
    "--kcql",
    "INSERT INTO t SELECT * FROM s",
    "--registry",
    "ftp://u:cli-secret-5@h",
  ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--registry must be an http\(s\) URL/);
  assert.ok(!bad.stderr.includes("cli-secret-5"), bad.stderr);

  const dir = await Deno.makeTempDir();
  const file = join(dir, "sink.properties");
  await Deno.writeTextFile(
    file,
    [
      "connect.mongo.kcql=INSERT INTO t SELECT * FROM s",
      "connect.mongo.db=db",
      "connect.mongo.connection=mongodb:/admin:cli-secret-6@db",
      "connect.mongo.username=admin",
      "connect.mongo.password=cli-secret-7",
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="cli-secret-8"',
    ].join("\n"),
  );
  const out = await runGateway(["sink", "--config", file]);
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /connect.mongo.connection=/);
  assert.match(out.stderr, /sasl.jaas.config: must end with ';'/);
  assert.ok(!/cli-secret-[678]/.test(out.stderr), out.stderr);
});

Deno.test("--kafka-config with a JKS trust store: a usage error saying how to export it", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "client.properties");
  await Deno.writeTextFile(
    file,
    "security.protocol=SSL\nssl.truststore.location=/etc/kafka/client.truststore.jks\nssl.truststore.type=JKS\nssl.truststore.password=changeit-secret\n",
  );
  const out = await runGateway([
    "produce",
    "--simulate",
    "1",
    "--kafka-config",
    file,
    "--spool",
    join(dir, "s.sqlite"),
  ]);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /is a JKS store.*keytool -exportcert -rfc/s);
  assert.ok(!out.stderr.includes("changeit-secret"));
});
