/**
 * A spool on a real disk that fills (a 1 MiB tmpfs): the gateway says so once, with the path and
 * the bytes free, applies --spool-full, counts every reading it drops (taken = spooled + dropped,
 * for the run and in the spool's lifetime counters), keeps its stats line, says "spool: disk
 * full" on /readyz and the status page, counts write failures by cause, honours SIGTERM at once,
 * and goes on by itself when space returns — with Kafka down, and with Kafka up.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { runGateway, startGateway, uniqueName, waitFor } from "../_support/gateway_process.ts";
import {
  finalCounters,
  lastStats,
  logFields,
  stoppedFields,
  waitForStats,
} from "../_support/produce.ts";
import { BROKERS, readTopic } from "../_support/kafka.ts";
import { sample, scrape } from "../_support/prometheus.ts";
import { mountSmallDisk } from "../_support/small_disk.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function produceArgs(spool: string, brokers: string, extra: string[]): string[] {
  return [
    "produce",
    "--simulate",
    "50",
    "--interval",
    "0.1",
    "--format",
    "avro-single-object",
    "--topic",
    uniqueName("disk-full"),
    "--brokers",
    brokers,
    "--spool",
    spool,
    "--stats-interval",
    "1",
    ...extra,
  ];
}

/** The spool's lifetime counters, read by `gateway spool list --json`. */
async function lifetime(spool: string) {
  const out = await runGateway(["spool", "list", "--json", "--spool", spool]);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout).counters as { appended: number; dropped: number; entries: number };
}

Deno.test({
  name: "disk full with Kafka down and drop-newest: said once, new readings dropped and counted, " +
    "/readyz says so, SIGTERM ends it at once, taken = spooled + dropped",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountSmallDisk("1m");
    try {
      const spool = join(disk.dir, "spool.sqlite");
      const proc = startGateway(
        produceArgs(spool, "127.0.0.1:1", ["--spool-full", "drop-newest", "--http", "127.0.0.1:0"]),
      );
      const url = await httpUrlOf(proc);
      const said = new RegExp(`ERROR spool ${escape(spool)}: disk full \\(\\d+ bytes free\\)`);
      await proc.waitForLine(said, 60_000);
      await waitForStats(
        proc.lines,
        "readings dropped while the disk is full",
        (s) => s.spool === "disk full" && Number(s.dropped) >= 1000,
      );
      const statsBefore = proc.lines.filter((l) => / INFO +stats /.test(l)).length;
      await waitForStats(proc.lines, "more stats lines", () => true);
      await waitFor(
        "two more stats lines",
        () =>
          proc.lines.filter((l) => / INFO +stats /.test(l)).length >= statsBefore + 2
            ? true
            : undefined,
        10_000,
      );

      const ready = await get(`${url}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(ready.body, /^spool: disk full$/m);
      const page = await get(`${url}/`);
      assert.match(page.body, /spool: disk full/);
      const metrics = await scrape(url);
      const failures = sample(metrics, "gateway_spool_write_failures_total", {
        cause: "disk_full",
      });
      assert.ok(failures !== undefined && failures > 0, `disk_full failures: ${failures}`);
      assert.equal(
        sample(metrics, "gateway_spool_write_failures_total", { cause: "read_only" }),
        0,
      );
      const s = lastStats(proc.lines)!;
      assert.equal(
        Number(s.taken),
        Number(s.takenTotal) + Number(s.dropped) + Number(s.held),
        `the stats line balances: ${JSON.stringify(s)}`,
      );

      const t = performance.now();
      proc.signal("SIGTERM");
      const code = await proc.exited;
      const ms = performance.now() - t;
      assert.equal(code, 0);
      assert.ok(ms < 2000, `SIGTERM to exit took ${ms.toFixed(0)} ms`);
      assert.equal(proc.lines.filter((l) => said.test(l)).length, 1, "said once per episode");

      const end = stoppedFields(proc.lines);
      const taken = Number(end.taken);
      assert.equal(Number(end.held), 0);
      assert.equal(Number(end.rejected), 0);
      assert.ok(Number(end.dropped) > 0);
      assert.equal(taken, Number(end.spooled) + Number(end.dropped), JSON.stringify(end));
      const life = await lifetime(spool);
      assert.equal(life.appended, Number(end.spooled));
      assert.equal(life.dropped, Number(end.dropped), "drops are persisted");
      assert.equal(life.appended + life.dropped, taken, "lifetime: taken = spooled + dropped");
      assert.equal(life.entries, Number(end.leftInSpool));
      console.log(
        `disk full, drop-newest: taken ${taken}, spooled ${end.spooled}, dropped ${end.dropped}, ` +
          `SIGTERM to exit ${ms.toFixed(0)} ms`,
      );
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: "disk full with Kafka up and drop-oldest: held in memory (bounded, counted), never " +
    "spinning, Kafka not blamed; goes on by itself when space returns; nothing sent twice",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountSmallDisk("4m");
    try {
      const spool = join(disk.dir, "spool.sqlite");
      const args = produceArgs(spool, BROKERS.join(","), ["--spool-full", "drop-oldest"]);
      const topic = args[args.indexOf("--topic") + 1];
      const proc = startGateway(args);
      await waitForStats(proc.lines, "readings sent", (s) => Number(s.sent) >= 200);
      // Another program takes the space: nothing of the spool's is left to drop.
      await disk.fill();
      const said = new RegExp(`ERROR spool ${escape(spool)}: disk full \\(\\d+ bytes free\\)`);
      await proc.waitForLine(said, 30_000);
      // Held beyond the bound (5,000 readings, 10 s of 500 readings/s): the oldest are dropped.
      await waitForStats(
        proc.lines,
        "the held readings bounded and the rest dropped",
        (s) => Number(s.held) >= 4900 && Number(s.dropped) > 0,
      );
      for (const l of proc.lines.filter((l) => / INFO +stats /.test(l))) {
        assert.ok(Number(logFields(l).held) <= 5000 + 100, `held is bounded: ${l}`);
      }
      const during = lastStats(proc.lines)!;
      assert.equal(during.kafka, "connected", JSON.stringify(during));
      assert.equal(during.failing, "none", "Kafka is up: it is not blamed");
      assert.equal(during.spool, "disk full");

      await disk.unfill();
      await proc.waitForLine(new RegExp(`INFO +spool ${escape(spool)}: writable again`), 30_000);
      await waitForStats(
        proc.lines,
        "held readings written and sent",
        (s) => s.spool === "ok" && Number(s.held) === 0 && Number(s.sent) > Number(during.sent),
      );
      const t = performance.now();
      proc.signal("SIGTERM");
      assert.equal(await proc.exited, 0);
      const ms = performance.now() - t;
      assert.ok(ms < 12_000, `exit took ${ms.toFixed(0)} ms (flush included)`);
      assert.equal(proc.lines.filter((l) => said.test(l)).length, 1, "said once per episode");

      const end = stoppedFields(proc.lines);
      const c = finalCounters(proc.lines);
      const taken = Number(end.taken);
      assert.equal(taken, Number(end.spooled) + Number(end.dropped), JSON.stringify(end));
      assert.equal(Number(end.spooled), c.sent + c.leftInSpool, JSON.stringify(end));
      const life = await lifetime(spool);
      assert.equal(life.appended + life.dropped, taken, "lifetime: taken = spooled + dropped");

      const records = await readTopic(topic, (r) => r.length >= c.sent, 60_000);
      const ids = new Set(records.map((r) => `${r.key}/${r.headers.seq}`));
      assert.equal(records.length, c.sent, "Kafka holds what was sent");
      assert.equal(ids.size, records.length, "no reading sent twice");
      console.log(
        `disk full with Kafka up, drop-oldest: taken ${taken}, spooled ${end.spooled}, ` +
          `dropped ${end.dropped}, sent ${c.sent}, in Kafka ${records.length} (distinct ${ids.size})`,
      );
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: "disk full with Kafka down and drop-oldest (the default): the oldest readings make room " +
    "for the new, every reading is spooled once and then left or dropped, counted for good",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountSmallDisk("1m");
    try {
      const spool = join(disk.dir, "spool.sqlite");
      const proc = startGateway(produceArgs(spool, "127.0.0.1:1", ["--http", "off"]));
      const said = new RegExp(`ERROR spool ${escape(spool)}: disk full \\(\\d+ bytes free\\)`);
      await proc.waitForLine(said, 60_000);
      // `held` also counts readings taken since the last write (a moment's worth): room is made
      // when a stats line shows none waiting, which a spool that cannot make room never shows.
      let s: Record<string, string> = {};
      await waitForStats(
        proc.lines,
        "old readings dropped for new ones, room made, nothing waiting in memory",
        (x) => {
          s = x;
          return x.spool === "disk full" && Number(x.dropped) >= 2000 && Number(x.held) === 0;
        },
      );
      assert.equal(s.failing, "kafka", "Kafka is the side failing, and only it");
      assert.equal(Number(s.takenTotal), Number(s.taken), "every reading was spooled");
      assert.equal(Number(s.taken), Number(s.spooled) + Number(s.dropped), JSON.stringify(s));
      proc.signal("SIGTERM");
      assert.equal(await proc.exited, 0);
      assert.equal(proc.lines.filter((l) => said.test(l)).length, 1, "said once per episode");
      const end = stoppedFields(proc.lines);
      const taken = Number(end.taken);
      assert.equal(Number(end.spooled), taken);
      assert.equal(taken, Number(end.leftInSpool) + Number(end.dropped), JSON.stringify(end));
      const life = await lifetime(spool);
      assert.equal(life.appended, taken);
      assert.equal(life.dropped, Number(end.dropped));
      assert.equal(life.entries, Number(end.leftInSpool));
      console.log(
        `disk full, drop-oldest: taken ${taken}, left ${end.leftInSpool}, dropped ${end.dropped}`,
      );
    } finally {
      await disk.unmount();
    }
  },
});
