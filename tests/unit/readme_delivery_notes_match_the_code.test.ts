/**
 * The README's delivery notes (docs/sink.md) say what the code does: INSERT is at least once (UPSERT with a PK
 * is the exactly-once recipe), and a dead letter too large for its topic is truncated to fit,
 * with the headers the code sets — not "unchanged".
 */
import assert from "node:assert/strict";
import {
  ORIGINAL_KEY_SIZE_HEADER,
  ORIGINAL_SIZE_HEADER,
  TRUNCATED_HEADER,
} from "../../src/sink/io/dead_letter_fit.ts";

// The sink's delivery notes moved from the README to docs/sink.md (the README links it).
const sinkSection = await Deno.readTextFile(new URL("../../docs/sink.md", import.meta.url));
const flat = sinkSection.replace(/\s+/g, " ");

Deno.test("the README says INSERT is at least once and UPSERT with a PK is exactly once", () => {
  assert.match(flat, /`INSERT` is at least once/);
  assert.match(flat, /exactly once in the store, use `UPSERT` with a `PK`/);
});

Deno.test("the README's dead-letter section says an oversized letter is truncated, naming its headers", () => {
  const dlq = flat.slice(
    flat.indexOf("Poison records"),
    flat.indexOf("A missing dead-letter topic"),
  );
  assert.doesNotMatch(dlq, /unchanged/, "a letter is not always unchanged");
  assert.match(dlq, /truncated to fit/);
  for (const h of [TRUNCATED_HEADER, ORIGINAL_SIZE_HEADER, ORIGINAL_KEY_SIZE_HEADER]) {
    assert.ok(dlq.includes("`" + h), `${h} named`);
  }
});
