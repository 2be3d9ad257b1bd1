/** Comparing documents as MongoDB stores them: canonical Extended JSON, no type promotion. */
import { BSON, type Collection, type Document } from "mongodb";

/** Canonical Extended JSON of `v`: Int32, Double, Long and Decimal128 stay apart. */
export const canon = (v: unknown): string => BSON.EJSON.stringify(v, { relaxed: false });

/** Read options that keep BSON types as stored (no numbers for Int32/Long, no Buffers). */
export const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;

/** The one document of `collection` without its `_id`, its BSON types as stored. */
export function onlyDocument(collection: Collection): Promise<Document | null> {
  return collection.findOne({}, { projection: { _id: 0 }, ...EXACT });
}
