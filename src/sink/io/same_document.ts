/**
 * Whether two BSON documents hold the same values: the stored copy of a document and the one a
 * replay writes again. Field order is not compared (a store may keep its own); types are (an
 * Int32 5 and a Double 5 differ, a Date and its number differ).
 */
import { BSON, type Document } from "mongodb";

export function sameDocument(a: Document, b: Document): boolean {
  return equalValues(canonical(a), canonical(b));
}

/** As the store holds it: through BSON (a JS number past int32 is a double there), unpromoted. */
function canonical(d: Document): unknown {
  const stored = BSON.deserialize(BSON.serialize(d), {
    promoteValues: false,
    promoteLongs: false,
    promoteBuffers: false,
  });
  return BSON.EJSON.serialize(stored, { relaxed: false });
}

function equalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => equalValues(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const ob = b as Record<string, unknown>;
  return ka.every((k) =>
    Object.hasOwn(ob, k) && equalValues((a as Record<string, unknown>)[k], ob[k])
  );
}
