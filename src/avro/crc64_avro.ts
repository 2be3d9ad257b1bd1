/**
 * CRC-64-AVRO, the Rabin fingerprint the Avro specification defines for
 * schema fingerprints ("Schema Fingerprints" section): EMPTY =
 * 0xc15d213aa4d7a795, a 256-entry table, one table step per byte.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK = 0xffffffffffffffffn;

const TABLE: bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & (-(fp & 1n) & MASK));
    table.push(fp);
  }
  return table;
})();

/** The 64-bit fingerprint of `bytes`, as an unsigned BigInt. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  return fp;
}
