/**
 * Java `.properties` files read as `java.util.Properties.load(InputStream)`
 * reads them (and so as Kafka Connect reads a connector's file): ISO-8859-1
 * bytes; `#`/`!` comments; `=`, `:` or whitespace between key and value;
 * backslash line continuations; `\t \n \r \f \uXXXX` escapes; the last of a
 * repeated key wins. The line syntax is parsed by `dot-properties`; a
 * malformed `\u` escape, which Java rejects, is an error here too.
 */
import { parseLines } from "dot-properties";

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts. */
  line: number;
}

/** A place in the file: 1-based line and column (characters, as read: one per byte). */
export interface FilePosition {
  line: number;
  column: number;
}

export interface JavaProperties {
  /** Key → value, the last of repeated keys winning. */
  values: Map<string, string>;
  /** Every entry in file order, repeats included. */
  entries: PropertyEntry[];
  /**
   * Where the character at `index` of a key's value (the value that wins) stands in the file,
   * through escapes and line continuations; `index` = the value's length is just after it.
   */
  locate(key: string, index: number): FilePosition | undefined;
  /** The text of a 1-based line of the file, without its line break. */
  lineText(line: number): string;
}

/** A file Java would refuse to load. */
export class PropertiesSyntaxError extends Error {
  override name = "PropertiesSyntaxError";
  constructor(readonly line: number, detail: string) {
    super(`line ${line}: ${detail}`);
  }
}

/** Parses the text of a .properties file (already decoded to a string). */
export function parseJavaProperties(text: string): JavaProperties {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) lineStarts.push(i + 1);
  }
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const values = new Map<string, string>();
  const entries: PropertyEntry[] = [];
  const valueRanges = new Map<string, [number, number]>();
  for (const node of parseLines(text, true)) {
    if (node.type !== "PAIR") continue;
    const pair = node as unknown as { key: string; value: string; range: number[] };
    const [start, , valueStart, end] = pair.range;
    const bad = malformedUnicodeEscape(text.slice(start, end));
    if (bad !== undefined) {
      throw new PropertiesSyntaxError(
        lineOf(start + bad),
        "malformed \\uxxxx escape (Java needs exactly four hex digits after \\u)",
      );
    }
    entries.push({ key: pair.key, value: pair.value, line: lineOf(start) });
    values.set(pair.key, pair.value);
    valueRanges.set(pair.key, [valueStart, end]);
  }
  const offsetsOf = new Map<string, number[] | undefined>();
  const locate = (key: string, index: number): FilePosition | undefined => {
    const range = valueRanges.get(key);
    if (!range) return undefined;
    if (!offsetsOf.has(key)) {
      const offsets = valueOffsets(text, range[0], range[1]);
      // Only a scan that reads the value exactly as the parser did is trusted.
      offsetsOf.set(key, offsets?.value === values.get(key) ? offsets?.offsets : undefined);
    }
    const offset = offsetsOf.get(key)?.[index];
    if (offset === undefined) return undefined;
    const line = lineOf(offset);
    return { line, column: offset - lineStarts[line - 1] + 1 };
  };
  const lineText = (line: number): string => {
    const start = lineStarts[line - 1] ?? text.length;
    const end = lineStarts[line] ?? text.length;
    return text.slice(start, end).replace(/\r?\n$|\r$/, "");
  };
  return { values, entries, locate, lineText };
}

/**
 * The value written in `text` from `start` to `end`, unescaped as Java does, with the file offset
 * of each of its characters (and one more: the end).
 */
function valueOffsets(
  text: string,
  start: number,
  end: number,
): { value: string; offsets: number[] } | undefined {
  const ESCAPES: Record<string, string> = { t: "\t", n: "\n", r: "\r", f: "\f" };
  let value = "";
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (c !== "\\") {
      value += c;
      offsets.push(i);
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "\r" || next === "\n") {
      // A continuation: the line break and the next line's leading blanks are not in the value.
      i += next === "\r" && text[i + 2] === "\n" ? 3 : 2;
      while (i < end && (text[i] === " " || text[i] === "\t" || text[i] === "\f")) i++;
      continue;
    }
    if (next === "u") {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      offsets.push(i);
      i += 6;
      continue;
    }
    if (next === undefined) return undefined;
    value += ESCAPES[next] ?? next;
    offsets.push(i);
    i += 2;
  }
  offsets.push(end);
  return { value, offsets };
}

/** The offset of the first `\u` not followed by four hex digits in raw entry text, if any. */
function malformedUnicodeEscape(raw: string): number | undefined {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== "\\") continue;
    if (raw[i + 1] === "u" && !/^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) return i;
    i++; // the escaped character
  }
  return undefined;
}

/** Bytes as ISO-8859-1, one character per byte, as Java's Properties.load(InputStream). */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/**
 * Whether bytes would read differently as UTF-8: non-ASCII bytes that form
 * valid UTF-8 (a file saved by a UTF-8 editor, which Java reads as Latin-1).
 */
export function looksLikeUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
