/**
 * The connection budget: how many LE links the controller holds at once, and which tag gets a
 * free one next. Real controllers hold a few (often 4-10) and refuse more with HCI `Connection
 * Limit Exceeded` (0x09) or `Memory Capacity Exceeded` (0x07). The budget is `--max-connections`
 * when given, else unlimited until the first refusal, which sets it to the links held then.
 *
 * While every tag fits, each holds its link for as long as it can ({@linkcode fitsAll}); beyond the
 * budget, tags are served in turns: each asks for a slot when its next reading is due, and free
 * slots go to the earliest due first. Pure: time is passed in, nothing waits here (the tag manager
 * does the waiting).
 */
import type { OptionSpec } from "../config/option_spec.ts";

/** The HCI statuses a controller refuses a connection with for want of resources. */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([0x07, 0x09]);

/**
 * The HCI status of a connect error from noble's HCI bindings, whose message ends with it as
 * `Connection Limit Exceeded (0x9)` (lib/hci-socket/bindings.js, onLeConnComplete); undefined
 * for any other error.
 */
export function hciStatusOf(error: unknown): number | undefined {
  const m = /\(0x([0-9a-f]{1,2})\)\s*$/i.exec(String((error as Error)?.message ?? ""));
  return m ? parseInt(m[1], 16) : undefined;
}

/** Whether a connect error is the controller refusing one link more. */
export function isConnectionRefusal(error: unknown): boolean {
  const status = hciStatusOf(error);
  return status !== undefined && REFUSAL_STATUSES.has(status);
}

export class ConnectionBudget {
  #limit: number | undefined;
  #learned = false;
  readonly #held = new Set<string>();
  /** Waiting tags and when each may have a slot (epoch ms). */
  readonly #waiting = new Map<string, number>();

  /** `limit`: `--max-connections`; undefined: learned from the first refusal. */
  constructor(limit?: number) {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
      throw new RangeError(`a connection budget must be a whole number >= 1, got ${limit}`);
    }
    this.#limit = limit;
  }

  /** Links the controller holds at most (undefined: not known yet). */
  get limit(): number | undefined {
    return this.#limit;
  }

  /** Whether the limit came from a refusal rather than `--max-connections`. */
  get learned(): boolean {
    return this.#learned;
  }

  /** Tags holding a slot now. */
  get held(): ReadonlySet<string> {
    return this.#held;
  }

  /** Whether `tags` tags can each hold a link at once (else they are served in turns). */
  fitsAll(tags: number): boolean {
    return this.#limit === undefined || tags <= this.#limit;
  }

  /** `tag` wants a slot, not before `dueAt`. Asking again moves its due time. */
  request(tag: string, dueAt: number): void {
    if (this.#held.has(tag)) return;
    this.#waiting.set(tag, dueAt);
  }

  /** `tag` no longer waits (stopped). */
  withdraw(tag: string): void {
    this.#waiting.delete(tag);
  }

  /**
   * The tags that get a slot now, taken out of the waiting ones: those due by `now`, earliest
   * due first (then in the order they asked), as many as slots are free.
   */
  grant(now: number): string[] {
    const free = this.#limit === undefined ? Infinity : this.#limit - this.#held.size;
    if (free <= 0) return [];
    const due = [...this.#waiting].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    const granted = due.slice(0, free).map(([tag]) => tag);
    for (const tag of granted) {
      this.#waiting.delete(tag);
      this.#held.add(tag);
    }
    return granted;
  }

  /** `tag`'s link is down (or was never made): its slot is free. */
  release(tag: string): void {
    this.#held.delete(tag);
  }

  /**
   * The controller refused `tag` a link while `linksUp` links were up: the limit becomes that
   * (at least 1), never more than it was, and `tag`'s slot is freed. Returns the limit. (Slots
   * granted are not links up: several tags may be between their grant and their connect.)
   */
  refused(tag: string, linksUp: number): number {
    this.#held.delete(tag);
    const holding = Math.max(1, linksUp);
    if (this.#limit === undefined || holding < this.#limit) {
      this.#limit = holding;
      this.#learned = true;
    }
    return this.#limit;
  }

  /** Milliseconds from `now` until a waiting tag is due (0: one is due now), if any waits. */
  nextDueIn(now: number): number | undefined {
    let next: number | undefined;
    for (const at of this.#waiting.values()) if (next === undefined || at < next) next = at;
    return next === undefined ? undefined : Math.max(0, next - now);
  }

  /** How many tags wait for a slot. */
  get waiting(): number {
    return this.#waiting.size;
  }
}

/** The one definition of `--max-connections` (flag, env, parser, help) for `produce`. */
export const MAX_CONNECTIONS_OPTION: OptionSpec<number> = {
  flag: "--max-connections <n>",
  env: "GATEWAY_MAX_CONNECTIONS",
  help: "most LE links the controller holds at once; with more tags, they are read in turns " +
    "(connect, enable, first conversion, read, disable, disconnect) " +
    "(default: learned from the controller's first refusal, HCI 0x09 or 0x07)",
  parse: (text) => {
    const t = text.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 1000) {
      throw new Error(`--max-connections must be a whole number from 1 to 1000, got "${text}"`);
    }
    return Number(t);
  },
};
