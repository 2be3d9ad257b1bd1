import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { Spool } from "../../src/spool/spool.ts";
import { type Destination, destinationOf } from "../../src/spool/destination.ts";

const dest = (topic: string, brokers = ["127.0.0.1:9092"]): Destination =>
  destinationOf({
    brokers,
    topic,
    format: "confluent",
    subject: `${topic}-value`,
    schemaStrategy: "auto",
  });

function reading(device: string, n: number) {
  return {
    device,
    takenMs: 1_700_000_000_000 + n,
    schemaFp: "00ff",
    encode: (seq: number) => new TextEncoder().encode(`${device}#${seq}`),
  };
}

async function fresh() {
  const dir = await Deno.makeTempDir({ prefix: "spool-ledger-" });
  const path = join(dir, "spool.sqlite");
  return { dir, path, open: () => new Spool({ path, maxBytes: 1 << 20, policy: "drop-oldest" }) };
}

Deno.test("each destination sees only its own readings; the same cluster in another order is the same", async () => {
  const { dir, open } = await fresh();
  const spool = open();
  const a = spool.destinationId(dest("A", ["h2:9092", "H1:9092"]));
  const b = spool.destinationId(dest("B"));
  assert.equal(spool.destinationId(dest("A", ["h1:9092", "h2:9092"])), a);
  assert.notEqual(a, b);
  assert.notEqual(spool.destinationId(dest("A")), a, "another cluster is another destination");
  spool.append(a, [reading("X", 1), reading("Y", 2)]);
  spool.append(b, [reading("X", 3)]);
  assert.deepEqual(spool.peek(a, 10).map((e) => e.device), ["X", "Y"]);
  assert.deepEqual(spool.peek(b, 10).map((e) => e.device), ["X"]);
  assert.equal(spool.stats(a).entries, 2);
  assert.equal(spool.stats(a).otherEntries, 1);
  // Acknowledging A's readings never touches B's, even with B's row id in range.
  assert.equal(spool.acknowledge(a, spool.peek(b, 1)[0].id), 2);
  assert.equal(spool.stats(b).entries, 1);
  assert.equal(spool.counterFor("acknowledged", a), 2);
  assert.equal(spool.counterFor("acknowledged", b), 0, "lifetime counts are per destination");
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("seq is per device and destination, contiguous from 1, and kept across restarts", async () => {
  const { dir, open } = await fresh();
  let spool = open();
  const a = spool.destinationId(dest("A"));
  const b = spool.destinationId(dest("B"));
  spool.append(a, [reading("X", 1), reading("Y", 2), reading("X", 3)]);
  spool.append(b, [reading("X", 4)]);
  spool.acknowledge(a, spool.peek(a, 10).at(-1)!.id); // delivered: the numbers still go on
  spool.close();
  spool = open();
  assert.equal(spool.destinationId(dest("A")), a);
  spool.append(a, [reading("X", 5), reading("Y", 6)]);
  const rows = spool.peek(a, 10);
  assert.deepEqual(rows.map((e) => [e.device, e.seq]), [["X", 3], ["Y", 2]]);
  assert.equal(new TextDecoder().decode(rows[0].body), "X#3", "the body is encoded with its seq");
  assert.deepEqual(spool.peek(b, 10).map((e) => e.seq), [1]);
  assert.equal(spool.takenFor(a), 5);
  assert.equal(spool.lastSeq(a, "X"), 3);
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("quarantined readings leave the queue, keep their reason and are counted", async () => {
  const { dir, open } = await fresh();
  let spool = open();
  const a = spool.destinationId(dest("A"));
  spool.append(a, [1, 2, 3, 4].map((n) => reading("X", n)));
  const [, second, third] = spool.peek(a, 10);
  spool.quarantine([second, third], "too large");
  assert.deepEqual(spool.peek(a, 10).map((e) => e.seq), [1, 4], "the rest keeps its order");
  spool.close();
  spool = open();
  assert.equal(spool.stats(a).quarantined, 2);
  assert.equal(spool.stats(a).quarantinedTotal, 2);
  assert.deepEqual(spool.quarantineReasons(), [{ dest: a, reason: "too large", count: 2 }]);
  assert.deepEqual([...spool.quarantined()].map((q) => [q.seq, q.reason]), [[2, "too large"], [
    3,
    "too large",
  ]]);
  assert.equal(spool.deleteQuarantined(a), 2);
  assert.equal(spool.stats(a).quarantined, 0);
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a spool of the first layout is migrated: its readings are kept apart, with no destination", async () => {
  const { dir, path, open } = await fresh();
  const old = new DatabaseSync(path);
  old.exec(`
    CREATE TABLE readings (seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,
      taken_ms INTEGER NOT NULL, schema_fp TEXT NOT NULL, body BLOB NOT NULL);
    CREATE TABLE schemas (fp TEXT PRIMARY KEY, schema TEXT NOT NULL);
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO counters VALUES ('appended', 3), ('dropped', 1);
  `);
  const ins = old.prepare(
    "INSERT INTO readings (device, taken_ms, schema_fp, body) VALUES (?, ?, ?, ?)",
  );
  for (let n = 1; n <= 3; n++) ins.run("X", 1000 + n, "00ff", new Uint8Array([n]));
  old.close();

  const spool = open();
  assert.equal(spool.migrated, 3);
  const [legacy] = spool.destinations();
  assert.equal(legacy.destination, undefined, "no destination is invented for them");
  assert.equal(legacy.entries, 3);
  const mine = spool.destinationId(dest("sensortag-avro"));
  assert.equal(spool.peek(mine, 10).length, 0, "a run never picks them up");
  assert.equal(spool.stats(mine).otherEntries, 3);
  assert.deepEqual([...spool.readings(legacy.id)].map((e) => [e.takenMs, e.seq]), [[1001, null], [
    1002,
    null,
  ], [1003, null]]);
  assert.equal(spool.stats().dropped, 1, "lifetime counters are kept");
  spool.close();
  const again = open();
  assert.equal(again.migrated, 0, "migrated once");
  again.close();
  await Deno.remove(dir, { recursive: true });
});
