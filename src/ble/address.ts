/** Bluetooth device (BD) addresses: parsing, normalising, and errors that name the bad one. */

const FORMS = [
  /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

const EXAMPLE =
  "six hex byte pairs such as B0:B4:48:BE:5E:00 (also b0-b4-48-be-5e-00 or b0b448be5e00)";

/** `B0:B4:48:BE:5E:00`, `b0-b4-48-be-5e-00` or `b0b448be5e00` → `B0:B4:48:BE:5E:00`. */
export function parseAddress(text: string): string {
  const trimmed = text.trim();
  for (const form of FORMS) {
    const m = form.exec(trimmed);
    if (m) return m.slice(1).join(":").toUpperCase();
  }
  throw new Error(`bad BD address "${text}": expected ${EXAMPLE}`);
}

/** Parses every address; a bad one is an error naming it and its position. Duplicates are refused. */
export function parseAddresses(list: readonly string[]): string[] {
  const out: string[] = [];
  list.forEach((text, i) => {
    let address: string;
    try {
      address = parseAddress(text);
    } catch {
      throw new Error(
        `bad BD address "${text}" (address ${i + 1} of ${list.length}): expected ${EXAMPLE}`,
      );
    }
    const earlier = out.indexOf(address);
    if (earlier >= 0) {
      throw new Error(
        `BD address ${address} is given twice (addresses ${earlier + 1} and ${i + 1})`,
      );
    }
    out.push(address);
  });
  return out;
}

/** noble's form: lower case with colons. */
export function nobleAddress(address: string): string {
  return parseAddress(address).toLowerCase();
}
