/**
 * noble's HCI bindings stop scanning before they initiate a connection and never start it again.
 * The tag manager follows noble's scanStart/scanStop and resumes scanning once no connect is
 * underway, so a tag first heard after another tag connected is still found (before, it was "not
 * heard advertising" until its wait timed out, and then never, as the manager believed it was
 * still scanning).
 */
import assert from "node:assert/strict";
import { TagManager } from "../src/ble/tag_manager.ts";
import type { TagReading } from "../src/ble/tag_session.ts";
import { createSimulatedNoble, simulatedAddresses } from "../src/ble/virtual/simulated_noble.ts";
import { silentLogger } from "../src/util/log.ts";
import { waitFor } from "./_support/gateway_process.ts";

Deno.test("tags that start advertising after another tag connected are heard and read", async () => {
  const addresses = simulatedAddresses(3);
  const sim = createSimulatedNoble(addresses, { latencyMs: 1 });
  sim.bindings.setReachable(addresses[1], false);
  sim.bindings.setReachable(addresses[2], false);
  const details: string[] = [];
  const m = new TagManager(sim.noble, addresses, {
    sensors: ["ir"],
    mode: "poll",
    intervalMs: 100,
    accelRange: 8,
    connectTimeoutMs: 15_000, // far longer than the test waits: no timeout rescues it
    backoff: { startingDelayMs: 50, maxDelayMs: 200 },
    onTagState: (a, state, detail) => details.push(`${a} ${state} ${detail ?? ""}`),
  }, silentLogger);
  const readings: TagReading[] = [];
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "the first tag streaming",
      () => readings.some((r) => r.address === addresses[0]) || undefined,
      5_000,
      10,
    );
    sim.bindings.setReachable(addresses[1], true);
    sim.bindings.setReachable(addresses[2], true);
    await waitFor(
      "readings from all three tags",
      () => new Set(readings.map((r) => r.address)).size === 3 || undefined,
      5_000,
      20,
    );
    assert.ok(!details.some((d) => /not heard/.test(d)), details.join("\n"));
  } finally {
    await m.stop();
  }
});
