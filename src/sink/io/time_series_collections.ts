/**
 * Creates the time series collections the statements ask for (`PROPERTIES('timeseries.…')`)
 * before the first write. A collection that exists is left as it is (a warning when it is not a
 * time series collection).
 */
import type { Db } from "mongodb";
import type { Logger } from "../../util/log.ts";
import type { TimeSeriesCollection } from "../record/record_pipeline.ts";

/** Creates each of `wanted` that does not exist yet. */
export async function ensureTimeSeriesCollections(
  db: Pick<Db, "listCollections" | "createCollection">,
  wanted: readonly TimeSeriesCollection[],
  log: Logger,
): Promise<void> {
  for (const { collection, timeseries: ts } of wanted) {
    const existing = await db.listCollections({ name: collection }, { nameOnly: false })
      .toArray();
    if (existing.length > 0) {
      const options = (existing[0] as { options?: { timeseries?: unknown } }).options;
      if (!options?.timeseries) {
        log.warn(
          "target collection exists and is not a time series collection; writing to it as it is",
          { collection },
        );
      }
      continue;
    }
    await db.createCollection(collection, {
      timeseries: {
        timeField: ts.timeField,
        metaField: ts.metaField,
        granularity: ts.granularity,
        bucketMaxSpanSeconds: ts.bucketMaxSpanSeconds,
        bucketRoundingSeconds: ts.bucketRoundingSeconds,
      },
      expireAfterSeconds: ts.expireAfterSeconds,
    });
    log.info("created time series collection", { collection, ...ts });
  }
}
