/**
 * Moving a backlog: readings spooled for a wrong broker list (a typo in GATEWAY_BROKERS) reach
 * the real broker after `gateway spool retarget`, exactly once, each as it was spooled (same
 * bid, seq and time), and only on confirmation. `spool send` keeps sending where readings were
 * spooled for and says how to move them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BROKERS, decodeConfluent, readTopic, recordsIn } from "../_support/kafka.ts";
import { runGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import { finalCounters, lastStats, startSimulatedProducer } from "../_support/produce.ts";
import {
  ACCOUNT,
  ensureSecuredListeners,
  propertiesFile,
  SASL_PLAINTEXT_BROKER,
} from "../_support/secured_kafka.ts";

const DEAD = "127.0.0.1:1";

interface Listed {
  id: number;
  entries: number;
  destination: {
    brokers: string;
    topic: string;
    format: string;
    subject: string;
    retargetedFrom?: { brokers: string; id: number };
  };
  devices: { device: string; lastSeq: number }[];
}

async function list(spool: string): Promise<Listed[]> {
  const out = await runGateway(["spool", "list", "--json", "--spool", spool]);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).destinations;
}

const identity = (v: Record<string, unknown>) => `${v.bid}/${v.seq}/${v.time_ms}`;

Deno.test({
  name:
    "spool retarget delivers readings spooled for a dead address to the real brokers, once, same seq; nothing changes without --yes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-retarget-" });
    const spool = join(dir, "spool.sqlite");
    const topic = uniqueName("retarget");
    const real = BROKERS.join(",");

    // 1. A run with a typo in the broker list: its readings stay spooled for the dead address.
    const typo = await startSimulatedProducer(
      topic,
      2,
      ["--brokers", DEAD, "--flush-timeout", "1"],
      dir,
    );
    await waitFor(
      "6 readings spooled for the dead address",
      () => Number(lastStats(typo.proc.lines)?.spooled ?? 0) >= 6 ? true : undefined,
      30_000,
    );
    assert.equal(await typo.proc.stop(), 0);
    const backlog = finalCounters(typo.proc.lines).leftInSpool;
    assert.ok(backlog >= 6);

    // 2. The list fixed: the next run delivers its own readings, same topic, same devices.
    const fixed = await startSimulatedProducer(topic, 2, [], dir);
    await waitFor(
      "the fixed run delivered readings",
      () => Number(lastStats(fixed.proc.lines)?.sent ?? 0) >= 4 ? true : undefined,
      30_000,
    );
    assert.equal(await fixed.proc.stop(), 0);
    const delivered = finalCounters(fixed.proc.lines);
    assert.equal(delivered.leftInSpool, 0);
    const before = await decodeConfluent(
      await readTopic(topic, (r) => r.length >= delivered.taken, 30_000),
    );
    assert.equal(before.length, delivered.taken);

    const listed = await list(spool);
    const old = listed.find((d) => d.destination.brokers === DEAD)!;
    assert.equal(old.entries, backlog);
    const exported = (await runGateway([
      "spool",
      "export",
      "--spool",
      spool,
      "--destination",
      String(old.id),
    ])).stdout.trim().split("\n").map((l) => JSON.parse(l).record);
    assert.equal(exported.length, backlog);

    // 3. spool send still dials where the readings were spooled for, and says how to move them.
    const stuck = await runGateway(
      ["spool", "send", "--spool", spool, "--destination", String(old.id), "--timeout", "2"],
      { GATEWAY_BROKERS: real },
    );
    assert.equal(stuck.code, 1);
    assert.match(
      stuck.stderr,
      new RegExp(`gateway spool retarget --destination ${old.id} --brokers ${real}`),
    );

    // 4. Without confirmation (no --yes, stdin not a terminal): says what would change, exit 2.
    const dry = await runGateway([
      "spool",
      "retarget",
      "--spool",
      spool,
      "--from",
      DEAD,
      "--brokers",
      real,
    ]);
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(
      dry.stdout,
      new RegExp(`destination ${old.id}: ${backlog} waiting .* -> brokers ${real}`),
    );
    assert.match(dry.stdout, /a consumer keyed by \(bid, seq\) would see both/);
    assert.match(dry.stdout, /nothing changed .* --yes/);
    assert.deepEqual(await list(spool), listed, "nothing changed without confirmation");
    assert.equal(await recordsIn(topic), delivered.taken);

    // 5. Confirmed: re-targeted and sent, each reading as spooled, exactly once.
    const moved = await runGateway([
      "spool",
      "retarget",
      "--spool",
      spool,
      "--from",
      DEAD,
      "--brokers",
      real,
      "--yes",
    ]);
    assert.equal(moved.code, 0, moved.stderr);
    const after = await decodeConfluent(
      await readTopic(topic, (r) => r.length >= delivered.taken + backlog, 30_000),
    );
    assert.equal(after.length, delivered.taken + backlog);
    const expected = [...before, ...exported].map(identity).sort();
    assert.deepEqual(after.map(identity).sort(), expected, "the backlog as spooled, once");

    const now = await list(spool);
    const same = now.find((d) => d.id === old.id)!;
    assert.equal(same.entries, 0);
    assert.equal(same.destination.brokers, real);
    assert.deepEqual(same.destination.retargetedFrom, { brokers: DEAD, id: old.id });
    assert.equal(same.destination.topic, old.destination.topic);
    assert.equal(same.destination.format, old.destination.format);
    assert.equal(same.destination.subject, old.destination.subject);
    assert.deepEqual(same.devices, old.devices, "sequence numbers kept");

    // 6. Sending again sends nothing more.
    const again = await runGateway(["spool", "send", "--spool", spool]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await recordsIn(topic), delivered.taken + backlog);

    // 7. Nothing left spooled for the dead address: asking to move it again is a usage error.
    const none = await runGateway([
      "spool",
      "retarget",
      "--spool",
      spool,
      "--from",
      DEAD,
      "--brokers",
      real,
      "--yes",
    ]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, new RegExp(`has no destination spooled for ${DEAD}`));
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "spool retarget takes the new brokers and their security from --kafka-config: the backlog reaches a SASL listener",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await ensureSecuredListeners();
    const dir = await Deno.makeTempDir({ prefix: "gateway-retarget-sasl-" });
    const spool = join(dir, "spool.sqlite");
    const topic = uniqueName("retarget-sasl");
    const typo = await startSimulatedProducer(
      topic,
      1,
      ["--brokers", DEAD, "--flush-timeout", "1"],
      dir,
    );
    await waitFor(
      "3 readings spooled",
      () => Number(lastStats(typo.proc.lines)?.spooled ?? 0) >= 3 ? true : undefined,
      30_000,
    );
    assert.equal(await typo.proc.stop(), 0);
    const backlog = finalCounters(typo.proc.lines).leftInSpool;

    const config = await propertiesFile("client.properties", [
      `bootstrap.servers=${SASL_PLAINTEXT_BROKER}`,
      "security.protocol=SASL_PLAINTEXT",
      "sasl.mechanism=SCRAM-SHA-512",
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username='${ACCOUNT.username}' password='${ACCOUNT.password}';`,
    ]);
    const moved = await runGateway([
      "spool",
      "retarget",
      "--spool",
      spool,
      "--from",
      DEAD,
      "--kafka-config",
      config,
      "--yes",
    ]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.ok(!(moved.stdout + moved.stderr).includes(ACCOUNT.password), "no secret in the output");
    const values = await decodeConfluent(
      await readTopic(topic, (r) => r.length >= backlog, 30_000),
    );
    assert.equal(values.length, backlog);
    const [d] = await list(spool);
    assert.equal(d.destination.brokers, SASL_PLAINTEXT_BROKER);
    assert.equal(d.entries, 0);
    await Deno.remove(dir, { recursive: true });
  },
});
