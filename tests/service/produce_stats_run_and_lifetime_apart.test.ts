import assert from "node:assert/strict";
import { uniqueName } from "../_support/gateway_process.ts";
import { logFields, sleep, startSimulatedProducer } from "../_support/produce.ts";

function stoppedLine(lines: string[]): Record<string, string> {
  const line = [...lines].reverse().find((l) => / INFO +stopped /.test(l));
  if (!line) throw new Error(`no "stopped" line:\n${lines.slice(-10).join("\n")}`);
  return logFields(line);
}

Deno.test({
  name: "the stats keep this run's counts apart from the destination's lifetime ones",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("lifetime");
    const dir = await Deno.makeTempDir({ prefix: "gateway-lifetime-" });
    const first = await startSimulatedProducer(topic, 2, [], dir);
    await first.proc.waitForLine(/ INFO +kafka producer connected/);
    await sleep(1500);
    assert.equal(await first.proc.stop(), 0);
    const one = stoppedLine(first.proc.lines);
    assert.equal(one.takenTotal, one.spooled, "a fresh spool: lifetime = this run");

    const second = await startSimulatedProducer(topic, 2, [], dir);
    await second.proc.waitForLine(/ INFO +kafka producer connected/);
    const stats = logFields(await second.proc.waitForLine(/ INFO +stats .*sent=[1-9]/));
    assert.ok(Number(stats.sentTotal) > Number(stats.sent), "the stats line carries both");
    assert.equal(stats.failing, "none");
    assert.equal(stats.kafka, "connected");
    await sleep(1000);
    assert.equal(await second.proc.stop(), 0);
    const two = stoppedLine(second.proc.lines);
    assert.equal(Number(two.takenTotal), Number(one.spooled) + Number(two.spooled));
    assert.equal(Number(two.sentTotal), Number(one.sent) + Number(two.sent));
    assert.ok(Number(two.taken) < Number(two.takenTotal), "taken counts this run only");
    await Deno.remove(dir, { recursive: true });
  },
});
