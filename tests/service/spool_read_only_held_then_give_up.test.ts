/**
 * A spool that cannot be written — its file system turned read-only while running (ext4 after an
 * error, as a worn SD card does), I/O errors (ext4 shut down), or a read-only folder at start: the message names the file and
 * the cause; readings are held (bounded, counted) and retried; once writable the gateway goes on;
 * past --give-up-after it exits 1 with the cause in its last line, and taken = spooled + dropped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { startGateway, uniqueName } from "../_support/gateway_process.ts";
import { lastStats, stoppedFields, waitForStats } from "../_support/produce.ts";
import { sample, scrape } from "../_support/prometheus.ts";
import { mountFailingDisk, mountSmallDisk } from "../_support/small_disk.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function produce(spool: string, extra: string[]) {
  return startGateway([
    "produce",
    "--simulate",
    "20",
    "--interval",
    "0.1",
    "--format",
    "avro-single-object",
    "--topic",
    uniqueName("read-only"),
    "--brokers",
    "127.0.0.1:1",
    "--spool",
    spool,
    "--stats-interval",
    "1",
    ...extra,
  ]);
}

/** The last non-empty line the process wrote. */
const lastLine = (lines: string[]) => lines.filter((l) => l.trim() !== "").at(-1) ?? "";

Deno.test({
  name: "the spool's file system turns read-only while running: said with the file and the " +
    "cause, readings held and counted, /readyz says so; exit 1 after --give-up-after, cause last",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountFailingDisk();
    try {
      const spool = join(disk.dir, "spool.sqlite");
      const proc = produce(spool, ["--give-up-after", "6", "--http", "127.0.0.1:0"]);
      const url = await httpUrlOf(proc);
      await waitForStats(proc.lines, "readings spooled", (s) => Number(s.spooled) >= 200);
      await disk.fail();
      const said = new RegExp(
        `ERROR spool ${escape(spool)}: not writable: .*Read-only file system`,
      );
      await proc.waitForLine(said, 20_000);
      await waitForStats(
        proc.lines,
        "readings held in memory",
        (s) => Number(s.held) > 0 && /not writable/.test(s.spool),
      );
      const ready = await get(`${url}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(ready.body, /^spool: not writable: .*Read-only file system/m);
      const metrics = await scrape(url);
      const readOnly = sample(metrics, "gateway_spool_write_failures_total", {
        cause: "read_only",
      });
      assert.ok(readOnly !== undefined && readOnly > 0, `read_only failures: ${readOnly}`);
      const held = Number(lastStats(proc.lines)!.held);

      const code = await proc.exited;
      assert.equal(code, 1);
      assert.match(
        lastLine(proc.lines),
        new RegExp(
          `^gateway: spool ${
            escape(spool)
          }: not writable: .*Read-only file system; still failing after --give-up-after 6 s$`,
        ),
      );
      const sayings = proc.lines.filter((l) => said.test(l) && !/give-up-after/.test(l));
      assert.equal(sayings.length, 1, `said once:\n${sayings.join("\n")}`);
      const end = stoppedFields(proc.lines);
      assert.equal(Number(end.held), 0);
      assert.ok(Number(end.dropped) >= held, "the held readings are dropped at exit, counted");
      assert.equal(
        Number(end.taken),
        Number(end.spooled) + Number(end.dropped),
        JSON.stringify(end),
      );
      assert.ok(
        proc.lines.some((l) => /readings held in memory are dropped at exit/.test(l)),
        "the drop at exit is said",
      );
      console.log(
        `read-only while running: taken ${end.taken}, spooled ${end.spooled}, dropped ${end.dropped}`,
      );
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: "I/O errors under a running gateway: said with the file and the cause, held, exit 1 " +
    "after --give-up-after with the cause last; taken = spooled + dropped",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountFailingDisk();
    try {
      const spool = join(disk.dir, "spool.sqlite");
      const proc = produce(spool, ["--give-up-after", "4", "--http", "off"]);
      await waitForStats(proc.lines, "readings spooled", (s) => Number(s.spooled) >= 100);
      await disk.shutdown();
      const said = new RegExp(`ERROR spool ${escape(spool)}: I/O error: Input/output error`);
      await proc.waitForLine(said, 20_000);
      await waitForStats(proc.lines, "readings held", (s) => Number(s.held) > 0);
      assert.equal(await proc.exited, 1);
      assert.match(
        lastLine(proc.lines),
        new RegExp(
          `^gateway: spool ${
            escape(spool)
          }: I/O error: Input/output error; still failing after --give-up-after 4 s$`,
        ),
      );
      const end = stoppedFields(proc.lines);
      assert.equal(Number(end.held), 0);
      assert.ok(Number(end.dropped) > 0);
      assert.equal(Number(end.taken), Number(end.spooled) + Number(end.dropped));
      console.log(
        `I/O errors while running: taken ${end.taken}, spooled ${end.spooled}, dropped ${end.dropped}`,
      );
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: "a read-only folder at start: named with the cause and retried; the gateway goes on once " +
    "it is writable, and gives up after --give-up-after with the cause last",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountSmallDisk("4m");
    try {
      const spool = join(disk.dir, "spool.sqlite");
      await disk.remount("ro");
      const opened = new RegExp(
        `ERROR spool ${escape(spool)}: cannot be opened: .*Read-only file system`,
      );

      const gives = produce(spool, ["--give-up-after", "3", "--http", "off"]);
      assert.equal(await gives.exited, 1);
      assert.match(
        lastLine(gives.lines),
        new RegExp(
          `^gateway: spool ${
            escape(spool)
          }: cannot be opened: .*Read-only file system; still failing after --give-up-after 3 s$`,
        ),
      );
      assert.equal(gives.lines.filter((l) => opened.test(l)).length, 1, "said once");

      const waits = produce(spool, ["--give-up-after", "120", "--http", "off"]);
      await waits.waitForLine(opened, 30_000);
      await disk.remount("rw");
      await waits.waitForLine(/ INFO +producing /, 30_000);
      await waitForStats(waits.lines, "readings spooled", (s) => Number(s.spooled) >= 50);
      waits.signal("SIGTERM");
      assert.equal(await waits.exited, 0);
      const end = stoppedFields(waits.lines);
      assert.equal(Number(end.taken), Number(end.spooled) + Number(end.dropped));
      assert.equal(Number(end.dropped), 0);
    } finally {
      await disk.unmount();
    }
  },
});
