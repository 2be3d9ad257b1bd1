import assert from "node:assert/strict";
import { UUID_V7_PATTERN, uuidV7Generator, uuidV7Time } from "../../src/util/uuid_v7.ts";

function bytesOf(uuid: string): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

Deno.test("a UUIDv7 is 8-4-4-4-12 lower-case hex with version 7, variant 10 and the time in ms", () => {
  const ms = 1_765_000_000_123;
  const next = uuidV7Generator({ now: () => ms });
  for (let i = 0; i < 1000; i++) {
    const id = next();
    assert.match(id, UUID_V7_PATTERN);
    const b = bytesOf(id);
    assert.equal(b[6] >> 4, 7, `version nibble of ${id}`);
    assert.equal(b[8] >> 6, 0b10, `variant bits of ${id}`);
    assert.equal(uuidV7Time(id), ms);
  }
});

Deno.test("ids of one millisecond, and of a clock that goes back, still sort in the order made", () => {
  let ms = 1_765_000_000_000;
  const next = uuidV7Generator({ now: () => ms });
  const ids: string[] = [];
  for (let i = 0; i < 10_000; i++) ids.push(next());
  ms -= 60_000; // NTP steps the clock back a minute
  for (let i = 0; i < 1000; i++) ids.push(next());
  ms += 120_000;
  ids.push(next());
  assert.deepEqual([...ids].sort(), ids, "text order is creation order");
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(uuidV7Time(ids[10_500]), 1_765_000_000_000, "a clock gone back keeps the last ms");
  assert.equal(uuidV7Time(ids.at(-1)!), ms);
});

Deno.test("a counter that runs out in one millisecond borrows the next, never going back", () => {
  const ms = 1_765_000_000_000;
  // A 4-bit counter seeded with all-ones random bytes starts at 7: 8 more ids fit in the ms.
  const next = uuidV7Generator({ now: () => ms, random: (b) => b.fill(0xff), counterBits: 4 });
  const ids = Array.from({ length: 20 }, () => next());
  assert.deepEqual(ids.map(uuidV7Time), [
    ...Array(9).fill(ms),
    ...Array(9).fill(ms + 1),
    ...Array(2).fill(ms + 2),
  ]);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("two generators with the same clock differ by their random bits", () => {
  const ms = 1_765_000_000_000;
  const a = uuidV7Generator({ now: () => ms });
  const b = uuidV7Generator({ now: () => ms });
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    ids.add(a());
    ids.add(b());
  }
  assert.equal(ids.size, 10_000, "no id made twice");
});

Deno.test("a clock outside what 48 bits of milliseconds hold is refused, not wrapped", () => {
  assert.throws(() => uuidV7Generator({ now: () => -1 })(), /outside/);
  assert.throws(() => uuidV7Generator({ now: () => 2 ** 48 })(), /outside/);
  assert.throws(() => uuidV7Generator({ now: () => NaN })(), /outside/);
  assert.throws(() => uuidV7Time("not-a-uuid"), /not a UUIDv7/);
});
