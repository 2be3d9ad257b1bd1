/** Dead letters cut to what the dead-letter topic accepts, grouped under its limit (pure). */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  BATCH_OVERHEAD,
  fitLetter,
  groupBySize,
  messageSize,
  ORIGINAL_SIZE_HEADER,
  TRUNCATED_HEADER,
} from "../../src/sink/io/dead_letter_fit.ts";

const letter = (valueBytes: number) => ({
  key: Buffer.from("key"),
  value: Buffer.alloc(valueBytes, 7),
  headers: { "__connect.errors.offset": "42", "gateway.error.reason": "too-large" },
});

Deno.test("a letter that fits is sent unchanged", () => {
  const l = letter(1000);
  assert.equal(fitLetter(l, 1_000_000), l);
});

Deno.test("a letter too large is cut to its first bytes, with headers saying so and its original size", () => {
  const l = letter(3 * 1024 * 1024);
  const fitted = fitLetter(l, 1_000_000);
  assert.ok(messageSize(fitted) <= 1_000_000 - BATCH_OVERHEAD);
  assert.ok(fitted.value!.length > 900_000, "as much of it as fits");
  assert.deepEqual(fitted.value, l.value.subarray(0, fitted.value!.length));
  assert.equal(fitted.headers[TRUNCATED_HEADER], "true");
  assert.equal(fitted.headers[ORIGINAL_SIZE_HEADER], String(3 * 1024 * 1024));
  assert.equal(fitted.headers["__connect.errors.offset"], "42", "its coordinates are kept");
  assert.deepEqual(fitted.key, l.key);
});

Deno.test("letters are grouped so that no send exceeds the limit, order kept", () => {
  const ls = Array.from({ length: 10 }, () => letter(300_000));
  const groups = groupBySize(ls, 1_000_000);
  assert.deepEqual(groups.flat(), ls);
  for (const g of groups) {
    assert.ok(g.reduce((n, m) => n + messageSize(m), 0) <= 1_000_000 - BATCH_OVERHEAD);
  }
  assert.equal(groups.length, 4);
});
