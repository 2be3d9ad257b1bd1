/**
 * UPSERT's replace-by-_id is written as an insert first (FerretDB writes inserts many to a
 * statement, replace-upserts one by one); the first _id already stored turns the rest of the
 * batch back into replace-upserts, so the end state is what replacing gives.
 */
import assert from "node:assert/strict";
import { type Document, MongoBulkWriteError } from "mongodb";
import { writeOrdered, type WritePolicy, type WriteTarget } from "../src/sink/io/bulk_writer.ts";
import type { WriteModel } from "../src/sink/shape/write_models.ts";

/** An ordered store as MongoDB is: an insert of a stored _id fails with E11000 at its index. */
function store() {
  const docs = new Map<unknown, Document>();
  const calls: string[] = [];
  const target: WriteTarget = {
    bulkWrite(ops) {
      calls.push(ops.map(describe).join(" "));
      for (const [index, op] of ops.entries()) {
        if ("insertOne" in op) {
          const d = op.insertOne.document as Document;
          if (docs.has(d._id)) {
            return Promise.reject(
              new MongoBulkWriteError(
                {
                  message: "E11000 duplicate key",
                  code: 11000,
                  writeErrors: [{ index, code: 11000, errmsg: "E11000 duplicate key" }],
                } as never,
                {} as never,
              ),
            );
          }
          docs.set(d._id, d);
        } else if ("replaceOne" in op) {
          const { filter, replacement, upsert } = op.replaceOne;
          if (docs.has(filter._id) || upsert) {
            docs.set(filter._id, { ...replacement, _id: filter._id });
          }
        } else if ("deleteOne" in op) {
          docs.delete((op.deleteOne.filter as Document)._id);
        } else {
          throw new Error("not in this store");
        }
      }
      return Promise.resolve({});
    },
    findOne(filter) {
      return Promise.resolve(docs.get(filter._id) ?? null);
    },
  };
  return { docs, calls, target };
}

function describe(op: WriteModel): string {
  if ("insertOne" in op) return `insert:${(op.insertOne.document as Document)._id}`;
  if ("replaceOne" in op) return `replace:${op.replaceOne.filter._id}`;
  if ("deleteOne" in op) return `delete:${(op.deleteOne.filter as Document)._id}`;
  return "other";
}

const upsert = (id: string, v: number): WriteModel => ({
  replaceOne: { filter: { _id: id } as never, replacement: { _id: id, v }, upsert: true },
});
const policy: WritePolicy = {
  errorPolicy: "THROW",
  maxRetries: 0,
  retryIntervalMs: 1,
  minBackoffMs: 1,
  maxBackoffMs: 2,
};
const hooks = {
  signal: new AbortController().signal,
  onUnavailable: () => {},
  onRejected: () => {},
};

Deno.test("upserts of new _ids go to the store as one bulk of inserts", async () => {
  const s = store();
  const out = await writeOrdered(
    s.target,
    ["a", "b", "c"].map((id) => upsert(id, 1)),
    policy,
    hooks,
  );
  assert.deepEqual(out, { applied: 3, rejected: [] });
  assert.deepEqual(s.calls, ["insert:a insert:b insert:c"]);
  assert.deepEqual([...s.docs.values()], [{ _id: "a", v: 1 }, { _id: "b", v: 1 }, {
    _id: "c",
    v: 1,
  }]);
});

Deno.test("the first stored _id turns the rest of the batch into replace-upserts: same end state", async () => {
  const s = store();
  s.docs.set("c", { _id: "c", v: 0 });
  s.docs.set("d", { _id: "d", v: 0 });
  const ops = [upsert("a", 1), upsert("b", 1), upsert("c", 1), upsert("e", 1), upsert("d", 1)];
  const out = await writeOrdered(s.target, ops, policy, hooks);
  assert.deepEqual(out, { applied: 5, rejected: [] });
  assert.deepEqual(s.calls, [
    "insert:a insert:b insert:c insert:e insert:d",
    "replace:c replace:e replace:d",
  ]);
  for (const id of ["a", "b", "c", "d", "e"]) {
    assert.deepEqual(s.docs.get(id), { _id: id, v: 1 }, `${id} holds the last value written`);
  }
});

Deno.test("the same _id twice in one batch ends with the later document, as replacing does", async () => {
  const s = store();
  const out = await writeOrdered(s.target, [upsert("a", 1), upsert("a", 2)], policy, hooks);
  assert.equal(out.applied, 2);
  assert.deepEqual(s.docs.get("a"), { _id: "a", v: 2 });
});

Deno.test("other operations keep their kind; INSERT's duplicate is not turned into a replace", async () => {
  const s = store();
  s.docs.set("x", { _id: "x", v: 0 });
  const ops: WriteModel[] = [upsert("a", 1), { deleteOne: { filter: { _id: "x" } as never } }];
  await writeOrdered(s.target, ops, policy, hooks);
  assert.deepEqual(s.calls, ["insert:a delete:x"]);
  assert.equal(s.docs.has("x"), false);

  const t = store();
  t.docs.set("y", { _id: "y", v: 0 });
  await assert.rejects(
    writeOrdered(
      t.target,
      [{ insertOne: { document: { _id: "y", v: 1 } as never } }],
      policy,
      hooks,
    ),
    /rejected a write/,
  );
  assert.deepEqual(t.docs.get("y"), { _id: "y", v: 0 }, "an INSERT never overwrites");
});
