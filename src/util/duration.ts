/**
 * Durations as every option, environment variable and file key takes them: a plain number in the
 * setting's own unit (seconds for most, milliseconds for `--retry-interval` and `--period`), or a
 * number with a unit — `500ms`, `10s`, `2m`, `1h`. Each setting states its bounds; nothing above
 * what a timer can wait (2^31 - 1 ms, about 24.8 days) is ever accepted, since Node's timers fire
 * at once for longer waits.
 */

/** The unit of a plain number. */
export type DurationUnit = "ms" | "s";

/** The longest wait a timer honours (setTimeout, setInterval): 2^31 - 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The suffixes, as help texts list them. */
export const DURATION_SUFFIXES_HELP = "500ms, 10s, 2m, 1h";

/** What a duration setting accepts. */
export interface DurationBounds {
  /** The unit of a number written without a suffix. */
  unit: DurationUnit;
  /** The least accepted, in ms (default 1 ms: positive). */
  minMs?: number;
  /** The most accepted, in ms (at most {@linkcode MAX_TIMER_MS}). */
  maxMs: number;
  /** Whether 0 is accepted besides [minMs, maxMs], and what it means (e.g. "never"). */
  zero?: string;
}

/** A duration that is malformed or out of bounds; the message says which and the bounds. */
export class DurationError extends Error {
  override name = "DurationError";
}

const SYNTAX = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e([+-]?[0-9]+))?\s*(ms|s|m|h)?$/i;

/**
 * Parses `text` into whole milliseconds, within `bounds`. Throws a {@linkcode DurationError}
 * whose message starts with `what` (a flag, variable or file key) and says what was expected.
 */
export function parseDuration(what: string, text: string, bounds: DurationBounds): number {
  const t = text.trim();
  const m = SYNTAX.exec(t);
  if (!m) {
    throw new DurationError(
      `${what} must be a positive number of ${unitName(bounds.unit)}, or a number with a unit ` +
        `(${DURATION_SUFFIXES_HELP})${
          bounds.zero === undefined ? "" : `, or 0 (${bounds.zero})`
        }, got "${text}"`,
    );
  }
  const unit = (m[3] ?? bounds.unit).toLowerCase();
  // Scaled in decimal (by the exponent), not by a binary multiplication: 1.1 s is 1100 ms exactly.
  const exponent = Number(m[2] ?? 0) + (unit === "ms" ? 0 : 3);
  const ms = Number(`${m[1]}e${exponent}`) * (unit === "m" ? 60 : unit === "h" ? 3600 : 1);
  const maxMs = Math.min(bounds.maxMs, MAX_TIMER_MS);
  const minMs = bounds.minMs ?? 1;
  if (ms === 0 && bounds.zero !== undefined) return 0;
  if (!Number.isFinite(ms) || ms > maxMs) {
    throw new DurationError(
      `${what} must be at most ${formatDuration(maxMs)}, got "${text}"${
        Number.isFinite(ms) ? ` (${formatDuration(ms)})` : ""
      }`,
    );
  }
  if (ms < minMs) {
    throw new DurationError(
      `${what} must be at least ${formatDuration(minMs)}${
        bounds.zero === undefined ? "" : ` (or 0: ${bounds.zero})`
      }, got "${text}"`,
    );
  }
  if (!Number.isInteger(ms)) {
    throw new DurationError(`${what} must be a whole number of milliseconds, got "${text}"`);
  }
  return ms;
}

/** Milliseconds in the largest unit that writes them exactly: 86400000 → `24h`, 1500 → `1.5s`. */
export function formatDuration(ms: number): string {
  if (ms >= 172_800_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 100 === 0) return `${ms / 1000}s`;
  if (ms >= 86_400_000) return `${Math.round(ms / 8_640_000) / 10} days`;
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10}h`;
  return `${Math.round(ms * 1000) / 1000}ms`;
}

/** What `--help` says of a duration setting: its plain unit, the suffixes and the bounds. */
export function durationHelp(bounds: DurationBounds): string {
  const min = bounds.minMs ?? 1;
  const range = min > 1
    ? `${formatDuration(min)} to ${formatDuration(Math.min(bounds.maxMs, MAX_TIMER_MS))}`
    : `at most ${formatDuration(Math.min(bounds.maxMs, MAX_TIMER_MS))}`;
  return `${unitName(bounds.unit)}, or ${DURATION_SUFFIXES_HELP}; ${range}` +
    (bounds.zero === undefined ? "" : `; 0: ${bounds.zero}`);
}

function unitName(unit: DurationUnit): string {
  return unit === "ms" ? "milliseconds" : "seconds";
}
