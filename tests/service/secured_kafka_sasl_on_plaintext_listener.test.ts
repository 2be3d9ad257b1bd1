/**
 * A SASL client pointed at a plaintext listener gets the broker's raw "Request is not valid given
 * the current SASL state"; the sink says what it means, naming the broker and the setting to
 * check, and exits non-zero after --give-up-after. Real broker (its plaintext listener).
 */
import assert from "node:assert/strict";
import { uniqueName } from "../_support/gateway_process.ts";
import { startSink } from "../_support/sink.ts";

Deno.test({
  name: "sink with SASL against the plaintext listener: 'does not speak SASL on this listener'",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const sink = startSink([
      "--kcql",
      `INSERT INTO c SELECT * FROM ${uniqueName("sasl-plain")}`,
      "--group",
      uniqueName("sasl-plain-g"),
      "--security-protocol",
      "SASL_PLAINTEXT",
      "--sasl-mechanism",
      "PLAIN",
      "--sasl-username",
      "gw",
      "--sasl-password",
      "Plain-Listener-Pw-1",
      "--give-up-after",
      "3",
      "--http",
      "off",
    ]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([
      sink.exited,
      new Promise<number>((r) => (timer = setTimeout(() => r(-1), 60_000))),
    ]);
    clearTimeout(timer);
    if (code === -1) await sink.stop(1000);
    const text = sink.lines.join("\n");
    assert.notEqual(code, 0, text);
    assert.notEqual(code, -1, `the sink gave up in bounded time:\n${text}`);
    const last = sink.lines.filter((l) => l.trim() !== "").at(-1) ?? "";
    assert.match(
      last,
      /the broker at 127\.0\.0\.1:9092 does not speak SASL on this listener .*security-protocol/,
    );
    assert.doesNotMatch(text, /not valid given the current SASL state/);
    assert.doesNotMatch(text, /Plain-Listener-Pw-1/);
  },
});
