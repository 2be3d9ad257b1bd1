/**
 * The clauses that may follow `FROM <topic>`, in the order the connector's
 * grammar (ConnectorParser.g4, insert_from_clause) requires them, with the
 * clauses only the older standalone grammar has in the places it gives them. Only IGNORE,
 * PK, BATCH and PROPERTIES mean something to a MongoDB sink; the others are
 * parsed so that KCQL written for the connector is accepted, then reported as
 * ignored.
 */

/** What follows a clause keyword. */
export type ClauseArgs =
  | "ignore" // path, …
  | "pk" // path, …
  | "batch" // = n
  | "properties" // ('k'='v', …)
  | "none"
  | "eq-int" // = n
  | "int" // n
  | "eq-name" // = name
  | "eq-choice" // = one of `choices` (any letter case)
  | "name" // name, or name()
  | "paths" // path, …
  | "buckets" // name, … INTO n BUCKETS
  | "paren-list" // (item [= | AS value], …)
  | "storeas" // name [(k = v, …)]
  | "eq-string"; // = 'c'

export interface ClauseSpec {
  keyword: string;
  rank: number;
  args: ClauseArgs;
  /** The connector rejects a value ≤ 0. */
  positive?: boolean;
  /** Said in the warning when the clause is ignored. */
  note?: string;
  /** paren-list: an item may not end with '.' (the connector's WITHTAG rule). */
  noTrailingDot?: boolean;
  /** eq-choice: the values the grammar's enum has (matched in any letter case). */
  choices?: readonly string[];
}

const ORDER: [string, ClauseArgs, Partial<ClauseSpec>?][] = [
  ["IGNORE", "ignore"],
  ["AUTOCREATE", "none", { note: "the sink creates a missing collection on its first write" }],
  ["WITHSTRUCTURE", "none"],
  ["PK", "pk"],
  ["WITHTARGET", "eq-name"],
  ["AUTOEVOLVE", "none", { note: "MongoDB collections have no schema to evolve" }],
  ["BATCH", "batch"],
  // CAPITALIZE, INITIALIZE, PROJECTTO and the WITH_* clauses after WITH_FLUSH_COUNT come from the
  // older standalone grammar (lensesio/kafka-connect-query-language), in its order.
  ["CAPITALIZE", "none"],
  ["INITIALIZE", "none"],
  ["PROJECTTO", "int"],
  ["PARTITIONBY", "paths"],
  ["DISTRIBUTEBY", "buckets"],
  ["CLUSTERBY", "buckets"],
  ["WITHTIMESTAMP", "name", { note: "select _.timestamp to store the record timestamp" }],
  ["TIMESTAMPUNIT", "eq-name"],
  ["WITHFORMAT", "name", { note: "documents are always written as BSON" }],
  ["WITHUNWRAP", "none"],
  ["STOREAS", "storeas"],
  ["WITHTAG", "paren-list", { noTrailingDot: true }],
  ["INCREMENTALMODE", "eq-name"],
  ["WITHTYPE", "name"],
  ["WITHDOCTYPE", "eq-name"],
  ["WITHINDEXSUFFIX", "eq-name"],
  ["TTL", "eq-int", {
    positive: true,
    note:
      "MongoDB expires documents through a TTL index, or 'timeseries.expireAfterSeconds' in PROPERTIES",
  }],
  ["WITHCONVERTER", "eq-name", { note: "values are converted from their Avro schema" }],
  ["WITHJMSSELECTOR", "eq-name"],
  ["WITHKEY", "paren-list"],
  ["KEYDELIMITER", "eq-string"],
  ["WITHPIPELINE", "eq-name"],
  ["WITHPARTITIONER", "eq-name"],
  ["WITHSUBSCRIPTION", "eq-name"],
  ["WITHCOMPRESSION", "eq-name"],
  ["WITHDELAY", "eq-int"],
  ["WITHREGEX", "eq-name"],
  ["WITH_FLUSH_SIZE", "eq-int", { positive: true }],
  ["WITH_FLUSH_INTERVAL", "eq-int", { positive: true }],
  ["WITH_FLUSH_COUNT", "eq-int", { positive: true }],
  // The standalone grammar's enums (SchemaEvolution, PartitioningStrategy): Enum.valueOf of the
  // upper-cased value, anything else "Invalid value specified for …".
  ["WITH_SCHEMA_EVOLUTION", "eq-choice", { choices: ["MATCH", "IGNORE", "ADD"] }],
  ["WITH_TABLE_LOCATION", "eq-name"],
  ["WITH_OVERWRITE", "none"],
  ["WITH_PARTITIONING", "eq-choice", { choices: ["STRICT", "DYNAMIC"] }],
  ["LIMIT", "int", { positive: true }],
  ["WITH_SESSION", "eq-name"],
  ["WITH_ACK", "none"],
  ["WITH_ENCODE_BASE64", "none"],
  ["WITH_LOCK_TIME", "eq-int", { positive: true }],
  ["PROPERTIES", "properties"],
];

export const CLAUSES: ReadonlyMap<string, ClauseSpec> = new Map(
  ORDER.map(([keyword, args, extra], rank) => [keyword, { keyword, rank, args, ...extra }]),
);

/** The clauses the MongoDB sink acts on. */
export const MEANINGFUL_CLAUSES: readonly string[] = ["IGNORE", "PK", "BATCH", "PROPERTIES"];

export function clauseOf(word: string): ClauseSpec | undefined {
  return CLAUSES.get(word.toUpperCase());
}

/** The KCQL clause order, listing the meaningful clauses and those in `present`. */
export function clauseOrderText(present: Iterable<string>): string {
  const wanted = new Set([...MEANINGFUL_CLAUSES, ...present]);
  return [...CLAUSES.keys()].filter((k) => wanted.has(k)).join(", ");
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The keyword among `candidates` a misspelt word most likely meant. */
export function closestKeyword(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toUpperCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 4))
    ? best
    : undefined;
}
