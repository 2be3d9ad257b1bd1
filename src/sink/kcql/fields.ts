/**
 * Reading a written path as a field reference. Unquoted first segments are
 * special: `_key[.f…]` is the record key, `_header.<name>[.f…]` a header
 * (and fields of its JSON object value),
 * `_.topic`, `_.partition`, `_.offset`, `_.timestamp` the record metadata
 * and `_.key.f…` a field of the key again (the connector's spelling; `_.key` alone, which the
 * connector refuses, is an error). Backtick-quote
 * the first segment to mean a value field of that name.
 */
import { KcqlSemanticError } from "./errors.ts";
import type { FieldRef, MetaName } from "./plan_types.ts";
import type { Position, SourceText } from "./position.ts";
import type { PathNode } from "./syntax.ts";

const META_NAMES: readonly MetaName[] = ["topic", "partition", "offset", "timestamp"];

export interface ClassifiedPath {
  ref: FieldRef;
  /** The last segment, the name a field gets without AS (the whole key is `_key`); `*` for a spread. */
  defaultName: string;
  /** Written `….*`: the fields of the record at `ref` are written under their own names. */
  spread: boolean;
}

export function classifyPath(path: PathNode, source: SourceText): ClassifiedPath {
  const [first, ...rest] = path.segments;
  const names = rest.map((s) => s.name);
  const spread = path.star !== undefined;
  const fail: (message: string, pos: Position) => never = (message, pos) => {
    throw new KcqlSemanticError(message, pos, source);
  };
  const named = (ref: FieldRef, last: string): ClassifiedPath => ({
    ref,
    defaultName: spread ? "*" : last,
    spread,
  });
  if (!first.quoted) {
    const head = first.name.toLowerCase();
    if (head === "_key") return named({ kind: "key", path: names }, names.at(-1) ?? "_key");
    if (head === "_header") {
      if (rest.length === 0 && !spread) {
        fail(
          `'${path.text}': a header is selected as _header.<name> (a field of a header's JSON object as _header.<name>.<field>, all headers as _header.*)`,
          first.pos,
        );
      }
      return named({ kind: "header", path: names }, names.at(-1) ?? "_header");
    }
    if (head === "_" && (rest.length > 0 || spread)) {
      const second = rest[0];
      const name = second?.name.toLowerCase();
      if (name === "key") {
        const keyPath = names.slice(1);
        if (keyPath.length === 0 && !spread) {
          // The connector's parser refuses it ("'_' needs to be followed by: key,…").
          fail(
            `'${path.text}' names no key field: select the whole key as _key, or a field of ` +
              `it as _.key.<field> (or _key.<field>)`,
            second.pos,
          );
        }
        return named({ kind: "key", path: keyPath }, keyPath.at(-1) ?? "_key");
      }
      if (!second || !(META_NAMES as readonly string[]).includes(name)) {
        fail(
          `'_.' must be followed by ${META_NAMES.join(", ")} or key; found '${
            second?.name ?? "*"
          }'`,
          second?.pos ?? path.star!,
        );
      }
      if (rest.length > 1 || spread) fail(`_.${name} has no fields`, rest[1]?.pos ?? path.star!);
      return named({ kind: "meta", path: [name] }, name);
    }
  }
  const all = [first.name, ...names];
  return named({ kind: "value", path: all }, all[all.length - 1]);
}

/** Why `name` cannot be a top-level MongoDB field name, or undefined if it can. */
export function badFieldName(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.startsWith("$")) return "it starts with '$', which MongoDB reads as an operator";
  if (name.includes(".")) {
    return "it contains '.', which MongoDB reads as a path into a sub-document";
  }
  if (name.includes("\0")) return "it contains a NUL character";
  return undefined;
}

/** A field reference as KCQL writes it, for messages (a spread adds `.*` itself). */
export function refText(ref: FieldRef): string {
  switch (ref.kind) {
    case "value":
      return ref.path.join(".");
    case "key":
      return ["_key", ...ref.path].join(".");
    case "header":
      return ["_header", ...ref.path].join(".");
    case "meta":
      return `_.${ref.path[0]}`;
  }
}

export function sameRef(a: FieldRef, b: FieldRef): boolean {
  return a.kind === b.kind && a.path.length === b.path.length &&
    a.path.every((s, i) => s === b.path[i]);
}

/** `prefix` is `path` or one of its parents. */
export function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}
