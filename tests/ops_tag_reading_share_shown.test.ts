/**
 * The share of expected readings taken per tag over the last hour is a Prometheus metric
 * (gateway_tag_reading_share), in /status.json (readingShare), on the status page and in
 * `gateway status`. The arithmetic is tests/ble_reading_share_last_hour.test.ts's.
 */
import assert from "node:assert/strict";
import { ProduceMonitor } from "../src/status/produce_monitor.ts";
import { Readiness } from "../src/status/readiness.ts";
import { producePage } from "../src/status/produce_page.ts";
import { statusText } from "../src/status/status_table.ts";
import { waitFor } from "./_support/gateway_process.ts";

Deno.test("a tag never read shows 0% of its expected readings; one not yet due shows none", async () => {
  const monitor = new ProduceMonitor(new Readiness({}), "test");
  monitor.tagsExpected(["B0:B4:48:00:00:01"], 20);
  monitor.tagsExpected(["B0:B4:48:00:00:02"]); // same run: the interval stays
  const first = monitor.snapshot();
  assert.equal(first.tags[0].readingShare, undefined, "no reading is due in the first interval");
  await waitFor(
    "one interval to pass",
    () => monitor.snapshot().tags[0].readingShare !== undefined || undefined,
    5_000,
    10,
  );
  const s = monitor.snapshot();
  assert.equal(s.tags[0].readingShare, 0);
  const metrics = await monitor.registry.metrics();
  assert.match(metrics, /^gateway_tag_reading_share\{device="B0:B4:48:00:00:01"\} 0$/m);
  assert.match(metrics, /^# HELP gateway_tag_reading_share Share \(0 to 1\) of the readings/m);
  const json = JSON.parse(JSON.stringify(s));
  assert.equal(json.tags[0].readingShare, 0);
  const text = statusText([{ url: "http://x:1", reachable: true, status: s }], false);
  assert.match(text, /SHARE 1H/);
  assert.match(text, /^B0:B4:48:00:00:01 .* 0% /m);
  const page = producePage(s, () => []);
  assert.match(page, /expected readings taken, last hour<\/span> <b>0%<\/b>/);
});
