/**
 * A spool removed or replaced under a running gateway is noticed within seconds (the path no
 * longer names the file it opened): it says so with the path, stops taking readings, delivers
 * what it holds and exits 1 so that its supervisor starts it clean. A second producer started on
 * the same path meanwhile gets a new spool of its own, untouched by the first one's exit, and the
 * two never send two readings with one identity (reading_id, or bid + spool_id + seq).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runGateway, startGateway, uniqueName } from "../_support/gateway_process.ts";
import { logFields, stoppedFields, waitForStats } from "../_support/produce.ts";
import { BROKERS, readTopic } from "../_support/kafka.ts";
import { decodeRecord, loadWriterSchema } from "../../src/avro/writer_schema.ts";
import { UUID_V7_PATTERN } from "../../src/util/uuid_v7.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function produce(spool: string, topic: string, brokers: string) {
  return startGateway([
    "produce",
    "--simulate",
    "10",
    "--interval",
    "0.1",
    "--format",
    "avro-single-object",
    "--topic",
    topic,
    "--brokers",
    brokers,
    "--spool",
    spool,
    "--stats-interval",
    "1",
    "--http",
    "off",
  ]);
}

const lastLine = (lines: string[]) => lines.filter((l) => l.trim() !== "").at(-1) ?? "";

Deno.test({
  name: "a spool deleted under a running producer, a second producer on the same path: the " +
    "first notices, delivers what it holds and exits 1; the second runs on its own new spool",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-deleted-spool-" });
    try {
      const spool = join(dir, "spool.sqlite");
      const topic = uniqueName("deleted-spool");
      const first = produce(spool, topic, BROKERS.join(","));
      await waitForStats(first.lines, "readings sent", (s) => Number(s.sent) >= 100);
      await Deno.remove(spool); // as `rm spool.sqlite` does; its -wal stays behind
      const second = produce(spool, topic, BROKERS.join(","));

      // Removed, or already replaced by the second producer's new file: either is noticed.
      const removed = new RegExp(
        `ERROR spool ${
          escape(spool)
        } was (removed|replaced by another file) while the gateway ran: no longer taking readings`,
      );
      await first.waitForLine(removed, 15_000);
      assert.equal(await first.exited, 1, "the first producer exits non-zero");
      assert.match(
        lastLine(first.lines),
        new RegExp(`^gateway: spool ${escape(spool)} was (removed|replaced)`),
      );
      const a = stoppedFields(first.lines);
      assert.equal(Number(a.leftInSpool), 0, "it delivered what it held");
      assert.equal(Number(a.spooled), Number(a.sent), JSON.stringify(a));

      // The second producer goes on after the first one's exit, on its own file.
      await second.waitForLine(/a side file of a removed spool was set aside/, 15_000);
      const sentWhenFirstLeft = Number(
        logFields(second.lines.findLast((l) => / INFO +stats /.test(l)) ?? "").sent ?? 0,
      );
      await waitForStats(
        second.lines,
        "the second producer still sending",
        (s) => Number(s.sent) >= sentWhenFirstLeft + 100 && s.spool === "ok",
      );
      second.signal("SIGTERM");
      assert.equal(await second.exited, 0);
      const b = stoppedFields(second.lines);
      const list = await runGateway(["spool", "list", "--json", "--spool", spool]);
      assert.equal(list.code, 0, list.stderr);
      const counters = JSON.parse(list.stdout).counters;
      assert.equal(counters.appended, Number(b.spooled), "the new spool holds only its own");
      assert.equal(counters.acknowledged + counters.entries, Number(b.spooled));

      const want = Number(a.sent) + Number(b.sent);
      const records = await readTopic(topic, (r) => r.length >= want, 60_000);
      assert.equal(records.length, want, "Kafka holds what both sent, no more");
      // No two readings share an identity: each reading_id once, each (bid, spool_id, seq) once;
      // the two producers numbered their readings in spools of their own.
      const schema = await loadWriterSchema();
      const readingIds = new Set<string>();
      const positions = new Set<string>();
      const spoolIds = new Set<string>();
      for (const r of records) {
        const h = r.headers;
        assert.match(h.reading_id, UUID_V7_PATTERN);
        // avro-single-object: C3 01, the 8-byte fingerprint, then the body.
        const value = decodeRecord(schema, new Uint8Array(r.value!).subarray(10));
        assert.equal(value.reading_id, h.reading_id, "the value carries the header's id");
        assert.equal(value.spool_id, h.spool_id);
        readingIds.add(h.reading_id);
        positions.add(`${r.key} ${h.spool_id} ${h.seq}`);
        spoolIds.add(h.spool_id);
      }
      assert.equal(readingIds.size, records.length, "no reading_id on two records");
      assert.equal(positions.size, records.length, "no (bid, spool_id, seq) on two records");
      assert.equal(spoolIds.size, 2, "one spool id per producer");
      console.log(
        `deleted spool: first spooled ${a.spooled}, sent ${a.sent}, left ${a.leftInSpool}; ` +
          `second spooled ${b.spooled}, sent ${b.sent}; Kafka ${records.length}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "a spool replaced by another file while running: said with the path, exit 1, cause last",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-replaced-spool-" });
    try {
      const spool = join(dir, "spool.sqlite");
      const proc = produce(spool, uniqueName("replaced-spool"), "127.0.0.1:1");
      await waitForStats(proc.lines, "readings spooled", (s) => Number(s.spooled) >= 50);
      await Deno.copyFile(spool, `${spool}.copy`);
      await Deno.rename(`${spool}.copy`, spool);
      const replaced = new RegExp(
        `ERROR spool ${escape(spool)} was replaced by another file while the gateway ran`,
      );
      await proc.waitForLine(replaced, 15_000);
      assert.equal(await proc.exited, 1);
      assert.match(
        lastLine(proc.lines),
        new RegExp(`^gateway: spool ${escape(spool)} was replaced by another file`),
      );
      const end = stoppedFields(proc.lines);
      assert.ok(Number(end.leftInSpool) > 0, "Kafka is down: readings are left");
      assert.ok(
        proc.lines.some((l) =>
          /readings left undelivered in a spool that no longer exists are lost/.test(l)
        ),
        "what is lost is said",
      );
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
