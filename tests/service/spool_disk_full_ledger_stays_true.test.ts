/**
 * The spool's own books on a disk that another program fills (a real tmpfs): a failed write says
 * "disk full" with the path (not "cannot rollback"), leaves the counts as the file has them,
 * keeps Kafka's acknowledgements in memory (not read again, deleted first by the next write),
 * counts drops in memory and persists them once space returns, so the lifetime totals reopen true.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type NewEntry, Spool } from "../../src/spool/spool.ts";
import { SpoolWriteError } from "../../src/spool/spool_failure.ts";
import { mountSmallDisk } from "../_support/small_disk.ts";

const readings = (n: number, from = 0): NewEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    device: `B0:B4:48:00:00:0${(from + i) % 4}`,
    takenMs: 1_700_000_000_000 + from + i,
    schemaFp: "00ff",
    encode: () => new Uint8Array(100).fill((from + i) % 256),
  }));

Deno.test({
  name: "a spool on a disk filled by another program: failures are disk full with the path, " +
    "counts stay true, acknowledgements and drops are kept and persisted when space returns",
  sanitizeResources: false,
  fn: async () => {
    const disk = await mountSmallDisk("2m");
    try {
      const path = join(disk.dir, "spool.sqlite");
      const spool = new Spool({ path, maxBytes: 1 << 30, policy: "drop-newest" });
      const dest = spool.destinationId({
        brokers: "127.0.0.1:1",
        topic: "t",
        format: "avro-single-object",
        subject: null,
        strategy: null,
      });
      for (let i = 0; i < 10; i++) assert.equal(spool.append(dest, readings(500, i * 500)), 500);
      assert.equal(spool.stats(dest).entries, 5000);

      await disk.fill();
      // An acknowledgement the spool cannot write (deleting 4,000 readings needs more log pages
      // than the disk has): kept in memory, not read again.
      const acked = spool.peek(dest, 4000);
      assert.throws(
        () => spool.acknowledge(dest, acked[3999].id),
        (e: unknown) =>
          e instanceof SpoolWriteError && e.kind === "disk_full" &&
          new RegExp(`^spool ${path}: disk full \\(\\d+ bytes free\\)$`).test(e.message),
      );
      assert.equal(spool.peek(dest, 1)[0].id, acked[3999].id + 1, "not read again");
      assert.equal(spool.stats(dest).entries, 1000);
      assert.equal(spool.counterFor("acknowledged", dest), 4000);

      // New readings find no room: with drop-newest they are dropped and counted, in memory.
      let dropped = 0;
      for (let i = 0; i < 5; i++) {
        try {
          const kept = spool.append(dest, readings(50, 5000 + i * 50));
          dropped += 50 - kept;
        } catch (error) {
          assert.ok(error instanceof SpoolWriteError, String(error));
          assert.equal(error.kind, "disk_full");
          spool.countDropped(50);
          dropped += 50;
        }
      }
      assert.equal(dropped, 250);
      assert.equal(spool.problem(), "disk full");
      const during = spool.stats(dest);
      assert.equal(during.dropped, 250);
      assert.equal(during.appended, 5000, "no reading counted as spooled that is not");
      assert.equal(during.entries, 1000);
      assert.ok(
        (spool.writeFailures().get("disk_full") ?? 0) >= 1,
        "write failures counted by cause",
      );

      await disk.unfill();
      assert.equal(spool.append(dest, readings(10, 6000)), 10, "space returned: writes again");
      assert.equal(spool.problem(), undefined);
      const after = spool.stats(dest);
      assert.equal(after.entries, 1010);
      assert.equal(after.appended, 5010);
      assert.equal(after.dropped, 250);
      assert.equal(after.acknowledged, 4000);
      assert.equal(spool.takenFor(dest), 5010, "takenTotal = readings spooled");
      spool.close();

      const reopened = new Spool({ path, maxBytes: 1 << 30, policy: "drop-newest" });
      const life = reopened.stats(dest);
      assert.deepEqual(
        [life.entries, life.appended, life.dropped, life.acknowledged],
        [1010, 5010, 250, 4000],
        "the lifetime counts persisted are the true ones",
      );
      assert.equal(reopened.counterFor("acknowledged", dest), 4000);
      assert.ok(reopened.counterFor("acknowledged", dest) <= reopened.takenFor(dest));
      reopened.close();
    } finally {
      await disk.unmount();
    }
  },
});
