/**
 * Commits settled offsets in the background: the batch loop marks the next offset of a
 * partition and goes on with the next records; one commit is in flight at a time and carries
 * the newest mark of every partition. A commit refused because the group moved on (the
 * partition went to another member) is dropped: the new owner replays from the last commit,
 * which at-least-once allows. {@linkcode OffsetCommitter.flush} waits for every mark.
 */
import type { TopicPartitionOffsetAndMetadata } from "kafkajs";
import type { Logger } from "../../util/log.ts";
import { delay } from "../../util/retry.ts";

/** Error types meaning the member no longer owns what it commits. */
const GROUP_MOVED = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
  "FENCED_INSTANCE_ID",
  "STALE_MEMBER_EPOCH",
]);

export class OffsetCommitter {
  #pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  #running: Promise<void> | undefined;
  /** Commits done, for the stats line. */
  commits = 0;

  constructor(
    private readonly commit: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Records that `offset` (the next one to read) of `topic`/`partition` may be committed. */
  mark(topic: string, partition: number, offset: string): void {
    this.#pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  /** Resolves once every offset marked so far was committed (or given up on). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    let failures = 0;
    while (this.#pending.size > 0) {
      const offsets = [...this.#pending.values()];
      this.#pending.clear();
      try {
        await this.commit(offsets);
        this.commits++;
        failures = 0;
      } catch (error) {
        const type = (error as { type?: string }).type ?? "";
        if (GROUP_MOVED.has(type) || failures >= 4) {
          this.log.warn("offset commit dropped: those records are read again", {
            error: (error as Error).message,
            offsets: offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(","),
          });
          continue;
        }
        failures++;
        // Put back what no newer mark replaced, and try again shortly.
        for (const o of offsets) {
          const key = `${o.topic}\u0000${o.partition}`;
          if (!this.#pending.has(key)) this.#pending.set(key, o);
        }
        await delay(200 * failures);
      }
    }
  }
}
