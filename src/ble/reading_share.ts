/**
 * Per tag, the share of expected readings actually taken over the last hour: one reading is
 * expected every interval from the moment the tag was first expected (the run's start), so a tag
 * served in turns, a tag out of range and a tag whose radio is saturated all show what they
 * deliver. Counted in one-minute buckets (bounded memory whatever the interval); pure, time is
 * passed in.
 */

/** The window the share is taken over. */
export const SHARE_WINDOW_MS = 60 * 60_000;
const BUCKET_MS = 60_000;
const BUCKETS = SHARE_WINDOW_MS / BUCKET_MS;

interface TagCounts {
  since: number;
  /** Readings per bucket, keyed by bucket number (epoch ms / BUCKET_MS). */
  buckets: Map<number, number>;
}

export class ReadingShare {
  readonly #intervalMs: number;
  readonly #tags = new Map<string, TagCounts>();

  constructor(intervalMs: number) {
    if (!(intervalMs > 0)) throw new RangeError(`the interval must be > 0 ms, got ${intervalMs}`);
    this.#intervalMs = intervalMs;
  }

  /** `tag` is expected to give a reading every interval from `now` on (once; later calls no-op). */
  expect(tag: string, now: number): void {
    if (!this.#tags.has(tag)) this.#tags.set(tag, { since: now, buckets: new Map() });
  }

  /** One reading was taken from `tag` at `time`. */
  taken(tag: string, time: number): void {
    this.expect(tag, time);
    const t = this.#tags.get(tag)!;
    const b = Math.floor(time / BUCKET_MS);
    t.buckets.set(b, (t.buckets.get(b) ?? 0) + 1);
    for (const k of t.buckets.keys()) if (k <= b - BUCKETS) t.buckets.delete(k);
  }

  /**
   * The share (0..1) of the readings expected from `tag` in the last hour (or since it was first
   * expected) that were taken; undefined before one full interval has passed.
   */
  share(tag: string, now: number): number | undefined {
    const t = this.#tags.get(tag);
    if (!t) return undefined;
    const first = Math.floor(now / BUCKET_MS) - BUCKETS + 1; // the oldest bucket in the window
    const from = Math.max(t.since, first * BUCKET_MS);
    const expected = Math.floor((now - from) / this.#intervalMs);
    if (expected < 1) return undefined;
    let taken = 0;
    for (const [b, n] of t.buckets) if (b >= first) taken += n;
    return Math.min(1, taken / expected);
  }

  /** The tags known, in the order first expected. */
  tags(): string[] {
    return [...this.#tags.keys()];
  }
}
