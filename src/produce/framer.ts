/**
 * Turns spooled Avro bodies into Kafka record values in the chosen wire
 * format. Each spooled body carries the fingerprint of the schema it was
 * written with, so readings spooled by an older gateway version still go out
 * right after an upgrade. Registry look-ups happen here, at send time, so a
 * registry that is down when readings are taken never stops them from being
 * spooled.
 */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { frameConfluent } from "../avro/confluent_frame.ts";
import { frameSingleObject } from "../avro/single_object.ts";
import { type RegistryClient, RegistryError } from "../avro/registry_client.ts";
import type { WriterSchema } from "../avro/writer_schema.ts";

export type RecordFormat = "confluent" | "avro-single-object";
export const RECORD_FORMATS: readonly RecordFormat[] = ["confluent", "avro-single-object"];

/**
 * `auto` (default): the subject's latest version when the subject exists (as the original script
 * did), else register the gateway's schema (as Confluent's serializers do); `latest`: only the
 * latest registered version; `register`: always register the gateway's schema.
 */
export type SchemaStrategy = "auto" | "latest" | "register";
export const SCHEMA_STRATEGIES: readonly SchemaStrategy[] = ["auto", "latest", "register"];

/** Finds the writer schema of a spooled body by its fingerprint (hex). */
export type WriterLookup = (fingerprintHex: string) => WriterSchema;

export interface Framer {
  /** Frames one spooled body; throws while the registry cannot answer or rejects the schema. */
  frame(fingerprintHex: string, body: Uint8Array): Promise<Uint8Array>;
}

export class SingleObjectFramer implements Framer {
  constructor(private readonly writerFor: WriterLookup) {}
  frame(fingerprintHex: string, body: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(frameSingleObject(this.writerFor(fingerprintHex).fingerprint, body));
  }
}

/** The subject's latest schema cannot carry the gateway's readings: permanent for them. */
export class SchemaMismatchError extends Error {
  override name = "SchemaMismatchError";
}

/** A spooled body names a writer schema the spool does not hold: it cannot be decoded, ever. */
export class UnknownWriterSchemaError extends Error {
  override name = "UnknownWriterSchemaError";
}

/** `--schema-strategy latest` and the subject has no version yet. */
export class SubjectMissingError extends Error {
  override name = "SubjectMissingError";
  constructor(readonly subject: string) {
    super(`subject ${subject} is not registered: use --schema-strategy register or auto`);
  }
}

/** Called once per writer schema when the subject's latest version lacks a field ours has. */
export type DroppedFieldsHook = (subject: string, id: number, fields: string[]) => void;

interface Target {
  id: number;
  transcode?: (body: Uint8Array) => Uint8Array;
}

export class ConfluentFramer implements Framer {
  #targets = new Map<string, Target>();
  #pending = new Map<string, Promise<Target>>();

  constructor(
    private readonly writerFor: WriterLookup,
    private readonly registry: RegistryClient,
    private readonly subject: string,
    private readonly strategy: SchemaStrategy,
    private readonly onDroppedFields?: DroppedFieldsHook,
  ) {}

  /** The schema id used for bodies of this fingerprint, once resolved. */
  schemaId(fingerprintHex: string): number | undefined {
    return this.#targets.get(fingerprintHex)?.id;
  }

  async frame(fingerprintHex: string, body: Uint8Array): Promise<Uint8Array> {
    let target = this.#targets.get(fingerprintHex);
    if (!target) {
      let pending = this.#pending.get(fingerprintHex);
      if (!pending) {
        pending = this.#resolve(this.writerFor(fingerprintHex))
          .finally(() => this.#pending.delete(fingerprintHex));
        this.#pending.set(fingerprintHex, pending);
      }
      target = await pending;
      this.#targets.set(fingerprintHex, target);
    }
    return frameConfluent(target.id, target.transcode ? target.transcode(body) : body);
  }

  async #resolve(writer: WriterSchema): Promise<Target> {
    if (this.strategy === "register") {
      return { id: await this.registry.register(this.subject, writer.text) };
    }
    let latest;
    try {
      latest = await this.registry.latest(this.subject);
    } catch (error) {
      if (!(error instanceof RegistryError) || error.status !== 404) throw error;
      if (this.strategy === "latest") throw new SubjectMissingError(this.subject);
      return { id: await this.registry.register(this.subject, writer.text) };
    }
    const latestType = avsc.Type.forSchema(JSON.parse(latest.schema));
    if (latestType.equals(writer.type)) return { id: latest.id };
    // The subject's latest version differs from the writer schema: records
    // are re-encoded with it. A field it requires that the gateway does not
    // produce is a configuration error, reported by name.
    const missing = missingFields(latestType, writer.type);
    if (missing.length > 0) {
      throw new SchemaMismatchError(
        `the latest schema of subject ${this.subject} (id ${latest.id}) requires field(s) ` +
          `${
            missing.join(", ")
          } that this gateway does not produce; register a compatible version ` +
          `or run with --schema-strategy register`,
      );
    }
    const dropped = missingFields(writer.type, latestType, true);
    if (dropped.length > 0) this.onDroppedFields?.(this.subject, latest.id, dropped);
    const ours = writer.type;
    return {
      id: latest.id,
      transcode: (body) => {
        const record = ours.fromBuffer(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
        const out: Buffer = latestType.toBuffer(record);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      },
    };
  }
}

/** Fields of `target` (with no default, unless `all`) that `source` does not have. */
function missingFields(target: avsc.Type, source: avsc.Type, all = false): string[] {
  const have = new Set((source as avsc.types.RecordType).fields.map((f) => f.name));
  return (target as avsc.types.RecordType).fields
    .filter((f) => (all || f.defaultValue() === undefined) && !have.has(f.name))
    .map((f) => f.name);
}
