/**
 * Runs the readiness probes in the background, one round every `everyMs`,
 * and keeps the last answer of each. Requests read the cached answers, so a
 * probe that hangs never holds up `/readyz` or `/metrics`.
 */
import { delay } from "../util/retry.ts";
import type { CheckResult, Probe } from "./probes.ts";

/** How often a round of probes runs unless the owner says otherwise (the sink's interval). */
export const PROBE_EVERY_MS = 5000;

/** The last answer of each readiness probe, refreshed in the background. */
export class Readiness {
  readonly checks = new Map<string, CheckResult>();
  #probes: Map<string, Probe>;
  #stop = new AbortController();
  #loop?: Promise<void>;

  constructor(probes: Record<string, Probe>, private readonly everyMs = PROBE_EVERY_MS) {
    this.#probes = new Map(Object.entries(probes));
    for (const name of this.#probes.keys()) {
      this.checks.set(name, { up: false, error: "not probed yet", at: 0 });
    }
  }

  /** Starts probing; the first round begins at once. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** True when every dependency answered in the last round. */
  get ready(): boolean {
    return [...this.checks.values()].every((c) => c.up);
  }

  /** Whether `name` answered (false when it is not probed). */
  up(name: string): boolean {
    return this.checks.get(name)?.up ?? false;
  }

  /** Stops at once; a probe in flight ends by its own timeout and is ignored. */
  stop(): void {
    this.#stop.abort();
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await Promise.all(
        [...this.#probes].map(async ([name, probe]) => {
          const answer = await probe(signal).catch((e) =>
            e instanceof Error ? e.message : String(e)
          );
          if (signal.aborted) return;
          this.checks.set(
            name,
            typeof answer === "object"
              ? { up: false, error: answer.error, refuses: answer.refuses, at: Date.now() }
              : { up: answer === undefined, error: answer, at: Date.now() },
          );
        }),
      );
      await delay(this.everyMs, signal).catch(() => {});
    }
  }
}
