/**
 * The connector's `.properties` file, unchanged, as a `gateway sink`
 * configuration: read as Kafka Connect reads it (ISO-8859-1 bytes, Java
 * syntax), then turned into SinkSettings. Every error names the file.
 */
import { resolve } from "node:path";
import {
  decodeLatin1,
  looksLikeUtf8,
  PropertiesSyntaxError,
} from "../../config/java_properties.ts";
import {
  SinkConfigError,
  sinkSettingsFromProperties,
  type SinkSettingsOptions,
  type SinkSettingsResult,
} from "./sink_settings.ts";

export {
  type SinkOverrides,
  type SinkSettings,
  sinkSettingsFromProperties,
} from "./sink_settings.ts";

/** Reads and checks the file; any problem is an Error whose message starts with the path. */
export async function loadSinkConfigFile(
  path: string,
  options: SinkSettingsOptions = {},
): Promise<SinkSettingsResult> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${resolve(path)}: ${(error as Error).message}`);
  }
  try {
    const result = sinkSettingsFromProperties(decodeLatin1(bytes), options);
    if (looksLikeUtf8(bytes)) {
      result.warnings.unshift(
        "the file has non-ASCII characters in UTF-8; it is read as ISO-8859-1, as Kafka Connect " +
          "reads it (é becomes Ã©): write such characters as \\uXXXX escapes",
      );
    }
    return result;
  } catch (error) {
    if (error instanceof SinkConfigError || error instanceof PropertiesSyntaxError) {
      const e = new Error(`${resolve(path)}: ${error.message}`, { cause: error });
      e.name = error.name;
      throw e;
    }
    throw error;
  }
}
