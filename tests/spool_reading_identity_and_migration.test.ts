/**
 * The spool's identity and its readings': a spool id made with the spool and kept in it, a
 * `reading_id` kept with every reading (given when taken, or by the spool), the body encoded once
 * with both; a spool of the previous layout gets its id and ids for the readings it holds.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { Spool } from "../src/spool/spool.ts";
import { destinationOf } from "../src/spool/destination.ts";
import { Spooler } from "../src/produce/spooler.ts";
import {
  decodeRecord,
  encodeRecord,
  loadWriterSchema,
  writerSchemaFromText,
} from "../src/avro/writer_schema.ts";
import { addIdentityToSpooledValues } from "../src/produce/identity_upgrade.ts";
import { UUID_V7_PATTERN, uuidV7Time } from "../src/util/uuid_v7.ts";
import { createLogger } from "../src/util/log.ts";
import type { Reading } from "../src/sensortag/reading.ts";

const DEST = destinationOf({
  brokers: ["127.0.0.1:9092"],
  topic: "t",
  format: "confluent",
  subject: "t-value",
  schemaStrategy: "auto",
});

async function fresh() {
  const dir = await Deno.makeTempDir({ prefix: "spool-identity-" });
  const path = join(dir, "spool.sqlite");
  return { dir, path, open: () => new Spool({ path, maxBytes: 1 << 20, policy: "drop-oldest" }) };
}

Deno.test("a spool's id is made with it and kept; a new file at the path is a new spool", async () => {
  const { dir, path, open } = await fresh();
  const first = open();
  assert.match(first.id, UUID_V7_PATTERN);
  first.close();
  const again = open();
  assert.equal(again.id, first.id, "reopened: the same spool");
  again.close();
  await Deno.remove(path);
  const other = open();
  assert.notEqual(other.id, first.id, "a new spool at the same path has a new id");
  other.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every reading keeps its reading_id through the spool and quarantine; encode sees both ids", async () => {
  const { dir, open } = await fresh();
  const spool = open();
  const dest = spool.destinationId(DEST);
  const seen: { seq: number; readingId: string; spoolId: string }[] = [];
  const entry = (readingId?: string) => ({
    device: "AA",
    takenMs: 1_765_000_000_000,
    schemaFp: "00ff",
    readingId,
    encode: (seq: number, ids: { readingId: string; spoolId: string }) => {
      seen.push({ seq, ...ids });
      return new TextEncoder().encode(`${ids.readingId}#${seq}`);
    },
  });
  const given = "01936f6e-7d2a-7c3b-8d4e-5f60718293a4";
  assert.equal(spool.append(dest, [entry(given), entry()]), 2);
  const [a, b] = spool.peek(dest, 10);
  assert.equal(a.readingId, given, "an id given when taken is kept");
  assert.match(b.readingId, UUID_V7_PATTERN, "an entry without one gets one");
  assert.notEqual(a.readingId, b.readingId);
  assert.deepEqual(seen, [
    { seq: 1, readingId: given, spoolId: spool.id },
    { seq: 2, readingId: b.readingId, spoolId: spool.id },
  ]);
  spool.quarantine([b], "refused");
  assert.equal([...spool.quarantined(dest)][0].readingId, b.readingId);
  spool.close();
  const reopened = open();
  assert.equal(reopened.peek(dest, 10)[0].readingId, given, "kept across a restart");
  reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a spool of the previous layout gets a spool id and an id for each reading it holds", async () => {
  const { dir, path, open } = await fresh();
  const old = new DatabaseSync(path);
  old.exec(PREVIOUS_LAYOUT);
  old.exec(`INSERT INTO destinations (key) VALUES ('{"topic":"t"}')`);
  const insert = old.prepare(
    "INSERT INTO readings (dest, device, seq, taken_ms, schema_fp, body) VALUES (1, ?, ?, ?, 'ff', x'00')",
  );
  insert.run("AA", 1, 1_700_000_000_000);
  insert.run("AA", 2, 1_700_000_000_000);
  insert.run("BB", 1, 1_700_000_005_000);
  old.exec(`INSERT INTO quarantine (id, dest, device, seq, taken_ms, schema_fp, body, reason, at_ms)
    VALUES (9, 1, 'CC', 1, 1_700_000_009_000, 'ff', x'00', 'refused', 0)`);
  old.close();

  const spool = open();
  assert.match(spool.id, UUID_V7_PATTERN);
  const waiting = [...spool.readings()];
  const quarantined = [...spool.quarantined()];
  assert.deepEqual(waiting.map((e) => [e.device, e.seq]), [["AA", 1], ["AA", 2], ["BB", 1]]);
  const ids = [...waiting, ...quarantined].map((e) => e.readingId);
  for (const id of ids) assert.match(id, UUID_V7_PATTERN);
  assert.equal(new Set(ids).size, 4, "each reading its own id");
  assert.deepEqual(
    [...waiting, ...quarantined].map((e) => uuidV7Time(e.readingId)),
    [...waiting, ...quarantined].map((e) => e.takenMs),
    "ids carry when each reading was taken",
  );
  assert.equal(spool.lastSeq(1, "AA"), 0, "no device_seq rows were in the old spool: untouched");
  spool.close();
  const again = open();
  assert.deepEqual([...again.readings()].map((e) => e.readingId), ids.slice(0, 3), "ids are kept");
  again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the spooler checks a reading when taken and encodes it once, with seq and both ids", async () => {
  const { dir, open } = await fresh();
  const spool = open();
  const dest = spool.destinationId(DEST);
  const schema = await loadWriterSchema();
  const log = createLogger({ level: "error", write: () => {} });
  const spooler = new Spooler(spool, dest, schema, log, () => {});
  const reading = (rh: number): Reading => ({
    address: "B0:B4:48:00:00:01",
    model: "cc2650",
    time: Date.now(),
    fields: { ambient: 21, objecttemp: 20, humidity: 22, rh },
  });
  spooler.accept(reading(40));
  spooler.accept({ ...reading(41), fields: { ambient: 21 } as Record<string, number> });
  spooler.accept(reading(42));
  spooler.flush();
  assert.deepEqual(spooler.stats, { taken: 3, spooled: 2, rejected: 1, held: 0 });
  const entries = spool.peek(dest, 10);
  assert.deepEqual(entries.map((e) => e.seq), [1, 2], "a refused reading uses no seq");
  for (const e of entries) {
    const r = decodeRecord(schema, e.body);
    assert.equal(r.reading_id, e.readingId);
    assert.equal(r.spool_id, spool.id);
    assert.equal(r.seq, e.seq);
  }
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readings spooled before reading_id get the ids into their values, in the schema of today", async () => {
  const { dir, path, open } = await fresh();
  const current = await loadWriterSchema();
  const parsed = JSON.parse(current.text);
  const previous = writerSchemaFromText(JSON.stringify({
    ...parsed,
    fields: parsed.fields.filter((f: { name: string }) =>
      !["reading_id", "spool_id"].includes(f.name)
    ),
  }));
  const old = new DatabaseSync(path);
  old.exec(PREVIOUS_LAYOUT);
  old.exec(`INSERT INTO destinations (key) VALUES ('{"topic":"t"}')`);
  old.prepare("INSERT INTO schemas (fp, schema) VALUES (?, ?)").run(
    previous.fingerprintHex,
    previous.text,
  );
  const insert = old.prepare(
    "INSERT INTO readings (dest, device, seq, taken_ms, schema_fp, body) VALUES (1, ?, ?, ?, ?, ?)",
  );
  for (const seq of [1, 2]) {
    const record = {
      bid: "AA",
      time: 1_700_000_000,
      ambient: 21,
      objecttemp: 20,
      humidity: 22,
      rh: 40 + seq,
      seq,
    };
    insert.run(
      "AA",
      seq,
      1_700_000_000_000,
      previous.fingerprintHex,
      encodeRecord(previous, record),
    );
  }
  old.close();

  const spool = open();
  assert.equal(addIdentityToSpooledValues(spool, current), 2);
  const entries = spool.peek(1, 10);
  assert.equal(entries.length, 2);
  for (const e of entries) {
    assert.notEqual(e.schemaFp, previous.fingerprintHex);
    const written = writerSchemaFromText(spool.schema(e.schemaFp)!);
    assert.ok(written.type.equals(current.type), "the schema of today, field for field");
    const r = decodeRecord(written, e.body);
    assert.equal(r.reading_id, e.readingId);
    assert.equal(r.spool_id, spool.id);
    assert.equal(r.seq, e.seq);
    assert.equal(r.rh, 40 + e.seq!, "the reading's own values kept");
  }
  assert.equal(addIdentityToSpooledValues(spool, current), 0, "done once");
  assert.equal(
    addIdentityToSpooledValues(spool, previous),
    0,
    "a schema without the fields adds none",
  );
  spool.close();
  await Deno.remove(dir, { recursive: true });
});

/** The layout before reading identity (main at 0e302dc). */
const PREVIOUS_LAYOUT = `
  CREATE TABLE IF NOT EXISTS destinations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER,
    taken_ms INTEGER NOT NULL,
    schema_fp TEXT NOT NULL,
    body BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS readings_by_dest ON readings (dest, id);
  CREATE TABLE IF NOT EXISTS device_seq (
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (dest, device)
  );
  CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER,
    taken_ms INTEGER NOT NULL,
    schema_fp TEXT NOT NULL,
    body BLOB NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS schemas (fp TEXT PRIMARY KEY, schema TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;
