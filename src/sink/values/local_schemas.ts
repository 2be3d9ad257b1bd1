/**
 * The writer schemas a gateway ships with (`schemas/*.avsc`), by the
 * CRC-64-AVRO fingerprint an Avro single-object value carries.
 */
import type avsc from "avsc";
import { fingerprint64, fingerprintHex } from "../../avro/single_object.ts";
import { AvroSchemaError, parseWriterSchema } from "./avro_schema.ts";

export interface LocalSchema {
  /** The fingerprint as 16 hex digits, in the byte order of the encoding (little-endian). */
  fingerprint: string;
  type: avsc.Type;
  /** Where the schema came from, for messages. */
  source: string;
}

export class LocalSchemas {
  readonly #byFingerprint = new Map<string, LocalSchema>();

  /** Schemas from their JSON texts; `source` names each in errors. */
  static fromTexts(schemas: readonly { text: string; source: string }[]): LocalSchemas {
    const set = new LocalSchemas();
    for (const { text, source } of schemas) {
      let type: avsc.Type;
      try {
        type = parseWriterSchema(text);
      } catch (error) {
        throw new AvroSchemaError(`${source}: ${(error as Error).message}`);
      }
      const fingerprint = fingerprintHex(fingerprint64(type));
      if (!set.#byFingerprint.has(fingerprint)) {
        set.#byFingerprint.set(fingerprint, { fingerprint, type, source });
      }
    }
    return set;
  }

  get size(): number {
    return this.#byFingerprint.size;
  }

  byFingerprint(hex: string): LocalSchema | undefined {
    return this.#byFingerprint.get(hex);
  }

  list(): LocalSchema[] {
    return [...this.#byFingerprint.values()];
  }
}

/** Every `.avsc` file directly in `dir`; a file that is not a valid schema is an error naming it. */
export async function loadLocalSchemas(dir: string | URL): Promise<LocalSchemas> {
  const base = typeof dir === "string"
    ? dir.replace(/\/*$/, "/")
    : new URL(dir.href.endsWith("/") ? dir.href : `${dir.href}/`);
  const texts: { text: string; source: string }[] = [];
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".avsc")) names.push(entry.name);
  }
  for (const name of names.sort()) {
    const path = typeof base === "string" ? `${base}${name}` : new URL(name, base);
    texts.push({ text: await Deno.readTextFile(path), source: String(path) });
  }
  return LocalSchemas.fromTexts(texts);
}
