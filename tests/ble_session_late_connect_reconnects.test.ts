/**
 * A tag whose connection comes up only after the session's connect timed out (and was cancelled)
 * is disconnected, and the session connects again and streams: it no longer fails every retry
 * with "Peripheral already connected".
 */
import assert from "node:assert/strict";
import { TagManager } from "../src/ble/tag_manager.ts";
import type { TagReading } from "../src/ble/tag_session.ts";
import { createSimulatedNoble, simulatedAddresses } from "../src/ble/virtual/simulated_noble.ts";
import { silentLogger } from "../src/util/log.ts";
import { waitFor } from "./_support/gateway_process.ts";

Deno.test("a tag that connects after the connect timeout is disconnected, then reconnected and read", async () => {
  const [address] = simulatedAddresses(1);
  const sim = createSimulatedNoble([address], { latencyMs: 1 });
  sim.bindings.delayNextConnect(address, 600);
  const details: string[] = [];
  const m = new TagManager(sim.noble, [address], {
    sensors: ["ir"],
    mode: "poll",
    intervalMs: 100,
    accelRange: 8,
    connectTimeoutMs: 300,
    backoff: { startingDelayMs: 1000, maxDelayMs: 1000 },
    onTagState: (_a, state, detail) => details.push(`${state}: ${detail ?? ""}`),
  }, silentLogger);
  const readings: TagReading[] = [];
  let disconnects = 0;
  sim.bindings.on("disconnect", () => disconnects++);
  await m.start((r) => readings.push(r));
  try {
    await waitFor(
      "readings after the late connection",
      () => readings.length >= 3 || undefined,
      15_000,
      20,
    );
    assert.ok(
      details.some((d) => /connect timed out/.test(d)),
      `the first connect timed out: ${details.join(" | ")}`,
    );
    assert.ok(disconnects >= 1, "the late link was disconnected");
    assert.ok(
      !details.some((d) => /already connected/.test(d)),
      `no attempt failed with 'already connected': ${details.join(" | ")}`,
    );
  } finally {
    await m.stop();
  }
});
