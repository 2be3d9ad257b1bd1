/**
 * KCQL lexer. Words are runs of letters, digits, `_` and `@` (the
 * connector's FIELD token, here with any Unicode letter or digit); names quoted with backticks or single quotes are
 * single tokens; everything else is one punctuation character. Whether a
 * word is a keyword is decided by the parser from where it stands, so a field
 * may be called `ttl` or `limit`.
 */
import { KcqlSyntaxError } from "./errors.ts";
import type { Position, SourceText } from "./position.ts";

export type TokenKind = "word" | "backtick" | "string" | "punct" | "eof";

export interface Token {
  kind: TokenKind;
  /** The text as written (quotes included). */
  raw: string;
  /** The text meant: quotes removed for quoted names. */
  value: string;
  pos: Position;
  /** Offset just past the token. */
  end: number;
}

const PUNCT = new Set([".", ",", "*", "=", "(", ")", ";", "-", "+", "/", ":", "{", "}"]);

const NON_ASCII_WORD = /^[\p{L}\p{N}\p{M}]$/u;

/** The UTF-16 length of a word character starting at `i`, or 0 when none starts there. */
function wordCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) {
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
        c === 0x5f || c === 0x40
      ? 1
      : 0;
  }
  const ch = charAt(text, i);
  return NON_ASCII_WORD.test(ch) ? ch.length : 0;
}

/** The character (code point) at `i`. */
function charAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i)!);
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

export function lexKcql(source: SourceText): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let i = 0;
  const at = (offset: number) => source.positionAt(offset);
  while (i < text.length) {
    if (isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let step = wordCharLength(text, i);
    if (step > 0) {
      while (step > 0) {
        i += step;
        step = i < text.length ? wordCharLength(text, i) : 0;
      }
      const raw = text.slice(start, i);
      tokens.push({ kind: "word", raw, value: raw, pos: at(start), end: i });
      continue;
    }
    const c = charAt(text, i);
    if (c === "`") {
      const close = text.indexOf("`", i + 1);
      if (close < 0) {
        throw new KcqlSyntaxError(
          "a closing backtick",
          "end of input",
          at(start),
          source,
          "unterminated `name`",
        );
      }
      const value = text.slice(i + 1, close);
      if (value.length === 0) {
        throw new KcqlSyntaxError("a name between the backticks", "``", at(start), source);
      }
      i = close + 1;
      tokens.push({ kind: "backtick", raw: text.slice(start, i), value, pos: at(start), end: i });
      continue;
    }
    if (c === "'") {
      // '...' with '' standing for one quote; no line breaks inside (as in the connector).
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length || text[i] === "\n" || text[i] === "\r") {
          throw new KcqlSyntaxError(
            "a closing quote",
            i >= text.length ? "end of input" : "end of line",
            at(start),
            source,
            "unterminated 'string'",
          );
        }
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: "string", raw: text.slice(start, i), value, pos: at(start), end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      i++;
      tokens.push({ kind: "punct", raw: c, value: c, pos: at(start), end: i });
      continue;
    }
    throw new KcqlSyntaxError(
      "a name, a keyword or one of . , * = ( ) ;",
      `'${c}'`,
      at(start),
      source,
    );
  }
  tokens.push({ kind: "eof", raw: "", value: "", pos: at(text.length), end: text.length });
  return tokens;
}

/** How a token is named in an error message. */
export function describeToken(t: Token): string {
  if (t.kind === "eof") return "end of input";
  if (t.raw === ";") return "';' (end of statement)";
  return `'${t.raw}'`;
}
