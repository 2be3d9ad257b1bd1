/** The share of expected readings taken per tag over the last hour, with an injected clock. */
import assert from "node:assert/strict";
import { ReadingShare } from "../src/ble/reading_share.ts";

const MIN = 60_000;

Deno.test("every reading taken: share 1; half of them: 0.5", () => {
  const s = new ReadingShare(10_000);
  const t0 = 1_000 * MIN;
  s.expect("full", t0);
  s.expect("half", t0);
  for (let t = t0 + 10_000; t <= t0 + 10 * MIN; t += 10_000) {
    s.taken("full", t);
    if ((t - t0) % 20_000 === 0) s.taken("half", t);
  }
  assert.equal(s.share("full", t0 + 10 * MIN), 1);
  assert.equal(s.share("half", t0 + 10 * MIN), 0.5);
  assert.deepEqual(s.tags(), ["full", "half"]);
});

Deno.test("before one interval has passed the share is unknown; a silent tag is 0", () => {
  const s = new ReadingShare(10_000);
  s.expect("quiet", 0);
  assert.equal(s.share("quiet", 5_000), undefined);
  assert.equal(s.share("quiet", 60_000), 0);
  assert.equal(s.share("never-expected", 60_000), undefined);
});

Deno.test("only the last hour counts: an outage two hours ago is forgotten", () => {
  const s = new ReadingShare(MIN);
  const t0 = 10_000 * MIN;
  s.expect("tag", t0);
  // Nothing for the first hour, then a reading every minute for two hours.
  for (let t = t0 + 61 * MIN; t <= t0 + 180 * MIN; t += MIN) s.taken("tag", t);
  const now = t0 + 180 * MIN;
  assert.equal(s.share("tag", now), 1);
  // Half an hour after the readings stopped, half the hour's readings are missing.
  assert.ok(Math.abs(s.share("tag", now + 30 * MIN)! - 0.5) < 0.05);
});
