/**
 * The sink's two policies, as their settings name them (`--error-policy` /
 * connect.mongo.error.policy, `--tombstones`): one definition each, for the option table, the
 * connector file, the decoder and the writer.
 */

/** On a write MongoDB rejects: dead-letter it (NOOP), stop (THROW), or retry (RETRY). */
export type ErrorPolicy = "NOOP" | "THROW" | "RETRY";
/** Every {@linkcode ErrorPolicy}, in the order help texts list them. */
export const ERROR_POLICIES: readonly ErrorPolicy[] = ["NOOP", "THROW", "RETRY"];

/** A null value (tombstone): dead-letter it, skip it, or delete the document its key names. */
export type TombstonePolicy = "dlq" | "skip" | "delete";
/** Every {@linkcode TombstonePolicy}, in the order help texts list them. */
export const TOMBSTONE_POLICIES: readonly TombstonePolicy[] = ["dlq", "skip", "delete"];
