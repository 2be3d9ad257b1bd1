/**
 * The product's one vocabulary for waiting, retrying, giving up and timing out:
 *
 * - {@linkcode retry}: run an operation until it works, with exponential backoff;
 * - {@linkcode delay}: a plain cancellable wait;
 * - {@linkcode GiveUpClock}: "retry until `--give-up-after`, then stop", with one rule for what
 *   counts and what resets the clock; it ends in a {@linkcode GiveUpError} that keeps the cause;
 * - {@linkcode deadline}: a promise bounded in time, rejecting with a {@linkcode DeadlineError}.
 *
 * (Log once per cause: `log_episodes.ts`.) Every wait ends at once when its `AbortSignal` fires,
 * whatever the backoff, so stopping returns within a second. Every function takes an injectable
 * {@linkcode Clock}, so tests check exact delays without sleeping.
 */

/** Time and timers, injectable: {@linkcode systemClock} unless a test gives its own. */
export interface Clock {
  /** Milliseconds since some origin (default `Date.now`). */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns what {@linkcode Clock.clearTimeout} takes. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer of {@linkcode Clock.setTimeout}. */
  clearTimeout(id: unknown): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** How {@linkcode retry} waits and when it gives up. */
export interface RetryOptions {
  /** Ends the retries (and the current delay) at once; the promise rejects with its reason. */
  signal?: AbortSignal;
  /** First delay after a failure, in ms (default 500). */
  minDelayMs?: number;
  /** Largest delay between two attempts, in ms (default 30,000). */
  maxDelayMs?: number;
  /** Growth of the delay per attempt (default 2). */
  factor?: number;
  /** Randomise each delay (×1..2) so many clients do not retry in step (default true). */
  jitter?: boolean;
  /** Attempts in all, the first included (default: unbounded). */
  attempts?: number;
  /** Stop retrying once this much time has passed since the first attempt, in ms (default: none). */
  maxElapsedMs?: number;
  /**
   * Whether an error is worth another attempt (default: every error and every thrown value,
   * a `TypeError` too, e.g. noble's `data.readUInt8 is not a function`). A `false` rejects at
   * once.
   */
  retryable?: (error: unknown) => boolean;
  /** Called after each failed attempt that will be retried, with the delay before the next one. */
  onRetry?: (error: unknown, info: RetryInfo) => void;
  /** Time and timers (default {@linkcode systemClock}). */
  clock?: Clock;
  /** Source of the jitter, in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/** What {@linkcode RetryOptions.onRetry} learns about a failed attempt. */
export interface RetryInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** Milliseconds until the next attempt. */
  delayMs: number;
}

/** Thrown by {@linkcode giveUp}: ends {@linkcode retry} with `error`. */
class GivenUp {
  constructor(readonly error: Error) {}
}

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` (1 for the first) failed:
 * `minDelayMs × factor^(attempt-1)`, times 1..2 with jitter, rounded, at most `maxDelayMs`.
 */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, "minDelayMs" | "maxDelayMs" | "factor" | "jitter" | "random"> = {},
): number {
  const { minDelayMs = 500, maxDelayMs = 30_000, factor = 2, jitter = true } = options;
  const spread = jitter ? 1 + (options.random ?? Math.random)() : 1;
  return Math.min(Math.round(spread * minDelayMs * factor ** (attempt - 1)), maxDelayMs);
}

/**
 * Runs `fn` until it resolves, retrying failures with exponential backoff
 * ({@linkcode backoffDelay}). Rejects with the last error when `retryable` says no, when
 * `attempts` or `maxElapsedMs` are used up, with the error given to {@linkcode giveUp}, and with
 * the signal's reason as soon as `signal` aborts (also during a delay).
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T> | T,
  options: RetryOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const retryable = options.retryable ?? (() => true);
  const attempts = options.attempts ?? Infinity;
  const maxElapsedMs = options.maxElapsedMs ?? Infinity;
  const started = clock.now();
  for (let attempt = 1;; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (error instanceof GivenUp) throw error.error;
      options.signal?.throwIfAborted();
      const left = maxElapsedMs - (clock.now() - started);
      if (attempt >= attempts || left <= 0 || !retryable(error)) throw error;
      const delayMs = Math.min(backoffDelay(attempt, options), left);
      options.onRetry?.(error, { attempt, delayMs });
      await delay(delayMs, options.signal, clock);
    }
  }
}

/** Makes {@linkcode retry} reject at once with `error`, whatever `retryable` would say. */
export function giveUp(error: Error): never {
  throw new GivenUp(error);
}

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts (at once
 * when it already has).
 */
export function delay(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** `--give-up-after` ran out: the operation kept failing; `cause` is its last failure. */
export class GiveUpError extends Error {
  override name = "GiveUpError";
  /** The `--give-up-after` limit that ran out, in ms. */
  readonly limitMs: number;

  /** `what`: the failure in words (default: the cause's message). */
  constructor(cause: unknown, limitMs: number, what = messageOf(cause)) {
    super(`${what}; still failing after --give-up-after ${Math.round(limitMs / 1000)} s`, {
      cause,
    });
    this.limitMs = limitMs;
  }
}

/**
 * "Retry until `--give-up-after`, then stop", with one rule:
 *
 * - **What counts**: a failure the caller reports with {@linkcode GiveUpClock.failed}. The clock
 *   starts at the first one; the time since then is what `limitMs` bounds (not the number of
 *   failures, not the time spent in one attempt).
 * - **What resets it**: {@linkcode GiveUpClock.reset}, which the caller calls on a success and on
 *   an outcome that ends the episode without being a success (e.g. a broker that answers "not
 *   ready yet"). A failure that does not count (e.g. a store that is away, waited for forever) is
 *   neither reported nor a reset: it leaves the clock running.
 *
 * `limitMs` 0 never gives up. Pure: the caller decides what to do with the error it is given.
 */
export class GiveUpClock {
  #since?: number;

  /** `limitMs`: `--give-up-after` in ms (0: never); `now`: the clock (default `Date.now`). */
  constructor(
    readonly limitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A failure that counts: starts the clock if it is not running. Returns the
   * {@linkcode GiveUpError} to end with once `limitMs` has passed since the first failure, else
   * undefined. `what` describes the failure (default: the cause's message).
   */
  failed(cause: unknown, what?: string): GiveUpError | undefined {
    const now = this.now();
    this.#since ??= now;
    if (this.limitMs > 0 && now - this.#since >= this.limitMs) {
      return new GiveUpError(cause, this.limitMs, what);
    }
    return undefined;
  }

  /** A success, or an outcome that ends the episode: the next failure starts the clock anew. */
  reset(): void {
    this.#since = undefined;
  }

  /** How long the counted failures have lasted, when the clock runs. */
  get failingForMs(): number | undefined {
    return this.#since === undefined ? undefined : this.now() - this.#since;
  }
}

/** {@linkcode deadline} ran out before the promise settled. */
export class DeadlineError extends Error {
  override name = "DeadlineError";

  /** `what`: what was waited for (e.g. "connect"); `ms`: the deadline. */
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} timed out after ${ms} ms`);
  }
}

/** How {@linkcode deadline} bounds a promise. */
export interface DeadlineOptions {
  /** What is waited for, for the error's message (default "operation"). */
  what?: string;
  /** Ends the wait at once with the signal's reason (default: none). */
  signal?: AbortSignal;
  /** Time and timers (default {@linkcode systemClock}). */
  clock?: Clock;
}

/**
 * `p`, or a {@linkcode DeadlineError} once `ms` milliseconds have passed, or the signal's reason
 * when `signal` aborts first. The timer is cleared as soon as one of them settles. `p` itself
 * is not cancelled (pass it a signal of its own for that); a later rejection of `p` is ignored.
 */
export function deadline<T>(p: Promise<T>, ms: number, options: DeadlineOptions = {}): Promise<T> {
  const { what = "operation", signal, clock = systemClock } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      p.catch(() => {});
      return reject(signal.reason);
    }
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      done();
      reject(new DeadlineError(what, ms));
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    p.then(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
