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

  positionAt(offset: number): Position {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = [...this.text.slice(starts[lo], offset)].length + 1;
    return { offset, line: lo + 1, column };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1] ?? this.text.length;
    const next = this.#lineStarts[line];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }
}
