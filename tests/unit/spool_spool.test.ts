import assert from "node:assert/strict";
import { join } from "node:path";
import { Spool } from "../../src/spool/spool.ts";

function entry(device: string, n: number, size = 16) {
  const body = new Uint8Array(size).fill(n % 256);
  return { device, takenMs: 1_700_000_000_000 + n, schemaFp: "00ff", encode: () => body, body };
}

const D = 1;

function rows0(spool: Spool) {
  return spool.peek(1, 10).map((r) => r.seq);
} // the first destination of a fresh spool

async function tempSpool(maxBytes: number, policy: "drop-oldest" | "drop-newest" = "drop-oldest") {
  const dir = await Deno.makeTempDir({ prefix: "spool-test-" });
  const path = join(dir, "spool.sqlite");
  const drops: number[] = [];
  const spool = new Spool({ path, maxBytes, policy, onDrop: (n) => drops.push(n) });
  spool.destinationId({
    brokers: "127.0.0.1:9092",
    topic: "t",
    format: "confluent",
    subject: "t-value",
    strategy: "auto",
  });
  return { dir, path, spool, drops };
}

Deno.test("spooled readings come back in insertion order and survive reopening", async () => {
  const { dir, path, spool } = await tempSpool(1 << 20);
  spool.append(D, [entry("A", 1), entry("B", 2), entry("A", 3)]);
  spool.append(D, [entry("B", 4)]);
  spool.close();
  const reopened = new Spool({ path, maxBytes: 1 << 20, policy: "drop-oldest" });
  assert.deepEqual(rows0(reopened), [1, 1, 2, 2], "per-device seq survives reopening");
  const rows = reopened.peek(D, 10);
  assert.deepEqual(rows.map((r) => [r.device, r.takenMs - 1_700_000_000_000]), [
    ["A", 1],
    ["B", 2],
    ["A", 3],
    ["B", 4],
  ]);
  assert.deepEqual(Array.from(rows[2].body), Array.from(entry("A", 3).body));
  assert.equal(reopened.stats().entries, 4);
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acknowledged readings leave the spool, later ones stay", async () => {
  const { dir, spool } = await tempSpool(1 << 20);
  spool.append(D, [1, 2, 3, 4, 5].map((n) => entry("A", n)));
  const firstTwo = spool.peek(D, 2);
  assert.equal(spool.acknowledge(D, firstTwo[1].id), 2);
  assert.deepEqual(spool.peek(D, 10).map((r) => r.takenMs % 100), [3, 4, 5]);
  assert.equal(spool.stats().acknowledged, 2);
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a full spool with drop-oldest evicts the oldest readings and counts them", async () => {
  const { dir, spool, drops } = await tempSpool(600);
  for (let n = 1; n <= 20; n++) spool.append(D, [entry("A", n, 100)]);
  const stats = spool.stats();
  assert.ok(stats.bytes <= 600, `spool holds ${stats.bytes} bytes over its 600-byte limit`);
  const kept = spool.peek(D, 100).map((r) => r.takenMs % 100);
  assert.equal(kept[kept.length - 1], 20, "the newest reading is kept");
  assert.equal(stats.dropped, 20 - kept.length);
  assert.equal(drops.reduce((a, b) => a + b, 0), stats.dropped);
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a full spool with drop-newest refuses new readings and counts them", async () => {
  const { dir, spool } = await tempSpool(600, "drop-newest");
  for (let n = 1; n <= 20; n++) spool.append(D, [entry("A", n, 100)]);
  const kept = spool.peek(D, 100).map((r) => r.takenMs % 100);
  assert.deepEqual(kept, kept.map((_, i) => i + 1), "the oldest readings are kept");
  assert.equal(spool.stats().dropped, 20 - kept.length);
  assert.ok(kept.length > 0 && kept.length < 20);
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("drop counters survive a restart", async () => {
  const { dir, path, spool } = await tempSpool(300, "drop-newest");
  for (let n = 1; n <= 10; n++) spool.append(D, [entry("A", n, 100)]);
  const dropped = spool.stats().dropped;
  assert.ok(dropped > 0);
  spool.close();
  const reopened = new Spool({ path, maxBytes: 300, policy: "drop-newest" });
  assert.equal(reopened.stats().dropped, dropped);
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a spool limit that is not positive is rejected", async () => {
  const dir = await Deno.makeTempDir();
  assert.throws(
    () => new Spool({ path: join(dir, "s.sqlite"), maxBytes: 0, policy: "drop-oldest" }),
    /size limit must be positive/,
  );
  await Deno.remove(dir, { recursive: true });
});
