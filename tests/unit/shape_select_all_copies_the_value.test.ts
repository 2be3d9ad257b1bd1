/**
 * `SELECT *` alone takes a shorter path than other statements (measured cheaper in the sink's
 * loop); these pin that it writes exactly what the general path writes.
 */
import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";
import { shapeDocument, type ShapeInput } from "../../src/sink/shape/mod.ts";

function input(value: unknown): ShapeInput {
  return { value, key: null, topic: "t", partition: 0, offset: "7", timestamp: "0" };
}

const shape = (kcql: string, value: unknown) =>
  shapeDocument(parseKcql(kcql).statements[0], input(value));

/** A value with a field literally named "__proto__" (a valid Avro name), as JSON.parse makes it. */
const withProto = () => JSON.parse('{"id":"a","__proto__":{"x":1},"n":2}');

Deno.test("SELECT * copies every field in order, a field called __proto__ as an ordinary field", () => {
  const { document } = shape("INSERT INTO c SELECT * FROM t", withProto());
  assert.deepEqual(Object.keys(document), ["id", "__proto__", "n"]);
  assert.equal(Object.getPrototypeOf(document), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(document, "__proto__")?.value, { x: 1 });
});

Deno.test("SELECT * gives the same document as listing every field by name", () => {
  const value = { id: "a", temp: 21.5, when: new Date(5), tags: ["x"], nested: { a: 1 } };
  assert.deepEqual(
    shape("INSERT INTO c SELECT * FROM t", value),
    shape("INSERT INTO c SELECT id, temp, when, tags, nested FROM t", value),
  );
});

Deno.test("SELECT * copies: the document is not the decoded value itself", () => {
  const value = { id: "a" };
  const { document } = shape("INSERT INTO c SELECT * FROM t", value);
  assert.notEqual(document, value);
});

Deno.test("UPSERT SELECT * puts the PK as _id first and drops a value field called _id", () => {
  const shaped = shape("UPSERT INTO c SELECT * FROM t PK id", { _id: "old", id: "a", n: 1 });
  assert.deepEqual(shaped.filter, { _id: "a" });
  assert.deepEqual(Object.entries(shaped.document), [["_id", "a"], ["id", "a"], ["n", 1]]);
});

Deno.test("UPDATE SELECT * sets every field but _id", () => {
  const shaped = shape("UPDATE INTO c SELECT * FROM t PK id", { _id: "old", id: "a", n: 1 });
  assert.deepEqual(shaped, { filter: { _id: "a" }, document: { id: "a", n: 1 } });
});

Deno.test("SELECT * of a value that is not a record says so", () => {
  assert.throws(
    () => shape("INSERT INTO c SELECT * FROM t", 5),
    /needs the record value to be a record/,
  );
  assert.throws(() => shape("INSERT INTO c SELECT * FROM t", null), /a tombstone/);
});
