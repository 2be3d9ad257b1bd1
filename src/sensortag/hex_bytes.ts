/**
 * Hex bytes as a user types them: "a0 0b 3c 0f", "a00b3c0f", "a0:0b:3c:0f",
 * "0xa0 0x0b", "A0-0B", "a0,0b". Separators are blanks, ':', '-', ',' and ';'.
 * A token of one or two digits is one byte; a longer token is read as
 * consecutive bytes in the order typed and needs an even number of digits.
 */

const TOKEN = /[^\s,:;-]+/g;

export function parseHexBytes(input: string): Uint8Array {
  if (typeof input !== "string") throw new Error("hex bytes: expected a string");
  const out: number[] = [];
  let n = 0;
  for (const m of input.matchAll(TOKEN)) {
    n++;
    const token = m[0];
    const start = m.index ?? 0;
    const prefixed = /^0x/i.test(token);
    const digits = prefixed ? token.slice(2) : token;
    const offset = start + (prefixed ? 2 : 0);
    const where = `token ${n} "${token}" at column ${start + 1}`;
    if (digits.length === 0) throw new Error(`hex bytes: ${where} has no digits after 0x`);
    const bad = /[^0-9a-f]/i.exec(digits);
    if (bad) {
      throw new Error(
        `hex bytes: "${bad[0]}" at column ${offset + bad.index + 1} (${where}) is not a hex digit`,
      );
    }
    if (digits.length > 2 && digits.length % 2 !== 0) {
      throw new Error(
        `hex bytes: ${where} has an odd number of digits (${digits.length}): write each byte as two digits`,
      );
    }
    if (digits.length <= 2) {
      out.push(parseInt(digits, 16));
    } else {
      for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
    }
  }
  if (n === 0) throw new Error('hex bytes: none given (e.g. "a0 0b 3c 0f")');
  return Uint8Array.from(out);
}

/** Lower-case, space-separated: "a0 0b 3c 0f". */
export function formatHexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
