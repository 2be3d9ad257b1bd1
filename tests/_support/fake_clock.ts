/** A {@linkcode Clock} that moves only when a test says so: exact delays, no sleeping. */
import type { Clock } from "../../src/util/retry.ts";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;
  /** Every delay asked of {@linkcode FakeClock.setTimeout}, in order. */
  readonly asked: number[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now = (): number => this.#now;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.asked.push(ms);
    this.#timers.push({ id, at: this.#now + ms, fn });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  };

  /** Timers not yet run. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, running each timer that falls due, in order, and letting the
   * promises it settles run before the next one.
   */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
      await settle();
    }
    this.#now = until;
  }

  /** Runs the next timer, whenever it is due. */
  async next(): Promise<void> {
    await settle();
    const due = [...this.#timers].sort((a, b) => a.at - b.at)[0];
    if (due) await this.advance(due.at - this.#now);
  }
}

/** Lets pending promise callbacks run (a macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
