/**
 * "Log once per cause per episode": a failure that repeats (kafkajs restarting its consumer every
 * second while Kafka is away, a write retried while MongoDB is down) is one line when it starts,
 * a reminder every `remindEveryMs` while it lasts (with how long and how often), and one line
 * when it ends. Pure: the caller logs what it is told to, at the clock it injects.
 *
 * This is the product's one "log once per cause": with `remindEveryMs` `Infinity` a cause is said
 * once per episode and never reminded of (the stats line shows the outage meanwhile).
 */

/** What to log for one occurrence of a failure. */
export type EpisodeNote =
  /** The first occurrence of this cause since it last recovered: log it. */
  | { kind: "started"; cause: string }
  /** The episode goes on and no line was logged for `remindEveryMs`: log a reminder. */
  | { kind: "ongoing"; cause: string; forMs: number; occurrences: number };

/** An episode that ended: what to say in the `recovered` line. */
export interface EpisodeEnd {
  cause: string;
  forMs: number;
  occurrences: number;
}

interface Episode {
  startedAt: number;
  lastLoggedAt: number;
  occurrences: number;
}

/** Failure episodes per cause (a short key, e.g. "kafka" or "mongodb"). */
export class LogEpisodes {
  #open = new Map<string, Episode>();

  constructor(
    readonly remindEveryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `cause` failed (again): what to log, or undefined to stay quiet. */
  failed(cause: string): EpisodeNote | undefined {
    const now = this.now();
    const e = this.#open.get(cause);
    if (!e) {
      this.#open.set(cause, { startedAt: now, lastLoggedAt: now, occurrences: 1 });
      return { kind: "started", cause };
    }
    e.occurrences++;
    if (now - e.lastLoggedAt < this.remindEveryMs) return undefined;
    e.lastLoggedAt = now;
    return { kind: "ongoing", cause, forMs: now - e.startedAt, occurrences: e.occurrences };
  }

  /** `cause` works again: the episode that ended, or undefined when none was open. */
  recovered(cause: string): EpisodeEnd | undefined {
    const e = this.#open.get(cause);
    if (!e) return undefined;
    this.#open.delete(cause);
    return { cause, forMs: this.now() - e.startedAt, occurrences: e.occurrences };
  }

  /** Everything works again: the episodes that ended, oldest first (none open: empty). */
  recoveredAll(): EpisodeEnd[] {
    return [...this.#open.keys()].map((cause) => this.recovered(cause)!);
  }

  /** Whether an episode of `cause` is open. */
  failing(cause: string): boolean {
    return this.#open.has(cause);
  }

  /** Since when `cause` has been failing (epoch ms of the clock), when it is. */
  since(cause: string): number | undefined {
    return this.#open.get(cause)?.startedAt;
  }
}

/** `1 min 5 s`, `42 s`, `850 ms`: how long an episode lasted, for a log line. */
export function episodeDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
