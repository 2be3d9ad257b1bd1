/** From the syntax of one statement to its plan, with the checks the grammar cannot make. */
import { clauseOf } from "./clauses.ts";
import { KcqlSemanticError, type KcqlWarning, warningAt } from "./errors.ts";
import { badFieldName, classifyPath, refText } from "./fields.ts";
import {
  DEFAULT_BATCH_SIZE,
  type KcqlPlan,
  type PrimaryKey,
  type SelectedField,
} from "./plan_types.ts";
import type { Position, SourceText } from "./position.ts";
import { interpretProperties } from "./properties.ts";
import type { StatementNode } from "./syntax.ts";

/** Kafka's rule for topic names. */
const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** A path as one string, for sets and maps (any name, dots included, stays apart). */
function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

export function buildPlan(node: StatementNode, source: SourceText): KcqlPlan {
  const fail: (message: string, pos: Position) => never = (message, pos) => {
    throw new KcqlSemanticError(message, pos, source);
  };
  const warnings: KcqlWarning[] = [];
  const mode = node.mode.value;
  const MODE = mode.toUpperCase();

  const target = node.target.value;
  if (target.includes("$") || target.includes("\0")) {
    fail(`collection name '${target}' cannot contain '$' or NUL`, node.target.pos);
  }
  if (target.startsWith("system.")) {
    fail(
      `collection name '${target}' is reserved: names starting with 'system.' belong to MongoDB`,
      node.target.pos,
    );
  }
  const topic = node.source.value;
  if (!KAFKA_TOPIC.test(topic) || topic === "." || topic === "..") {
    warnings.push(
      warningAt(
        `'${topic}' is not a valid Kafka topic name (letters, digits, '.', '_' and '-', at most 249): no record will match it`,
        node.source.pos,
      ),
    );
  }

  // SELECT
  let selectAll = false;
  let starPos: Position | undefined;
  const fields: SelectedField[] = [];
  const producedBy = new Map<string, { text: string; pos: Position; aliasPos: Position }>();
  const spreads = new Map<string, Position>();
  for (const item of node.select.value) {
    if (item.kind === "star") {
      if (starPos) fail(`'*' is selected twice (first at column ${starPos.column})`, item.pos);
      selectAll = true;
      starPos = item.pos;
      continue;
    }
    const { ref, defaultName, spread } = classifyPath(item.path, source);
    if (spread) {
      const key = `${ref.kind}:${pathKey(ref.path)}`;
      const earlier = spreads.get(key);
      if (earlier) {
        fail(
          `'${item.path.text}' is selected twice (first at line ${earlier.line}, column ${earlier.column})`,
          item.path.pos,
        );
      }
      spreads.set(key, item.path.pos);
      fields.push({ ...ref, alias: "*", spread: true });
      continue;
    }
    const alias = item.alias?.value ?? defaultName;
    const aliasPos = item.alias?.pos ?? item.path.pos;
    const bad = badFieldName(alias);
    if (bad) {
      fail(
        item.alias
          ? `alias '${alias}' cannot be a MongoDB field name: ${bad}`
          : `'${item.path.text}' would be written as '${alias}', which cannot be a MongoDB field name (${bad}): give it a name with AS`,
        aliasPos,
      );
    }
    const earlier = producedBy.get(alias);
    if (earlier) {
      fail(
        `field '${alias}' is written twice: by '${earlier.text}' at line ${earlier.pos.line}, column ${earlier.pos.column} and by '${item.path.text}'; rename one with AS`,
        aliasPos,
      );
    }
    producedBy.set(alias, { text: item.path.text, pos: item.path.pos, aliasPos });
    fields.push({ ...ref, alias });
  }

  // IGNORE
  const ignored: string[][] = [];
  const ignoredKeys = new Set<string>();
  // The selected value paths, to tell in time linear in the lists whether an IGNORE touches one.
  const selectedValuePaths = new Set(
    fields.filter((f) => f.kind === "value" && f.path.length > 0).map((f) => pathKey(f.path)),
  );
  for (const path of node.ignore?.value ?? []) {
    const { ref } = classifyPath(path, source);
    if (ref.kind !== "value") {
      fail(`IGNORE removes fields of the record value; '${path.text}' is not one`, path.pos);
    }
    const key = pathKey(ref.path);
    if (ignoredKeys.has(key)) {
      warnings.push(warningAt(`'${path.text}' is listed twice in IGNORE`, path.pos));
      continue;
    }
    ignoredKeys.add(key);
    const touches = selectAll ||
      ref.path.some((_, i) => selectedValuePaths.has(pathKey(ref.path.slice(0, i + 1))));
    if (!touches) {
      warnings.push(
        warningAt(
          `IGNORE '${path.text}' has no effect: the SELECT list does not write it`,
          path.pos,
        ),
      );
    }
    ignored.push(ref.path);
  }

  // PK
  const pkNode = node.headPk ?? node.pk;
  const primaryKeys: PrimaryKey[] = [];
  const pkRefs = new Set<string>();
  const pkByName = new Map<string, PrimaryKey>();
  for (const path of pkNode?.value ?? []) {
    const { ref, defaultName } = classifyPath(path, source);
    const key = `${ref.kind}:${pathKey(ref.path)}`;
    if (pkRefs.has(key)) {
      fail(`'${path.text}' is listed twice in PK`, path.pos);
    }
    pkRefs.add(key);
    const clash = pkByName.get(defaultName);
    if (clash) {
      fail(
        `PK '${path.text}' and '${
          refText(clash)
        }' would both be '_id.${defaultName}' (a composite _id is keyed by each field's last name)`,
        path.pos,
      );
    }
    const pk = { ...ref, name: defaultName };
    primaryKeys.push(pk);
    pkByName.set(defaultName, pk);
  }
  if (primaryKeys.length > 1) {
    pkNode!.value.forEach((path, i) => {
      const bad = badFieldName(primaryKeys[i].name);
      if (bad) fail(`PK '${path.text}' cannot name a field of the composite _id: ${bad}`, path.pos);
    });
  }
  if (mode === "insert") {
    if (pkNode) {
      warnings.push(
        warningAt(
          "PK is ignored with INSERT, as in the connector: MongoDB gives each document a new _id. Use UPSERT INTO (replace) or UPDATE INTO ($set) to key documents by the PK",
          pkNode.pos,
        ),
      );
    }
    primaryKeys.length = 0;
  } else {
    if (!pkNode) {
      fail(
        `${MODE} needs a PK: name the field(s) that make the document _id, e.g. '${MODE} INTO ${target} SELECT … FROM ${topic} PK id'`,
        node.mode.pos,
      );
    }
    const idField = producedBy.get("_id");
    if (idField) {
      fail(
        `${MODE} sets _id from the PK: the SELECT list cannot also write '_id'`,
        idField.aliasPos,
      );
    }
  }

  // PROPERTIES
  const props = interpretProperties(
    node.properties,
    // A spread writes names only its records know: like '*', the time field cannot be checked here.
    {
      selectAll: selectAll || fields.some((f) => f.spread),
      outputNames: new Set(fields.filter((f) => !f.spread).map((f) => f.alias)),
    },
    source,
  );
  warnings.push(...props.warnings);
  if (props.timeseries && mode !== "insert") {
    fail(
      `a time-series collection takes INSERT only: MongoDB refuses single-document upserts and replacements on it (${MODE} given)`,
      node.mode.pos,
    );
  }

  for (const clause of node.ignoredClauses) {
    const note = clauseOf(clause.keyword)?.note;
    warnings.push(
      warningAt(
        `${clause.keyword} is ignored by the MongoDB sink${note ? `: ${note}` : ""}`,
        clause.pos,
      ),
    );
  }
  warnings.sort((a, b) => a.line - b.line || a.column - b.column);

  const plan: KcqlPlan = {
    writeMode: mode,
    target,
    source: topic,
    fields,
    selectAll,
    ignored,
    primaryKeys,
    batchSize: node.batch?.value ?? DEFAULT_BATCH_SIZE,
    ...(props.timeseries ? { timeseries: props.timeseries } : {}),
    properties: props.properties,
    warnings,
  };
  return plan;
}
