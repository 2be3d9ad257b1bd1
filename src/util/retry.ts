/**
 * The one cancellable retry helper of the product: every wait that retries with backoff
 * (forwarder, tag sessions, tag manager, bulk writer, dead letters, run loops) goes through
 * {@linkcode retry}, and every plain wait through {@linkcode delay}. Both end at once when their
 * `AbortSignal` fires, whatever the backoff, so stopping returns within a second.
 *
 * Backoff is p-retry's (exponential, optional jitter, abortable delays); this module only fixes
 * the product's defaults and vocabulary.
 */
import pRetry, { AbortError } from "p-retry";

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
  /** Whether an error is worth another attempt (default: every error). A `false` rejects at once. */
  retryable?: (error: unknown) => boolean;
  /** Called after each failed attempt that will be retried, with the delay before the next one. */
  onRetry?: (error: unknown, info: RetryInfo) => void;
}

/** What {@linkcode RetryOptions.onRetry} learns about a failed attempt. */
export interface RetryInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** Milliseconds until the next attempt. */
  delayMs: number;
}

/**
 * Runs `fn` until it resolves, retrying failures with exponential backoff. Rejects with the last
 * error when `retryable` says no, when `attempts` or `maxElapsedMs` are used up, and with the
 * signal's reason as soon as `signal` aborts (also during a delay).
 */
export function retry<T>(
  fn: (attempt: number) => Promise<T> | T,
  options: RetryOptions = {},
): Promise<T> {
  const retryable = options.retryable ?? (() => true);
  return pRetry<T>(async (attempt) => {
    try {
      return await fn(attempt);
    } catch (error) {
      // p-retry needs Error instances, and re-throws a TypeError that is not a network error at
      // once, without its delay (e.g. noble's `data.readUInt8 is not a function`, while onRetry
      // has already announced a backoff). Wrap both so every failure waits its backoff;
      // `retryable` and the caller still see the original error.
      throw error instanceof Error && !(error instanceof TypeError) ? error : new Thrown(error);
    }
  }, {
    signal: options.signal,
    retries: options.attempts === undefined ? Infinity : Math.max(0, options.attempts - 1),
    minTimeout: options.minDelayMs ?? 500,
    maxTimeout: options.maxDelayMs ?? 30_000,
    factor: options.factor ?? 2,
    randomize: options.jitter ?? true,
    maxRetryTime: options.maxElapsedMs ?? Infinity,
    shouldRetry: ({ error }) => retryable(unwrap(error)),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
      if (retriesLeft > 0 && retryDelay > 0 && retryable(unwrap(error))) {
        options.onRetry?.(unwrap(error), { attempt: attemptNumber, delayMs: retryDelay });
      }
    },
  }).catch((error) => {
    throw unwrap(error);
  });
}

/** Makes {@linkcode retry} reject at once with `error`, whatever `retryable` would say. */
export function giveUp(error: Error): never {
  throw new AbortError(error);
}

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts (at once
 * when it already has).
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** What `fn` threw, carried through p-retry as a plain `Error` (see {@linkcode retry}). */
class Thrown extends Error {
  constructor(readonly thrown: unknown) {
    super(String(thrown), { cause: thrown });
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof Thrown ? error.thrown : error;
}
