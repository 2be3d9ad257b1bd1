/** A replayed insert is recognised as already written only when the stored document is the same (pure). */
import assert from "node:assert/strict";
import { BSON, Double, Long } from "mongodb";
import { sameDocument } from "../../src/sink/io/same_document.ts";

const doc = () => ({
  _id: "k1",
  seq: Long.fromNumber(3),
  d: new Double(2),
  i: 5,
  big: 2 ** 40,
  b: new Uint8Array([1, 2]),
  when: new Date(5),
  nested: { a: [1, "x"] },
});
/** What a store answers with promotion off: the document through BSON. */
const stored = (d: object) =>
  BSON.deserialize(BSON.serialize(d), {
    promoteValues: false,
    promoteLongs: false,
    promoteBuffers: false,
  });

Deno.test("the stored copy of a document is the same document, whatever the field order", () => {
  assert.ok(sameDocument(stored(doc()), doc()));
  const { _id, ...rest } = doc();
  assert.ok(sameDocument(stored({ ...rest, _id }), doc()));
});

Deno.test("a different value, type or field is a different document", () => {
  assert.ok(!sameDocument(stored(doc()), { ...doc(), i: 6 }));
  assert.ok(!sameDocument(stored(doc()), { ...doc(), i: 5.5 }));
  assert.ok(!sameDocument(stored(doc()), { ...doc(), seq: 3 }), "int64 3 is not int32 3");
  assert.ok(!sameDocument(stored(doc()), { ...doc(), extra: null }));
  assert.ok(!sameDocument(stored(doc()), { ...doc(), nested: { a: ["x", 1] } }));
});
