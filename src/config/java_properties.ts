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

export interface JavaProperties {
  /** Key → value, the last of repeated keys winning. */
  values: Map<string, string>;
  /** Every entry in file order, repeats included. */
  entries: PropertyEntry[];
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
  for (const node of parseLines(text, true)) {
    if (node.type !== "PAIR") continue;
    const pair = node as unknown as { key: string; value: string; range: number[] };
    const [start, , , end] = pair.range;
    const bad = malformedUnicodeEscape(text.slice(start, end));
    if (bad !== undefined) {
      throw new PropertiesSyntaxError(
        lineOf(start + bad),
        "malformed \\uxxxx escape (Java needs exactly four hex digits after \\u)",
      );
    }
    entries.push({ key: pair.key, value: pair.value, line: lineOf(start) });
    values.set(pair.key, pair.value);
  }
  return { values, entries };
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
