/** The syntax tree of one KCQL statement, every part with the position it was written at. */
import type { Position } from "./position.ts";

export interface Located<T> {
  value: T;
  pos: Position;
}

export interface PathSegment {
  name: string;
  /** Written in backticks or quotes: never read as `_key`, `_header` or `_`. */
  quoted: boolean;
  pos: Position;
}

export interface PathNode {
  segments: PathSegment[];
  pos: Position;
  /** As written, for messages (`a.b.*` with its star). */
  text: string;
  /** Written `a.b.*`: every field of `a.b` (SELECT only). The segments are `a`, `b`. */
  star?: Position;
}

export type SelectItemNode =
  | { kind: "star"; pos: Position }
  | { kind: "path"; path: PathNode; alias?: Located<string> };

export interface PropertyNode {
  key: Located<string>;
  value: Located<string>;
}

export interface IgnoredClauseNode {
  keyword: string;
  pos: Position;
}

export type WriteModeWord = "insert" | "upsert" | "update";

export interface StatementNode {
  pos: Position;
  /** Offsets of the statement text in the whole input. */
  start: number;
  end: number;
  mode: Located<WriteModeWord>;
  /** `UPSERT PK id INTO …`, the connector's other place for one key. */
  headPk?: Located<PathNode[]>;
  target: Located<string>;
  select: Located<SelectItemNode[]>;
  source: Located<string>;
  ignore?: Located<PathNode[]>;
  pk?: Located<PathNode[]>;
  batch?: Located<number>;
  properties?: Located<PropertyNode[]>;
  ignoredClauses: IgnoredClauseNode[];
}
