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
import type { RegistryClient } from "../avro/registry_client.ts";
import type { WriterSchema } from "../avro/writer_schema.ts";

export type RecordFormat = "confluent" | "avro-single-object";
export const RECORD_FORMATS: readonly RecordFormat[] = ["confluent", "avro-single-object"];

/** `latest`: use the subject's latest registered version (as the original did); `register`: register the gateway's schema. */
export type SchemaStrategy = "latest" | "register";
export const SCHEMA_STRATEGIES: readonly SchemaStrategy[] = ["latest", "register"];

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

export class SchemaMismatchError extends Error {
  override name = "SchemaMismatchError";
}

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
    const latest = await this.registry.latest(this.subject);
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

/** Fields of `target` with no default that `source` does not have. */
function missingFields(target: avsc.Type, source: avsc.Type): string[] {
  const have = new Set((source as avsc.types.RecordType).fields.map((f) => f.name));
  return (target as avsc.types.RecordType).fields
    .filter((f) => f.defaultValue() === undefined && !have.has(f.name))
    .map((f) => f.name);
}
