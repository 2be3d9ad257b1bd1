/**
 * Recursive-descent parser for KCQL as the MongoDB sink reads it:
 *
 *   script    := statement (';' statement)* [';']
 *   statement := (INSERT | UPSERT [PK path] | UPDATE) INTO name
 *                SELECT item (',' item)* FROM name clause*
 *   item      := '*' | path [AS alias]
 *   path      := segment ('.' segment)*      segment := word | `quoted` | 'quoted'
 *   clause    := IGNORE path, … | PK path, … | BATCH = n | PROPERTIES (k = v, …)
 *              | any other clause of the connector grammar (parsed, then ignored)
 *
 * Keywords are matched in any letter case. Clauses must come in the
 * connector's order (see clauses.ts).
 */
import { clauseOf, clauseOrderText, CLAUSES, type ClauseSpec, closestKeyword } from "./clauses.ts";
import { KcqlError, KcqlSemanticError, KcqlSyntaxError } from "./errors.ts";
import { describeToken, lexKcql, type Token } from "./lexer.ts";
import type { Position, SourceText } from "./position.ts";
import type {
  IgnoredClauseNode,
  Located,
  PathNode,
  PathSegment,
  PropertyNode,
  SelectItemNode,
  StatementNode,
  WriteModeWord,
} from "./syntax.ts";

/** Punctuation that may be part of an unquoted topic or collection name, as in the connector's TOPICNAME. */
const NAME_PUNCT = new Set([".", "-", "+", "/", ":", "{", "}"]);

/** Words that end a field list: a field of that name must be backtick-quoted there. */
const LIST_RESERVED = new Set([
  "IGNORE",
  "PK",
  "BATCH",
  "PROPERTIES",
  "FROM",
  "SELECT",
  "INTO",
  "INSERT",
  "UPSERT",
  "UPDATE",
]);

const MAX_BATCH = 2_147_483_647;

export interface ParsedScript {
  statements: StatementNode[];
  errors: KcqlError[];
}

/** Parses every statement; a statement with an error is reported and skipped up to the next `;`. */
export function parseScript(source: SourceText): ParsedScript {
  let tokens: Token[];
  try {
    tokens = lexKcql(source);
  } catch (e) {
    if (e instanceof KcqlError) return { statements: [], errors: [e] };
    throw e;
  }
  const parser = new Parser(tokens, source);
  const statements: StatementNode[] = [];
  const errors: KcqlError[] = [];
  for (;;) {
    parser.skipSemicolons();
    if (parser.atEnd()) break;
    try {
      statements.push(parser.statement());
    } catch (e) {
      if (!(e instanceof KcqlError)) throw e;
      errors.push(e);
      parser.skipStatement();
    }
  }
  if (statements.length === 0 && errors.length === 0) {
    errors.push(
      new KcqlSyntaxError(
        "a KCQL statement (INSERT INTO <collection> SELECT … FROM <topic>)",
        "end of input",
        source.positionAt(source.text.length),
        source,
      ),
    );
  }
  return { statements, errors };
}

class Parser {
  #i = 0;

  constructor(readonly tokens: Token[], readonly source: SourceText) {}

  peek(n = 0): Token {
    return this.tokens[Math.min(this.#i + n, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.#i++;
    return t;
  }

  previous(): Token {
    return this.tokens[Math.max(0, this.#i - 1)];
  }

  atEnd(): boolean {
    return this.peek().kind === "eof";
  }

  skipSemicolons(): void {
    while (isPunct(this.peek(), ";")) this.next();
  }

  skipStatement(): void {
    while (!this.atEnd() && !isPunct(this.peek(), ";")) this.next();
  }

  fail(expected: string, t: Token, hint?: string): never {
    throw new KcqlSyntaxError(expected, describeToken(t), t.pos, this.source, hint);
  }

  semantic(message: string, pos: Position): never {
    throw new KcqlSemanticError(message, pos, this.source);
  }

  expectKeyword(
    keyword: string,
    expected: string = keyword,
    hint?: (t: Token) => string | undefined,
  ): Token {
    const t = this.peek();
    if (!isKeyword(t, keyword)) this.fail(expected, t, hint?.(t));
    return this.next();
  }

  expectPunct(p: string, expected: string): Token {
    const t = this.peek();
    if (!isPunct(t, p)) this.fail(expected, t);
    return this.next();
  }

  statement(): StatementNode {
    const first = this.peek();
    const mode = this.writeMode();
    let headPk: Located<PathNode[]> | undefined;
    if (mode.value === "upsert" && isKeyword(this.peek(), "PK")) {
      const pk = this.next();
      headPk = { value: this.fieldList("PK"), pos: pk.pos };
    }
    this.expectKeyword(
      "INTO",
      "INTO",
      (t) => t.kind === "word" ? didYouMean(t, ["INTO"]) : undefined,
    );
    if (isKeyword(this.peek(), "SELECT") && !isKeyword(this.peek(1), "SELECT")) {
      this.fail("a collection name after INTO", this.peek());
    }
    const target = this.name("a collection name after INTO");
    const selectTok = this.expectKeyword(
      "SELECT",
      "SELECT",
      (t) => t.kind === "word" ? didYouMean(t, ["SELECT"]) : undefined,
    );
    const items = this.selectList();
    const source = this.name("a topic name after FROM");
    const stmt: StatementNode = {
      pos: first.pos,
      start: first.pos.offset,
      end: 0,
      mode,
      headPk,
      target,
      select: { value: items, pos: selectTok.pos },
      source,
      ignoredClauses: [],
    };
    this.clauses(stmt);
    stmt.end = this.previous().end;
    return stmt;
  }

  writeMode(): Located<WriteModeWord> {
    const t = this.peek();
    const word = t.kind === "word" ? t.value.toUpperCase() : "";
    if (word === "INSERT" || word === "UPSERT" || word === "UPDATE") {
      this.next();
      return { value: word.toLowerCase() as WriteModeWord, pos: t.pos };
    }
    const hint = word === "SELECT"
      ? "a MongoDB sink statement starts with INSERT INTO <collection> SELECT …"
      : t.kind === "word"
      ? didYouMean(t, ["INSERT", "UPSERT", "UPDATE"])
      : undefined;
    this.fail("INSERT, UPSERT or UPDATE", t, hint);
  }

  /** A topic or collection name: `quoted`, 'quoted', or adjacent words and . - + / : { } */
  name(expected: string, allowEmpty = false): Located<string> {
    const t = this.peek();
    if (t.kind === "backtick" || t.kind === "string") {
      this.next();
      if (t.value.length === 0 && !allowEmpty) {
        this.semantic(`${expected.replace(/^a /, "the ")} is empty`, t.pos);
      }
      return { value: t.value, pos: t.pos };
    }
    if (!isNamePart(t)) this.fail(expected, t);
    let text = "";
    let end = t.pos.offset;
    while (isNamePart(this.peek()) && this.peek().pos.offset === end) {
      const part = this.next();
      text += part.raw;
      end = part.end;
    }
    return { value: text, pos: t.pos };
  }

  selectList(): SelectItemNode[] {
    const items: SelectItemNode[] = [];
    for (;;) {
      const t = this.peek();
      const expected = items.length === 0 ? "'*' or a field to select" : "a field after ','";
      if (isPunct(t, "*")) {
        this.next();
        if (isKeyword(this.peek(), "AS")) {
          this.semantic("'*' cannot be given an alias", this.peek().pos);
        }
        if (isPunct(this.peek(), ".")) this.fail("',' or FROM", this.peek());
        items.push({ kind: "star", pos: t.pos });
      } else if (isKeyword(t, "FROM")) {
        this.fail(
          expected,
          t,
          items.length === 0 ? "the SELECT list is empty" : "remove the trailing ','",
        );
      } else if (t.kind === "word" || t.kind === "backtick" || t.kind === "string") {
        const path = this.path(expected, true);
        let alias: Located<string> | undefined;
        if (isKeyword(this.peek(), "AS")) {
          if (path.star) {
            this.semantic(
              `'${path.text}' cannot be given an alias: its fields keep their names`,
              this.peek().pos,
            );
          }
          this.next();
          const a = this.peek();
          if (a.kind === "word" && !isKeyword(a, "FROM")) alias = { value: a.value, pos: a.pos };
          else if (a.kind === "backtick" || a.kind === "string") {
            alias = { value: a.value, pos: a.pos };
          } else this.fail("an alias after AS", a);
          this.next();
        }
        items.push({ kind: "path", path, alias });
      } else {
        this.fail(expected, t);
      }
      if (isPunct(this.peek(), ",")) {
        this.next();
        continue;
      }
      break;
    }
    const t = this.peek();
    if (!isKeyword(t, "FROM")) {
      const last = items[items.length - 1];
      let hint: string | undefined;
      if (t.kind === "word") {
        hint = didYouMean(t, ["FROM"]) ??
          (last.kind === "path" && !last.alias
            ? `to rename a field write '${last.path.text} AS ${t.raw}'`
            : undefined);
      }
      this.fail("',' or FROM", t, hint);
    }
    this.next();
    return items;
  }

  /** A dotted path; `star` allows a final `.*` (the SELECT list, as the connector's column rule). */
  path(expected: string, star = false): PathNode {
    const first = this.peek();
    const segments: PathSegment[] = [this.segment(expected)];
    let starPos: Position | undefined;
    while (isPunct(this.peek(), ".")) {
      this.next();
      const t = this.peek();
      if (isPunct(t, "*")) {
        const parent = this.source.text.slice(first.pos.offset, this.previous().pos.offset);
        if (!star) {
          this.fail(
            "a field name after '.'",
            t,
            `'${parent}.*' selects fields; it is written in the SELECT list only`,
          );
        }
        this.next();
        starPos = t.pos;
        if (isPunct(this.peek(), ".")) {
          this.fail("',', AS or FROM", this.peek(), `'*' ends a path: '${parent}.*'`);
        }
        break;
      }
      segments.push(this.segment("a field name after '.'"));
    }
    const path: PathNode = {
      segments,
      pos: first.pos,
      text: this.source.text.slice(first.pos.offset, this.previous().end),
    };
    if (starPos) path.star = starPos;
    return path;
  }

  segment(expected: string): PathSegment {
    const t = this.peek();
    if (t.kind === "word") {
      this.next();
      return { name: t.value, quoted: false, pos: t.pos };
    }
    if (t.kind === "backtick" || t.kind === "string") {
      this.next();
      if (t.value.length === 0) this.semantic("a field name cannot be empty", t.pos);
      return { name: t.value, quoted: true, pos: t.pos };
    }
    this.fail(expected, t);
  }

  /** The paths after IGNORE or PK. */
  fieldList(keyword: string): PathNode[] {
    const paths: PathNode[] = [];
    for (;;) {
      const t = this.peek();
      const expected = paths.length === 0 ? `a field after ${keyword}` : "a field after ','";
      if (t.kind === "word" && LIST_RESERVED.has(t.value.toUpperCase())) {
        this.fail(expected, t, `write \`${t.value}\` for a field of that name`);
      }
      const path = this.path(expected);
      if (isKeyword(this.peek(), "AS")) {
        this.fail(`',' or the next clause`, this.peek(), `${keyword} fields take no alias`);
      }
      paths.push(path);
      if (!isPunct(this.peek(), ",")) return paths;
      this.next();
    }
  }

  clauses(stmt: StatementNode): void {
    const seen = new Map<string, Position>();
    let last: ClauseSpec | undefined;
    if (stmt.headPk) seen.set("PK", stmt.headPk.pos);
    for (;;) {
      const t = this.peek();
      if (isPunct(t, ";") || t.kind === "eof") return;
      const spec = t.kind === "word" ? clauseOf(t.value) : undefined;
      if (!spec) {
        const startsStatement = ["INSERT", "UPSERT", "UPDATE"].includes(t.value.toUpperCase());
        const hint = t.kind !== "word"
          ? undefined
          : startsStatement
          ? "end the previous statement with ';'"
          : didYouMean(t, CLAUSES.keys());
        this.fail(
          "a clause (IGNORE, PK, BATCH, PROPERTIES, …), ';' or the end of the statement",
          t,
          hint,
        );
      }
      const first = seen.get(spec.keyword);
      if (first) {
        this.semantic(
          `${spec.keyword} is given twice in one statement (first at line ${first.line}, column ${first.column})`,
          t.pos,
        );
      }
      if (last && spec.rank < last.rank) {
        throw new KcqlSyntaxError(
          `the clauses in the order ${clauseOrderText([...seen.keys(), spec.keyword])}`,
          `${spec.keyword} after ${last.keyword}`,
          t.pos,
          this.source,
          `move ${spec.keyword} before ${last.keyword}`,
        );
      }
      seen.set(spec.keyword, t.pos);
      last = spec;
      this.next();
      this.clause(spec, t, stmt);
    }
  }

  clause(spec: ClauseSpec, kw: Token, stmt: StatementNode): void {
    const KW = spec.keyword;
    switch (spec.args) {
      case "ignore":
        stmt.ignore = { value: this.fieldList(KW), pos: kw.pos };
        return;
      case "pk":
        if (stmt.headPk) {
          this.semantic(
            `PK is given twice in one statement (first at line ${stmt.headPk.pos.line}, column ${stmt.headPk.pos.column})`,
            kw.pos,
          );
        }
        stmt.pk = { value: this.fieldList(KW), pos: kw.pos };
        return;
      case "batch":
        this.expectPunct("=", "'=' after BATCH");
        stmt.batch = { value: this.integer("BATCH", true, MAX_BATCH), pos: kw.pos };
        return;
      case "properties":
        stmt.properties = { value: this.properties(), pos: kw.pos };
        return;
    }
    const ignored: IgnoredClauseNode = { keyword: KW, pos: kw.pos };
    switch (spec.args) {
      case "none":
        break;
      case "eq-int":
        this.expectPunct("=", `'=' after ${KW}`);
        this.integer(KW, spec.positive ?? false);
        break;
      case "int":
        this.integer(KW, spec.positive ?? false, undefined, KW);
        break;
      case "eq-name":
        this.expectPunct("=", `'=' after ${KW}`);
        this.name(`a value after ${KW} =`);
        break;
      case "eq-choice": {
        this.expectPunct("=", `'=' after ${KW}`);
        const value = this.name(`${spec.choices!.join(", ")} after ${KW} =`);
        if (!spec.choices!.includes(value.value.toUpperCase())) {
          this.semantic(
            `${KW} must be one of ${spec.choices!.join(", ")}, found '${value.value}'`,
            value.pos,
          );
        }
        break;
      }
      case "name":
        this.name(`a value after ${KW}`);
        if (isPunct(this.peek(), "(") && this.peek().pos.offset === this.previous().end) {
          this.next();
          this.expectPunct(")", "')'");
        }
        break;
      case "paths":
        this.pathList(KW);
        break;
      case "buckets":
        this.nameList(KW);
        this.expectKeyword("INTO", `',' or INTO after the ${KW} fields`);
        this.integer("the number of buckets", true, undefined, "INTO");
        this.expectKeyword("BUCKETS", "BUCKETS");
        break;
      case "paren-list":
        this.expectPunct("(", `'(' after ${KW}`);
        for (;;) {
          const item = this.name(`a name in ${KW}(…)`);
          if (spec.noTrailingDot && item.value.endsWith(".")) {
            // The connector: "Field selection can not end with '.'".
            throw new KcqlSyntaxError(
              `a field name after '.'`,
              describeToken(this.peek()),
              this.peek().pos,
              this.source,
              `a ${KW} field cannot end with '.': '${item.value}'`,
            );
          }
          if (isPunct(this.peek(), "=") || isKeyword(this.peek(), "AS")) {
            this.next();
            this.name(`a value in ${KW}(…)`);
          }
          if (isPunct(this.peek(), ",")) {
            this.next();
            continue;
          }
          this.expectPunct(")", "',' or ')'");
          break;
        }
        break;
      case "storeas":
        this.name(`a type after ${KW}`);
        while (isPunct(this.peek(), "(")) {
          this.next();
          for (;;) {
            this.name(`a parameter name in ${KW}(…)`);
            this.expectPunct("=", "'='");
            this.name(`a parameter value in ${KW}(…)`);
            if (isPunct(this.peek(), ",")) {
              this.next();
              continue;
            }
            this.expectPunct(")", "',' or ')'");
            break;
          }
        }
        break;
      case "eq-string": {
        this.expectPunct("=", `'=' after ${KW}`);
        const t = this.peek();
        if (t.kind !== "string") this.fail(`a quoted character after ${KW} =`, t);
        this.next();
        break;
      }
    }
    stmt.ignoredClauses.push(ignored);
  }

  pathList(keyword: string): void {
    this.path(`a field after ${keyword}`);
    while (isPunct(this.peek(), ",")) {
      this.next();
      this.path("a field after ','");
    }
  }

  nameList(keyword: string): void {
    this.name(`a field after ${keyword}`);
    while (isPunct(this.peek(), ",")) {
      this.next();
      this.name("a field after ','");
    }
  }

  /** A whole number written as digits; `positive` rejects 0, `max` bounds it. */
  integer(
    what: string,
    positive: boolean,
    max = Number.MAX_SAFE_INTEGER,
    after = `${what} =`,
  ): number {
    const t = this.peek();
    const written = this.numberText();
    if (t.kind !== "word" || !/^[0-9]+$/.test(t.value) || written !== t.raw) {
      if (written.length > 0 && /^[-+]?[0-9]/.test(written)) {
        this.semantic(
          `${what} must be a ${positive ? "positive " : ""}whole number, found ${written}`,
          t.pos,
        );
      }
      this.fail(`a ${positive ? "positive " : ""}whole number after ${after}`, t);
    }
    this.next();
    const n = Number(t.value);
    if (positive && n <= 0) {
      this.semantic(`${what} must be a positive whole number, found ${t.raw}`, t.pos);
    }
    if (n > max) this.semantic(`${what} must be at most ${max}, found ${t.raw}`, t.pos);
    return n;
  }

  /** The number-like text starting at the current token: `-5`, `1.5`, `10k`. */
  numberText(): string {
    let text = "";
    let k = 0;
    let end = this.peek().pos.offset;
    for (;;) {
      const t = this.peek(k);
      const fits = t.kind === "word" ||
        (t.kind === "punct" && (t.value === "-" || t.value === "+" || t.value === "."));
      if (!fits || t.pos.offset !== end) break;
      text += t.raw;
      end = t.end;
      k++;
    }
    return text;
  }

  properties(): PropertyNode[] {
    this.expectPunct("(", "'(' after PROPERTIES");
    const entries: PropertyNode[] = [];
    if (isPunct(this.peek(), ")")) {
      this.next();
      return entries;
    }
    for (;;) {
      const key = this.name("a property name such as 'timeseries.timeField'");
      this.expectPunct("=", `'=' after the property name`);
      // An empty value ('d'='') is a value, as in the connector's grammar (STRING).
      const value = this.name(`a value for property '${key.value}'`, true);
      entries.push({ key, value });
      if (isPunct(this.peek(), ",")) {
        this.next();
        continue;
      }
      this.expectPunct(")", "',' or ')'");
      return entries;
    }
  }
}

function isPunct(t: Token, p: string): boolean {
  return t.kind === "punct" && t.value === p;
}

function isKeyword(t: Token, keyword: string): boolean {
  return t.kind === "word" && t.value.toUpperCase() === keyword;
}

function isNamePart(t: Token): boolean {
  return t.kind === "word" || (t.kind === "punct" && NAME_PUNCT.has(t.value));
}

function didYouMean(t: Token, keywords: Iterable<string>): string | undefined {
  const k = closestKeyword(t.value, keywords);
  return k && k !== t.value.toUpperCase() ? `did you mean ${k}?` : undefined;
}
