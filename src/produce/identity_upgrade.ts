/**
 * Readings spooled by a gateway from before `reading_id`: the spool gave each an id when it was
 * opened, but their bodies were encoded without it. At start, `gateway produce` writes the ids
 * into those bodies: each body's schema gets the run's `reading_id` and `spool_id` fields
 * appended (optional, null default: the same compatible step the schema file took), and the
 * body is encoded again with it. The values then carry the ids the headers carry, so `UPSERT ...
 * PK reading_id` keys them as it keys new readings.
 */
import {
  checkRecord,
  decodeRecord,
  encodeCheckedRecord,
  type WriterSchema,
  writerSchemaFromText,
} from "../avro/writer_schema.ts";
import type { Spool } from "../spool/spool.ts";

const IDENTITY_FIELDS = ["reading_id", "spool_id"];

interface SchemaJson {
  type?: unknown;
  fields?: { name: string }[];
}

/**
 * Rewrites the waiting readings whose schema lacks `reading_id` so that their values carry it
 * and `spool_id`, with those fields as `schema` (the run's) defines them. Returns how many were
 * rewritten; 0 when `schema` has no such fields or nothing waits without them.
 */
export function addIdentityToSpooledValues(spool: Spool, schema: WriterSchema): number {
  const ours = (JSON.parse(schema.text) as SchemaJson).fields ?? [];
  const added = ours.filter((f) => IDENTITY_FIELDS.includes(f.name));
  if (added.length !== IDENTITY_FIELDS.length) return 0;
  let rewritten = 0;
  for (const fp of spool.waitingSchemas()) {
    const text = spool.schema(fp);
    if (text === undefined) continue; // quarantined when sent: nothing can decode it
    const parsed = JSON.parse(text) as SchemaJson;
    if (parsed.type !== "record" || !Array.isArray(parsed.fields)) continue;
    const names = new Set(parsed.fields.map((f) => f.name));
    if (IDENTITY_FIELDS.some((n) => names.has(n))) continue;
    const old = writerSchemaFromText(text, `spooled schema ${fp}`);
    const upgraded = writerSchemaFromText(
      JSON.stringify({ ...parsed, fields: [...parsed.fields, ...added] }),
      `spooled schema ${fp} with reading_id and spool_id`,
    );
    spool.rememberSchema(upgraded.fingerprintHex, upgraded.text);
    rewritten += spool.rewriteBodies(fp, upgraded.fingerprintHex, (body, identity) => {
      const record = decodeRecord(old, body);
      record.reading_id = identity.readingId;
      record.spool_id = identity.spoolId;
      checkRecord(upgraded, record);
      return encodeCheckedRecord(upgraded, record);
    });
  }
  return rewritten;
}
