/**
 * The spool as a ledger, through the CLI: readings go only where they were spooled for, one
 * process owns a spool, `gateway spool` lists, sends, exports and deletes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeConfluent, readTopic } from "../_support/kafka.ts";
import { runGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import {
  finalCounters,
  lastStats,
  logFields,
  sleep,
  startSimulatedProducer,
} from "../_support/produce.ts";

function seqsPerDevice(values: Record<string, unknown>[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const v of values) {
    out.set(v.bid as string, [...(out.get(v.bid as string) ?? []), Number(v.seq)]);
  }
  return out;
}

function assertOneToN(per: Map<string, number[]>, what: string) {
  for (const [bid, seqs] of per) {
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      `${what}: ${bid} seq 1..${seqs.length} in order`,
    );
  }
}

Deno.test({
  name:
    "readings go only to the destination they were spooled for; gateway spool lists, sends, exports, deletes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-ledger-" });
    const spool = join(dir, "spool.sqlite");
    const topicA = uniqueName("ledger-a");
    const topicB = uniqueName("ledger-b");
    const topicC = uniqueName("ledger-c");

    // 1. A run for topic A on a cluster that is not there: its readings stay spooled.
    const a = await startSimulatedProducer(topicA, 2, [
      "--brokers",
      "127.0.0.1:1",
      "--flush-timeout",
      "1",
    ], dir);
    await waitFor(
      "6 readings spooled for A",
      () => Number(lastStats(a.proc.lines)?.spooled ?? 0) >= 6 ? true : undefined,
      30_000,
    );
    assert.equal(await a.proc.stop(), 0);
    const leftA = finalCounters(a.proc.lines).leftInSpool;
    assert.ok(leftA >= 6);

    // 2. A run for topic B on the same spool delivers its own readings only, and says so.
    const b = await startSimulatedProducer(topicB, 2, [], dir);
    const waiting = await b.proc.waitForLine(/readings for other destinations wait in the spool/);
    assert.equal(Number(logFields(waiting).waiting), leftA);
    await b.proc.waitForLine(/ INFO +kafka producer connected/);
    // One process owns a spool: a second one fails at start, naming the owner's pid.
    const second = await runGateway([
      "produce",
      "--simulate",
      "1",
      "--topic",
      topicB,
      "--spool",
      spool,
    ]);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(
        `spool ${spool} is in use by another gateway process \\(pid ${b.proc.child.pid}\\)`,
      ),
    );
    const listWhileOwned = await runGateway(["spool", "--spool", spool]);
    assert.notEqual(listWhileOwned.code, 0);
    assert.match(listWhileOwned.stderr, new RegExp(`pid ${b.proc.child.pid}`));
    await sleep(2000);
    assert.equal(await b.proc.stop(), 0);
    const cb = finalCounters(b.proc.lines);
    assert.equal(cb.leftInSpool, 0);
    const stoppedB = logFields([...b.proc.lines].reverse().find((l) => / INFO +stopped /.test(l))!);
    assert.equal(Number(stoppedB.waitingOther), leftA, "A's readings were left alone");
    const inB = await readTopic(topicB, (r) => r.length >= cb.taken, 30_000);
    assert.equal(inB.length, cb.taken, "topic B holds B's readings and nothing else");
    const valuesB = await decodeConfluent(inB);
    assertOneToN(seqsPerDevice(valuesB), "B");
    inB.forEach((r, i) =>
      assert.equal(r.headers.seq, String(valuesB[i].seq), "seq header = seq field")
    );

    // 3. A run for topic C while the registry is away: the stats name the registry, and the
    //    producer's connection is not logged again at every retry.
    const c = await startSimulatedProducer(topicC, 2, [
      "--registry",
      "http://127.0.0.1:1",
      "--flush-timeout",
      "1",
    ], dir);
    await waitFor(
      "the registry named as failing",
      () => lastStats(c.proc.lines)?.failing === "registry" ? true : undefined,
      30_000,
    );
    await sleep(4000);
    const statsC = lastStats(c.proc.lines)!;
    assert.equal(statsC.kafka, "connected", "Kafka is not blamed for the registry");
    assert.equal(c.proc.lines.filter((l) => /kafka producer connected/.test(l)).length, 1);
    assert.equal(
      c.proc.lines.filter((l) => /cannot deliver readings yet/.test(l)).length,
      1,
      "the cause is logged once",
    );
    assert.equal(await c.proc.stop(), 0);
    const leftC = finalCounters(c.proc.lines).leftInSpool;
    assert.ok(leftC > 0);

    // 4. gateway spool lists both waiting destinations, with per-device last seq.
    const listed = await runGateway(["spool", "list", "--json", "--spool", spool]);
    assert.equal(listed.code, 0, listed.stderr);
    const dests = JSON.parse(listed.stdout).destinations as {
      id: number;
      entries: number;
      destination: { topic: string; brokers: string };
    }[];
    const byTopic = new Map(dests.map((d) => [d.destination.topic, d]));
    assert.equal(byTopic.get(topicA)!.entries, leftA);
    assert.equal(byTopic.get(topicA)!.destination.brokers, "127.0.0.1:1");
    assert.equal(byTopic.get(topicB)!.entries, 0);
    assert.equal(byTopic.get(topicC)!.entries, leftC);
    const text = await runGateway(["spool", "--spool", spool]);
    assert.match(
      text.stdout,
      new RegExp(
        `topic ${topicA} on 127\\.0\\.0\\.1:1 \\(confluent, subject ${topicA}-value, strategy register\\)`,
      ),
    );

    // 5. send: C's readings go to topic C (the registry the command is given), seq intact.
    const sent = await runGateway([
      "spool",
      "send",
      "--spool",
      spool,
      "--destination",
      String(byTopic.get(topicC)!.id),
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const inC = await decodeConfluent(await readTopic(topicC, (r) => r.length >= leftC, 30_000));
    assert.equal(inC.length, leftC);
    assertOneToN(seqsPerDevice(inC), "C");

    // 6. export: A's readings as JSON lines, decoded, with their destination.
    const exported = await runGateway(["spool", "export", "--spool", spool]);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = exported.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, leftA);
    for (const l of lines) {
      assert.equal(l.destination.topic, topicA);
      assert.equal(l.record.bid, l.device);
      assert.equal(l.record.seq, l.seq);
    }

    // 7. delete, on request only.
    const idA = String(byTopic.get(topicA)!.id);
    const dry = await runGateway(["spool", "delete", "--spool", spool, "--destination", idA]);
    assert.equal(dry.code, 2);
    assert.match(dry.stdout, new RegExp(`would delete ${leftA} waiting readings`));
    const gone = await runGateway([
      "spool",
      "delete",
      "--spool",
      spool,
      "--destination",
      idA,
      "--yes",
    ]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stdout, new RegExp(`deleted ${leftA} waiting readings`));
    const after = JSON.parse(
      (await runGateway(["spool", "list", "--json", "--spool", spool])).stdout,
    );
    assert.equal(after.counters.entries, 0);
    await Deno.remove(dir, { recursive: true });
  },
});
