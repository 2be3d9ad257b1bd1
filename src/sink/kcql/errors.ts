/** Errors found in KCQL text, each pointing at a line and column. */
import type { Position, SourceText } from "./position.ts";

/** A KCQL statement that cannot be used: where, and why. */
export class KcqlError extends Error {
  override name = "KcqlError";
  readonly line: number;
  readonly column: number;
  readonly offset: number;

  constructor(
    readonly detail: string,
    at: Position,
    readonly source: SourceText,
  ) {
    super(`line ${at.line}, column ${at.column}: ${detail}`);
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
  }

  /** The message, the offending line and a caret under the column. */
  format(): string {
    const text = this.source.lineText(this.line);
    const gutter = `${this.line} | `;
    // Keep tabs so the caret lines up under what the terminal shows.
    const lead = [...text].slice(0, this.column - 1).map((c) => (c === "\t" ? "\t" : " ")).join("");
    return [
      `KCQL ${this.kindLabel()} at ${this.message}`,
      `${gutter}${text}`,
      `${" ".repeat(gutter.length - 2)}| ${lead}^`,
    ].join("\n");
  }

  protected kindLabel(): string {
    return "error";
  }
}

/** The text does not follow the KCQL grammar: `expected` was wanted where `found` stands. */
export class KcqlSyntaxError extends KcqlError {
  override name = "KcqlSyntaxError";

  constructor(
    readonly expected: string,
    readonly found: string,
    at: Position,
    source: SourceText,
    hint?: string,
  ) {
    super(`expected ${expected}, found ${found}${hint ? ` (${hint})` : ""}`, at, source);
  }

  protected override kindLabel(): string {
    return "syntax error";
  }
}

/** Grammatical KCQL that the MongoDB sink cannot carry out as written. */
export class KcqlSemanticError extends KcqlError {
  override name = "KcqlSemanticError";

  protected override kindLabel(): string {
    return "error";
  }
}

/** Something accepted but worth telling: an ignored clause, an unknown property. */
export interface KcqlWarning {
  message: string;
  line: number;
  column: number;
}

export function warningAt(message: string, at: Position): KcqlWarning {
  return { message, line: at.line, column: at.column };
}
