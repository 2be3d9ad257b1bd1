/**
 * One duration grammar (src/util/duration.ts) for every option, variable and file key: a plain
 * number in the setting's own unit, or a number with ms, s, m or h; whole milliseconds; within the
 * setting's bounds, never above what a timer can wait (2^31 - 1 ms).
 */
import assert from "node:assert/strict";
import {
  DurationError,
  durationHelp,
  formatDuration,
  MAX_TIMER_MS,
  parseDuration,
} from "../../src/util/duration.ts";

const SECONDS = { unit: "s", maxMs: 86_400_000 } as const;
const MILLIS = { unit: "ms", maxMs: 86_400_000 } as const;

Deno.test("a plain number is in the setting's own unit; a suffix names the unit", () => {
  assert.equal(parseDuration("--x", "10", SECONDS), 10_000);
  assert.equal(parseDuration("--x", "10", MILLIS), 10);
  assert.equal(parseDuration("--x", "0.5", SECONDS), 500);
  assert.equal(parseDuration("--x", ".5", SECONDS), 500);
  assert.equal(parseDuration("--x", "1e2", SECONDS), 100_000);
  for (const bounds of [SECONDS, MILLIS]) {
    assert.equal(parseDuration("--x", "500ms", bounds), 500);
    assert.equal(parseDuration("--x", "10s", bounds), 10_000);
    assert.equal(parseDuration("--x", "2m", bounds), 120_000);
    assert.equal(parseDuration("--x", "1h", bounds), 3_600_000);
    assert.equal(parseDuration("--x", "1.5m", bounds), 90_000);
    assert.equal(parseDuration("--x", " 10 S ", bounds), 10_000);
    assert.equal(parseDuration("--x", "24h", bounds), 86_400_000);
  }
});

Deno.test("decimal fractions scale exactly: 1.1 s is 1100 ms, not 1100.0000000000002", () => {
  assert.equal(parseDuration("--x", "1.1", SECONDS), 1100);
  assert.equal(parseDuration("--x", "0.3s", SECONDS), 300);
  assert.equal(parseDuration("--x", "4.35", SECONDS), 4350);
});

Deno.test("above the maximum is refused, saying the maximum and what the value came to", () => {
  assert.throws(
    () => parseDuration("--interval", "2592000", SECONDS),
    (e: Error) =>
      e instanceof DurationError &&
      e.message === '--interval must be at most 24h, got "2592000" (30 days)',
  );
  assert.throws(() => parseDuration("--x", "1e10", SECONDS), /--x must be at most 24h, got "1e10"/);
  assert.throws(() => parseDuration("--x", "25h", MILLIS), /at most 24h/);
  assert.throws(() => parseDuration("--x", "1e400", SECONDS), /at most 24h, got "1e400"$/);
  // No setting can state a maximum a timer would not honour.
  assert.throws(
    () => parseDuration("--x", "1000h", { unit: "s", maxMs: Infinity }),
    new RegExp(`at most ${formatDuration(MAX_TIMER_MS)}`),
  );
});

Deno.test("below the minimum, zero, malformed and sub-millisecond values are refused", () => {
  assert.throws(() => parseDuration("--x", "0", SECONDS), /--x must be at least 1ms, got "0"/);
  assert.throws(
    () => parseDuration("--x", "50ms", { ...SECONDS, minMs: 100 }),
    /at least 100ms, got "50ms"/,
  );
  for (const bad of ["", "abc", "-1", "10 minutes", "1d", "0x10", "Infinity", "NaN", "1h30m"]) {
    assert.throws(
      () => parseDuration("--x", bad, SECONDS),
      /--x must be a positive number of seconds, or a number with a unit \(500ms, 10s, 2m, 1h\)/,
      bad,
    );
  }
  assert.throws(() => parseDuration("--x", "1.5ms", SECONDS), /whole number of milliseconds/);
});

Deno.test("0 is accepted only where it means something, and the message says what", () => {
  const giveUp = { unit: "s", maxMs: 86_400_000, zero: "never" } as const;
  assert.equal(parseDuration("--give-up-after", "0", giveUp), 0);
  assert.equal(parseDuration("--give-up-after", "0s", giveUp), 0);
  assert.throws(
    () => parseDuration("--give-up-after", "soon", giveUp),
    /or 0 \(never\), got "soon"/,
  );
});

Deno.test("help states the plain unit, the suffixes and the bounds", () => {
  assert.equal(durationHelp(SECONDS), "seconds, or 500ms, 10s, 2m, 1h; at most 24h");
  assert.equal(
    durationHelp({ unit: "ms", maxMs: 2550 }),
    "milliseconds, or 500ms, 10s, 2m, 1h; at most 2550ms",
  );
  assert.equal(
    durationHelp({ unit: "s", minMs: 100, maxMs: 3_600_000, zero: "never" }),
    "seconds, or 500ms, 10s, 2m, 1h; 100ms to 1h; 0: never",
  );
});

Deno.test("formatDuration writes the largest exact unit", () => {
  assert.equal(formatDuration(86_400_000), "24h");
  assert.equal(formatDuration(2_592_000_000), "30 days");
  assert.equal(formatDuration(120_000), "2m");
  assert.equal(formatDuration(1500), "1.5s");
  assert.equal(formatDuration(2550), "2550ms");
  assert.equal(formatDuration(MAX_TIMER_MS), "24.9 days");
});
