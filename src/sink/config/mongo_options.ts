/** SinkSettings → the MongoDB driver's client options (authentication and TLS). */
import type { MongoClientOptions } from "mongodb";
import type { SinkSettings } from "./sink_settings.ts";

/**
 * The options to pass with `settings.mongoUri`. Credentials given as
 * settings replace any in the connection string, as in the connector.
 */
export function mongoClientOptions(
  settings: Pick<SinkSettings, "username" | "password" | "authMechanism" | "authSource" | "tls">,
): MongoClientOptions {
  const options: MongoClientOptions = {};
  if (settings.username) {
    options.auth = settings.password === undefined
      ? { username: settings.username }
      : { username: settings.username, password: settings.password };
    if (settings.authMechanism) options.authMechanism = settings.authMechanism;
    if (settings.authSource) options.authSource = settings.authSource;
  }
  const tls = settings.tls;
  if (tls) {
    if (tls.caFile) options.tlsCAFile = tls.caFile;
    if (tls.certificateKeyFile) options.tlsCertificateKeyFile = tls.certificateKeyFile;
    if (tls.certificateKeyFilePassword) {
      options.tlsCertificateKeyFilePassword = tls.certificateKeyFilePassword;
    }
    if (tls.allowInvalidHostnames) options.tlsAllowInvalidHostnames = true;
  }
  return options;
}
