/** Shaped documents as MongoDB bulk-write operations, in record order, in chunks of the statement's BATCH. */
import type { Document } from "bson";
import type { KcqlPlan } from "../kcql/plan_types.ts";
import type { ShapedDocument } from "./document.ts";

/**
 * One bulk-write operation, in the shape MongoDB's driver takes (its `AnyBulkWriteOperation`):
 * the operations a statement makes, over BSON documents.
 */
export type WriteModel =
  | { insertOne: { document: Document } }
  | { replaceOne: { filter: Document; replacement: Document; upsert?: boolean } }
  | { updateOne: { filter: Document; update: Document; upsert?: boolean } }
  | { deleteOne: { filter: Document } };

/**
 * INSERT → insertOne; UPSERT → replaceOne matched on _id, upsert; UPDATE →
 * updateOne matched on _id with `$set` of the selected fields, upsert.
 */
export function writeModelFor(plan: KcqlPlan, shaped: ShapedDocument): WriteModel {
  if (plan.writeMode === "insert") return { insertOne: { document: shaped.document } };
  if (!shaped.filter) {
    throw new Error(
      `${plan.writeMode.toUpperCase()} into '${plan.target}' needs a document shaped with its _id filter`,
    );
  }
  const filter: Document = { _id: shaped.filter._id };
  if (plan.writeMode === "upsert") {
    return { replaceOne: { filter, replacement: shaped.document, upsert: true } };
  }
  return { updateOne: { filter, update: { $set: shaped.document }, upsert: true } };
}

/** The operations for `shaped`, in order, split into chunks of `plan.batchSize`. */
export function buildWriteModels(
  plan: KcqlPlan,
  shaped: readonly ShapedDocument[],
): WriteModel[][] {
  const chunks: WriteModel[][] = [];
  for (let i = 0; i < shaped.length; i += plan.batchSize) {
    chunks.push(shaped.slice(i, i + plan.batchSize).map((s) => writeModelFor(plan, s)));
  }
  return chunks;
}
