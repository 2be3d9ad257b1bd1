/** Where something is in KCQL text: 0-based offset, 1-based line and column. */

export interface Position {
  /** 0-based UTF-16 offset into the whole text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in characters (code points) from the start of the line. */
  column: number;
}

/** Maps offsets of one text to line/column positions. */
export class SourceText {
  readonly #lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.#lineStarts.push(i + 1);
      else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) this.#lineStarts.push(i + 1);
    }
  }

  /** The last position computed: the next is counted on from it when it lies further on the same line. */
  #last: Position = { offset: 0, line: 1, column: 1 };

  /**
   * The position of `offset`. Callers that ask in increasing order (the
   * lexer) cost the distance from the previous answer, not from the start
   * of the line: linear time over a whole text, even on one long line.
   */
  positionAt(offset: number): Position {
    const line = this.#lineOf(offset);
    const start = this.#lineStarts[line - 1];
    const last = this.#last;
    const from = last.line === line && last.offset <= offset ? last : undefined;
    const column = (from?.column ?? 1) + codePoints(this.text, from?.offset ?? start, offset);
    // Positions are not changed once made: the one returned is also the one remembered.
    const position: Position = { offset, line, column };
    this.#last = position;
    return position;
  }

  /** The 1-based line holding `offset`. */
  #lineOf(offset: number): number {
    const starts = this.#lineStarts;
    const last = this.#last;
    // Most calls are on the line of the previous one, or the next line.
    for (let l = last.line; l <= last.line + 1 && l <= starts.length; l++) {
      if (starts[l - 1] <= offset && (l === starts.length || offset < starts[l])) return l;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    const next = this.#lineStarts[line];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }
}

/** How many code points `text` has from `from` to `to` (a surrogate pair counts once). */
function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // The low half of a pair is not counted again.
    if (c >= 0xdc00 && c <= 0xdfff && i > from && isHighSurrogate(text.charCodeAt(i - 1))) continue;
    n++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
