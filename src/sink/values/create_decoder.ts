/** A value decoder wired to the schema registry and to the schemas a gateway ships (`schemas/`). */
import { RegistryClient } from "../../avro/registry_client.ts";
import type { RegistryAuth } from "../../config/registry_auth.ts";
import type { BsonOptions } from "./avro_to_bson.ts";
import { SinkValueDecoder } from "./decode_value.ts";
import type { TombstonePolicy } from "../policies.ts";
import { loadLocalSchemas } from "./local_schemas.ts";

export const SCHEMAS_DIR = new URL("../../../schemas/", import.meta.url);

export interface CreateDecoderOptions extends BsonOptions {
  /** The schema registry for Confluent-framed values; without it they are `unknown-schema-id`. */
  registryUrl?: string;
  /** Registry credentials and CA (src/config/registry_auth.ts). */
  registryAuth?: RegistryAuth;
  jsonDatetimeFields?: string | readonly string[];
  maxValueBytes?: number;
  tombstones?: TombstonePolicy;
  /** Where the local writer schemas are; default the gateway's `schemas/`. */
  schemasDir?: string | URL;
}

export async function createValueDecoder(o: CreateDecoderOptions): Promise<SinkValueDecoder> {
  return new SinkValueDecoder({
    ...o,
    registry: o.registryUrl
      ? new RegistryClient({ url: o.registryUrl, auth: o.registryAuth })
      : undefined,
    localSchemas: await loadLocalSchemas(o.schemasDir ?? SCHEMAS_DIR),
  });
}
