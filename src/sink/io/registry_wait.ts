/**
 * The schema registry's failures while a record is prepared: the partition pauses and the
 * preparation is retried with backoff (nothing committed meanwhile): an unreachable registry
 * until it is back, refused credentials (401/403) for `giveUpAfterMs`, then the sink stops. Any
 * other error thrown by the preparation is a fault of the sink: it stops the sink.
 */
import { RegistryError } from "../../avro/registry_client.ts";
import type { Logger } from "../../util/log.ts";
import { LogEpisodes } from "../../util/log_episodes.ts";
import { giveUp, GiveUpClock, retry } from "../../util/retry.ts";
import type { Disposition, IncomingRecord } from "../record/record.ts";
import type { RecordPipeline } from "../record/record_pipeline.ts";
import { asError, SinkStop } from "./sink_stop.ts";

/** While the registry fails, a reminder every 5 minutes. */
const REGISTRY_REMINDER_MS = 5 * 60_000;

/** Prepares one record; rejects when `signal` aborts while the registry is waited for. */
export type Prepare = (record: IncomingRecord, signal: AbortSignal) => Promise<Disposition>;

/** `pipeline.prepare` with the registry waited for (see the module's comment). */
export function preparerWaitingForRegistry(
  pipeline: Pick<RecordPipeline, "prepare">,
  log: Logger,
  giveUpAfterMs: number,
): Prepare {
  // Each cause is said once while the registry fails, reminded of every 5 minutes; a record
  // prepared after waiting ends the episode.
  const said = new LogEpisodes(REGISTRY_REMINDER_MS);
  // The first attempt runs without the retry machinery: a p-retry operation per record was the
  // largest single cost of the loop in a V8 profile (100k-record backlog); only a record whose
  // first attempt fails pays for it.
  return async (record, signal) => {
    try {
      return await pipeline.prepare(record);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw asError(error);
    }
    return await retrying(record, signal);
  };

  async function retrying(record: IncomingRecord, signal: AbortSignal): Promise<Disposition> {
    // Refused credentials (401/403) count; an unreachable registry leaves the clock as it is.
    const auth = new GiveUpClock(giveUpAfterMs);
    const prepared = await retry(async () => {
      try {
        return await pipeline.prepare(record);
      } catch (error) {
        if (!(error instanceof RegistryError)) giveUp(asError(error));
        if (error.status === 401 || error.status === 403) {
          const up = auth.failed(error);
          if (up) {
            // The registry's wording: "... failed (HTTP 401) for N s (--give-up-after): <cause>".
            giveUp(
              new SinkStop(
                `schema registry authentication failed (HTTP ${error.status}) for ${
                  Math.round(giveUpAfterMs / 1000)
                } s (--give-up-after): ${error.message}`,
                { cause: error },
              ),
            );
          }
        }
        throw error;
      }
    }, {
      signal,
      minDelayMs: 500,
      maxDelayMs: 10_000,
      onRetry: (error, info) => {
        const cause = (error as Error).message;
        if (said.failed(cause)) {
          log.warn("schema registry failing: partition paused, retrying with backoff", {
            error: cause,
            attempt: info.attempt,
          });
        }
      },
    });
    said.recoveredAll();
    return prepared;
  }
}
