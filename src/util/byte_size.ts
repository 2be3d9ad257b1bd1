/**
 * Sizes as people write them, parsed strictly: a number (fractions allowed) and an optional unit.
 * `k`/`K`, `M`, `G`, `T` (optionally followed by `B`) are decimal, SI: 1 MB = 1,000,000 bytes.
 * `Ki`, `Mi`, `Gi`, `Ti` (optionally followed by `B`) are binary, IEC: 1 MiB = 1,048,576 bytes.
 * A bare number or `B` means bytes. Anything else (`10XB`, `1 G B`, `-5`, `1e9`) is an error.
 */

/** What `--help` says about units, shared by every size option. */
export const SIZE_UNITS_HELP =
  "k/M/G are decimal, 1 MB = 1,000,000 bytes; Ki/Mi/Gi binary, 1 MiB = 1,048,576 bytes";

const FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt]i?)b?|b)?$/i;

/** The number of bytes `text` means; throws an Error saying what is accepted. */
export function parseByteSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (!m) {
    throw new Error(
      `"${text}" is not a size: expected a number with an optional unit, ` +
        `e.g. 262144, 512k, 256MB, 256MiB, 1G, 1GiB (${SIZE_UNITS_HELP})`,
    );
  }
  const bytes = Math.floor(Number(m[1]) * FACTORS[(m[2] ?? "").toLowerCase()]);
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text}" is too large a size`);
  return bytes;
}

/** Formats a byte count for messages, in the binary unit that fits (e.g. `256 KiB`). */
export function formatByteSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${v} ${units[u]}`;
}
