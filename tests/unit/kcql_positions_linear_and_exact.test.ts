import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";
import { SourceText } from "../../src/sink/kcql/position.ts";

/** Line and column as the definition says: 1-based, columns in code points from the line start. */
function naive(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return [lines.length, [...lines[lines.length - 1]].length + 1];
}

const TEXT =
  "INSERT INTO r SELECT `😀 x`, b\r\nFROM t;\rUPSERT INTO ü SELECT * FROM 🐟 PK `a😀b`\n\n" +
  "INSERT INTO q SELECT é, `👍🏽`.x FROM v; INSERT INTO q2 SELECT * FROM w";

Deno.test("positions asked in any order are the line and column the definition gives", () => {
  const source = new SourceText(TEXT);
  const offsets = [...Array(TEXT.length + 1).keys()];
  // In order (as the lexer asks), backwards, then shuffled: the remembered position must not leak.
  const shuffled = [...offsets].sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101));
  for (const order of [offsets, [...offsets].reverse(), shuffled]) {
    for (const offset of order) {
      // Only offsets on code point boundaries, and not inside a CRLF, are asked for.
      const c = TEXT.charCodeAt(offset);
      if (c >= 0xdc00 && c <= 0xdfff) continue;
      if (TEXT[offset - 1] === "\r" && TEXT[offset] === "\n") continue;
      const p = source.positionAt(offset);
      assert.deepEqual([p.line, p.column], naive(TEXT, offset), `offset ${offset}`);
    }
  }
});

Deno.test("an error far along one long line, after astral characters, names its column in characters", () => {
  const statements = Array.from(
    { length: 2000 },
    (_, i) => `INSERT INTO c${i} SELECT \`😀\` FROM t${i}`,
  );
  const text = statements.join("; ") + "; INSERT INTO z SELECT a FORM y";
  assert.throws(
    () => parseKcql(text),
    (e: unknown) => {
      const err = e as { line: number; column: number };
      assert.equal(err.line, 1);
      assert.equal(err.column, [...text].length - "FORM y".length + 1);
      return true;
    },
  );
});
