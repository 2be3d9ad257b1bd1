/**
 * The partition-batch rules alone (no services): BATCH at a time, dead letters before the
 * offsets past them, NOOP rejections dead-lettered before a commit also when the rest of the
 * write is abandoned, duplicates of stored documents count as written, refused credentials never
 * reject a record, unknown errors follow the error policy.
 */
import assert from "node:assert/strict";
import { MongoBulkWriteError, MongoNetworkError, MongoServerError } from "mongodb";
import type { Document } from "mongodb";
import type { WritePolicy, WriteTarget } from "../src/sink/io/bulk_writer.ts";
import type { WriteModel } from "../src/sink/shape/write_models.ts";
import type { DeadLetter, DeadLetterSink } from "../src/sink/io/dead_letters.ts";
import { type BatchContext, processRecords } from "../src/sink/io/partition_batch.ts";
import type { Disposition, IncomingRecord } from "../src/sink/record/record.ts";

const records = (n: number): IncomingRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: "t",
    partition: 0,
    offset: String(i),
    key: null,
    value: new TextEncoder().encode(String(i)),
    headers: {},
    timestamp: "0",
  }));

/** Every call, in order, as text: "prepare 0", "write 0,1", "dlq 2:reason", "settled 1". */
type Journal = string[];

/** An insert of `document` (string ids, as PKs and coordinates give). */
const insert = (document: Document): Disposition => ({
  kind: "write",
  op: { insertOne: { document: document as never } },
});

const docOf = (op: WriteModel) => (op as { insertOne: { document: Document } }).insertOne.document;

/** A store kept in a Map; `failures` decides what each bulkWrite call throws first. */
function store(journal: Journal, failures: ((ops: WriteModel[], call: number) => unknown)[] = []) {
  const docs = new Map<unknown, Document>();
  let call = 0;
  const target: WriteTarget = {
    bulkWrite(ops) {
      const f = failures[call]?.(ops, call);
      call++;
      journal.push(`write ${ops.map((o) => docOf(o)._id).join(",")}`);
      if (f) return Promise.reject(f);
      for (const op of ops) docs.set(docOf(op)._id, docOf(op));
      return Promise.resolve({});
    },
    findOne(filter, _options) {
      return Promise.resolve(docs.get(filter._id) ?? null);
    },
  };
  return { target, docs };
}

function dlq(journal: Journal, letters: DeadLetter[] = []): DeadLetterSink {
  return {
    send(list) {
      for (const l of list) journal.push(`dlq ${l.offset}:${l.reason}`);
      letters.push(...list);
      return Promise.resolve();
    },
  };
}

const noop: WritePolicy = {
  errorPolicy: "NOOP",
  maxRetries: 0,
  retryIntervalMs: 1,
  minBackoffMs: 1,
  maxBackoffMs: 2,
};

function ctx(
  journal: Journal,
  over: Partial<BatchContext> & { prepare?: (r: IncomingRecord) => Promise<Disposition> },
): BatchContext {
  return {
    batchSize: 2,
    prepare: (r) => {
      journal.push(`prepare ${r.offset}`);
      return Promise.resolve(insert({ _id: r.offset }));
    },
    collection: store(journal).target,
    deadLetters: dlq(journal),
    policy: noop,
    signal: new AbortController().signal,
    settled: (o) => journal.push(`settled ${o}`),
    onUnavailable: () => {},
    onRejected: () => {},
    ...over,
  };
}

const bulkError = (index: number, code: number) =>
  new MongoBulkWriteError(
    {
      message: `E${code}`,
      code,
      writeErrors: [{ index, code, errmsg: `E${code} at ${index}` }],
    } as never,
    {} as never,
  );

Deno.test("records are prepared, written and settled BATCH at a time, never a whole fetch ahead", async () => {
  const journal: Journal = [];
  const outcome = await processRecords(records(5), ctx(journal, {}));
  assert.deepEqual(journal, [
    "prepare 0",
    "prepare 1",
    "write 0,1",
    "settled 1",
    "prepare 2",
    "prepare 3",
    "write 2,3",
    "settled 3",
    "prepare 4",
    "write 4",
    "settled 4",
  ]);
  assert.equal(outcome.written, 5);
  assert.equal(outcome.end, "done");
});

Deno.test("a poison record is dead-lettered before the write and before any offset past it settles", async () => {
  const journal: Journal = [];
  await processRecords(
    records(2),
    ctx(journal, {
      prepare: (r) =>
        Promise.resolve(
          r.offset === "0"
            ? { kind: "dead", reason: "bad-avro", message: "m" }
            : insert({ _id: r.offset }),
        ),
    }),
  );
  assert.deepEqual(journal, ["dlq 0:bad-avro", "write 1", "settled 1"]);
});

Deno.test("NOOP: a rejected record reaches the dead-letter topic before its offset settles, also when an outage then abandons the rest", async () => {
  const journal: Journal = [];
  const stop = new AbortController();
  const { target } = store(journal, [
    () => bulkError(1, 121), // ops 0..3: 0 applied, 1 rejected
    () => {
      stop.abort(); // the sink stops during the outage
      return new MongoNetworkError("connection 3 to 127.0.0.1:27017 closed");
    },
  ]);
  const outcome = await processRecords(
    records(4),
    ctx(journal, { batchSize: 4, collection: target, signal: stop.signal }),
  );
  assert.equal(outcome.end, "abandoned");
  const dl = journal.indexOf("dlq 1:write-rejected");
  assert.ok(dl >= 0, journal.join(" | "));
  assert.deepEqual(journal.slice(dl), ["dlq 1:write-rejected", "settled 1"]);
  assert.equal(outcome.lastSettled, "1", "nothing past the rejected record is settled");
});

Deno.test("THROW: a rejected write stops the batch; only the records before it settle", async () => {
  const journal: Journal = [];
  const { target } = store(journal, [() => bulkError(1, 121)]);
  const outcome = await processRecords(
    records(4),
    ctx(journal, { batchSize: 4, collection: target, policy: { ...noop, errorPolicy: "THROW" } }),
  );
  assert.equal(outcome.end, "stopped");
  assert.match(outcome.error!.message, /error policy THROW stops the sink/);
  assert.equal(outcome.lastSettled, "0");
  assert.ok(!journal.some((l) => l.startsWith("dlq")));
});

Deno.test("a duplicate key on an insert whose stored document is the same counts as written; a different one is rejected", async () => {
  const journal: Journal = [];
  const letters: DeadLetter[] = [];
  const s = store(journal, [() => bulkError(0, 11000), () => bulkError(0, 11000)]);
  s.docs.set("0", { _id: "0", v: 1 });
  s.docs.set("1", { _id: "1", v: "other" });
  const outcome = await processRecords(
    records(2),
    ctx(journal, {
      batchSize: 2,
      collection: s.target,
      deadLetters: dlq(journal, letters),
      prepare: (r) => Promise.resolve(insert({ _id: r.offset, v: 1 })),
    }),
  );
  assert.equal(outcome.end, "done");
  assert.deepEqual(letters.map((l) => l.offset), ["1"], "only the differing duplicate is rejected");
  assert.equal(outcome.written, 1);
});

Deno.test("a duplicate whose stored copy cannot be read (the store went away) is written again, never rejected", async () => {
  const journal: Journal = [];
  const letters: DeadLetter[] = [];
  const s = store(journal, [() => bulkError(0, 11000)]);
  s.docs.set("0", { _id: "0", v: 1 });
  let finds = 0;
  const target: WriteTarget = {
    bulkWrite: s.target.bulkWrite,
    findOne(filter, options) {
      finds++;
      return finds === 1
        ? Promise.reject(new MongoNetworkError("connection 4 to 127.0.0.1:27017 closed"))
        : s.target.findOne(filter, options);
    },
  };
  const outcome = await processRecords(
    records(2),
    ctx(journal, {
      batchSize: 2,
      collection: target,
      deadLetters: dlq(journal, letters),
      prepare: (r) => Promise.resolve(insert({ _id: r.offset, v: 1 })),
    }),
  );
  assert.equal(outcome.end, "done");
  assert.deepEqual(letters, [], "nothing dead-lettered");
  assert.deepEqual(journal.filter((l) => l.startsWith("write")), ["write 0,1", "write 0,1"]);
  assert.equal(outcome.written, 2);
});

Deno.test("refused credentials (FerretDB's first write) are never a rejection: nothing dead-lettered, nothing settled, the sink stops after the give-up time", async () => {
  for (const policy of ["NOOP", "THROW", "RETRY"] as const) {
    const journal: Journal = [];
    const auth = new MongoBulkWriteError(
      {
        message:
          'failed SASL auth: FATAL: password authentication failed for user "gw" (SQLSTATE 28P01)',
        code: 1,
      } as never,
      {} as never,
    );
    const { target } = store(journal, Array.from({ length: 1000 }, () => () => auth));
    const outcome = await processRecords(
      records(3),
      ctx(journal, {
        collection: target,
        policy: { ...noop, errorPolicy: policy, maxRetries: 3, giveUpAfterMs: 50 },
      }),
    );
    assert.equal(outcome.end, "stopped", policy);
    assert.equal(outcome.error?.configuration, true);
    assert.match(outcome.error!.message, /MongoDB authentication failed/);
    assert.equal(outcome.lastSettled, undefined, `${policy}: nothing settled`);
    assert.ok(!journal.some((l) => l.startsWith("dlq") || l.startsWith("settled")), journal.join());
  }
});

Deno.test("an error of no known kind follows the error policy (NOOP dead-letters it with its class) instead of pausing", async () => {
  const journal: Journal = [];
  const letters: DeadLetter[] = [];
  class OddError extends Error {
    override name = "OddError";
  }
  const { target } = store(journal, [() => new OddError("something odd")]);
  const outcome = await processRecords(
    records(1),
    ctx(journal, { collection: target, deadLetters: dlq(journal, letters) }),
  );
  assert.equal(outcome.end, "done");
  assert.equal(letters[0].errorClass, "OddError");
  assert.equal(letters[0].message, "something odd");
  const throwing = await processRecords(
    records(1),
    ctx([], {
      collection: store([], [() => new OddError("again")]).target,
      policy: { ...noop, errorPolicy: "THROW" },
    }),
  );
  assert.equal(throwing.end, "stopped");
  assert.match(throwing.error!.message, /OddError/);
});

Deno.test("the store away pauses the write and retries it; once back, the batch settles", async () => {
  const journal: Journal = [];
  const down = () => new MongoServerError({ code: 91, errmsg: "shutdown in progress" });
  const { target } = store(journal, [down, down]);
  const outcome = await processRecords(records(2), ctx(journal, { collection: target }));
  assert.equal(outcome.end, "done");
  assert.deepEqual(journal.filter((l) => l.startsWith("settled")), ["settled 1"]);
});

Deno.test("a dead-letter topic that cannot be written keeps the slice unsettled until the batch is abandoned", async () => {
  const journal: Journal = [];
  const stop = new AbortController();
  const stuck: DeadLetterSink = {
    send: (_l, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
  };
  const done = processRecords(
    records(2),
    ctx(journal, {
      signal: stop.signal,
      deadLetters: stuck,
      prepare: () => Promise.resolve({ kind: "dead", reason: "bad-avro", message: "m" }),
    }),
  );
  setTimeout(() => stop.abort(), 20);
  const outcome = await done;
  assert.equal(outcome.end, "abandoned");
  assert.ok(!journal.some((l) => l.startsWith("settled")));
});
