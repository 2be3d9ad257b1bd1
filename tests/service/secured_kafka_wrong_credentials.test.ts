/**
 * Mistakes in Kafka credentials and trust are obvious and harmless: the log says what is wrong
 * (once per cause, never "Closed connection" alone), produce keeps every reading spooled and
 * delivers them once restarted with the right password, the sink exits non-zero within the
 * bounded time and commits nothing, and no log line holds a password.
 */
import assert from "node:assert/strict";
import { BROKERS, kafka, readTopic, REGISTRY } from "../_support/kafka.ts";
import { finalCounters, waitForSent, waitForStats } from "../_support/produce.ts";
import { avroEncoder, createTopic, produce } from "../_support/sink.ts";
import { startGateway, uniqueName } from "../_support/gateway_process.ts";
import {
  ACCOUNT,
  caFile,
  ensureSecuredListeners,
  foreignCa,
  linesWithSecrets,
  MUTUAL_TLS_BROKER,
  SASL_PLAINTEXT_BROKER,
  SASL_SSL_BROKER,
  scram512Args,
  startSecuredProducer,
} from "../_support/secured_kafka.ts";

const WRONG = "not-the-password-93b1";
const allLines: string[] = [];

Deno.test("produce with a wrong SASL password: a clear message once, every reading stays spooled and is delivered after a restart with the right one", async () => {
  await ensureSecuredListeners();
  const topic = uniqueName("sec-wrong-pw");
  const first = await startSecuredProducer(topic, scram512Args(WRONG));
  const cause = /SASL authentication failed for user gw \(SCRAM-SHA-512\)/;
  try {
    await first.proc.waitForLine(cause, 45_000);
    await waitForStats(first.proc.lines, "spooled readings", (s) => Number(s.spooled) >= 15);
  } finally {
    assert.equal(await first.proc.stop(), 0);
    allLines.push(...first.proc.lines);
  }
  const before = finalCounters(first.proc.lines);
  assert.ok(before.taken >= 15);
  assert.equal(before.sent, 0, "nothing reached Kafka with the wrong password");
  assert.equal(before.leftInSpool, before.taken, "every reading taken is still spooled");
  const causeLines = first.proc.lines.filter((l) => cause.test(l));
  // Logged once per distinct cause (then every 10th attempt): far fewer lines than attempts.
  assert.ok(causeLines.length >= 1 && causeLines.length <= 3, causeLines.join("\n"));
  assert.ok(
    !first.proc.lines.some((l) => /error="?Closed connection"?( |$)/.test(l)),
    "never a bare Closed connection",
  );

  const second = await startSecuredProducer(topic, scram512Args(ACCOUNT.password), {}, first.spool);
  try {
    await waitForSent(second.proc.lines, before.taken);
  } finally {
    assert.equal(await second.proc.stop(), 0);
    allLines.push(...second.proc.lines);
  }
  const after = finalCounters(second.proc.lines);
  assert.equal(after.leftInSpool, 0);
  const records = await readTopic(topic, (r) => r.length >= after.sent, 30_000);
  assert.equal(records.length, after.sent);
  assert.ok(records.length >= before.taken + after.taken, "the first run's readings arrived too");
});

async function produceFailure(args: string[], pattern: RegExp) {
  const run = await startSecuredProducer(uniqueName("sec-fail"), args);
  try {
    return await run.proc.waitForLine(pattern, 45_000);
  } finally {
    await run.proc.stop();
    allLines.push(...run.proc.lines);
  }
}

const plainSsl = (extra: string[]) => [
  "--brokers",
  SASL_SSL_BROKER,
  "--security-protocol",
  "SASL_SSL",
  "--sasl-mechanism",
  "PLAIN",
  "--sasl-username",
  ACCOUNT.username,
  "--sasl-password",
  ACCOUNT.password,
  ...extra,
];

Deno.test("TLS without the CA: the certificate is not trusted, and the message says --ssl-ca", async () => {
  await ensureSecuredListeners();
  const line = await produceFailure(
    plainSsl([]),
    new RegExp(`TLS: certificate of ${SASL_SSL_BROKER} not trusted \\(no --ssl-ca given\\?\\)`),
  );
  assert.match(line, /stay spooled/);
});

Deno.test("TLS with a CA that did not sign the broker's certificate: not trusted by --ssl-ca", async () => {
  await ensureSecuredListeners();
  const ca = await foreignCa(await Deno.makeTempDir({ prefix: "gateway-ca-" }));
  await produceFailure(
    plainSsl(["--ssl-ca", ca]),
    new RegExp(
      `TLS: certificate of ${SASL_SSL_BROKER} not trusted \\(it is not signed by the CA in --ssl-ca`,
    ),
  );
});

Deno.test("plaintext against a SASL listener: the broker closed the connection during the handshake", async () => {
  await ensureSecuredListeners();
  await produceFailure(
    ["--brokers", SASL_PLAINTEXT_BROKER],
    /the broker( \S+)? closed the connection during the handshake: does this listener need TLS or SASL\?/,
  );
});

Deno.test("TLS against the plaintext listener: the handshake is cut, the message says which setting", async () => {
  await ensureSecuredListeners();
  await produceFailure(
    ["--brokers", BROKERS[0], "--security-protocol", "SSL", "--ssl-ca", caFile()],
    /closed the connection during the TLS handshake: does this listener speak TLS\?/,
  );
});

Deno.test("mutual TLS without a client certificate: the broker refuses, and the message says so", async () => {
  await ensureSecuredListeners();
  await produceFailure(
    ["--brokers", MUTUAL_TLS_BROKER, "--security-protocol", "SSL", "--ssl-ca", caFile()],
    /TLS: the broker .* requires a client certificate \(give --ssl-cert and --ssl-key\)/,
  );
});

// Needs the sink's bounded retry (sinkloop's --give-up-after / GATEWAY_GIVE_UP_AFTER); without
// it the sink exits at once, which the assertions below accept too (non-zero, the cause, nothing
// committed).
Deno.test("sink with a wrong SASL password exits non-zero within the bounded time, naming the cause, committing nothing", async () => {
  await ensureSecuredListeners();
  const topic = uniqueName("sec-sink-wrong");
  const group = uniqueName("sec-sink-wrong-group");
  await createTopic(topic, 3);
  const enc = await avroEncoder(topic, {
    type: "record",
    name: "W",
    fields: [{ name: "n", type: "int" }],
  } as never);
  await produce(
    topic,
    Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: enc.encode({ n: i }) })),
  );
  const started = Date.now();
  // The bound: 5 s of retrying (sinkloop's GATEWAY_GIVE_UP_AFTER; ignored where it is not built).
  const sink = startGateway([
    "sink",
    "--registry",
    REGISTRY,
    "--mongo",
    "mongodb://127.0.0.1:27017",
    "--kcql",
    `INSERT INTO docs SELECT * FROM ${topic}`,
    "--database",
    uniqueName("secwrong").replaceAll("-", "_"),
    "--group",
    group,
    ...scram512Args(WRONG),
  ], { GATEWAY_GIVE_UP_AFTER: "5" });
  const timer = setTimeout(() => sink.signal("SIGKILL"), 90_000);
  const code = await sink.exited;
  clearTimeout(timer);
  allLines.push(...sink.lines);
  const elapsed = Date.now() - started;
  assert.notEqual(code, 0, "non-zero exit");
  assert.ok(elapsed < 90_000, `exited within the bound (${elapsed} ms)`);
  const last = sink.lines.filter((l) => l.trim() !== "").at(-1) ?? "";
  assert.match(last, /SASL authentication failed for user gw \(SCRAM-SHA-512\)/);
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const t of offsets) {
      for (const p of t.partitions) {
        assert.equal(p.offset, "-1", `nothing committed (${p.partition})`);
      }
    }
  } finally {
    await admin.disconnect();
  }
});

Deno.test("no log line of the failing runs holds either password", () => {
  assert.ok(allLines.length > 20);
  assert.deepEqual(linesWithSecrets(allLines, [WRONG, ACCOUNT.password]), []);
});
