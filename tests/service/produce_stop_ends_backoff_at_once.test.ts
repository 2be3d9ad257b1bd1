/**
 * Stop returns within a second whatever the backoff: a tag in a long reconnect backoff, and a
 * gateway whose delivery loop is backing off from an unreachable broker, both end at once.
 */
import assert from "node:assert/strict";
import { TagManager } from "../../src/ble/tag_manager.ts";
import { createSimulatedNoble, simulatedAddresses } from "../../src/ble/virtual/simulated_noble.ts";
import { silentLogger } from "../../src/util/log.ts";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { startSimulatedProducer } from "../_support/produce.ts";

Deno.test("a tag in a 60 s reconnect backoff: stop returns within a second", async () => {
  const addresses = simulatedAddresses(2);
  const sim = createSimulatedNoble(addresses, { latencyMs: 1 });
  sim.bindings.setReachable(addresses[0], false);
  const m = new TagManager(sim.noble, addresses, {
    sensors: ["ir"],
    mode: "poll",
    intervalMs: 100,
    accelRange: 8,
    connectTimeoutMs: 200,
    backoff: { startingDelayMs: 60_000, maxDelayMs: 60_000 },
  }, silentLogger);
  await m.start(() => {});
  const session = m.sessions.find((s) => s.address === addresses[0])!;
  await waitFor(
    "the unreachable tag in backoff",
    () => session.state === "backoff" ? true : undefined,
    10_000,
    20,
  );
  const t = performance.now();
  await m.stop();
  const ms = performance.now() - t;
  assert.ok(ms < 1000, `stop took ${ms.toFixed(0)} ms with a 60 s backoff pending`);
  assert.equal(session.state, "stopped");
});

Deno.test({
  name:
    "SIGTERM while delivery backs off from an unreachable broker: the gateway exits within ~1 s",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const run = await startSimulatedProducer(uniqueName("stop-backoff"), 2, [
      "--brokers",
      "127.0.0.1:1",
    ]);
    await run.proc.waitForLine(/cannot deliver readings yet/, 30_000);
    // Let the backoff grow to several seconds (200 ms doubling: the 6th wait is 6-13 s).
    await waitFor("a long backoff", () => {
      const stats = run.proc.lines.filter((l) => / INFO +stats /.test(l));
      return stats.length >= 12 ? true : undefined;
    }, 60_000);
    const t = performance.now();
    run.proc.signal("SIGTERM");
    const code = await run.proc.exited;
    const ms = performance.now() - t;
    assert.equal(code, 0);
    assert.ok(ms < 2000, `exit took ${ms.toFixed(0)} ms (SIGTERM to process exit)`);
    console.log(`SIGTERM to exit during a broker backoff: ${ms.toFixed(0)} ms`);
  },
});
