/**
 * Schema Registry credentials and trust, defined once for both commands: Confluent's
 * `basic.auth.user.info` (`user:password`), a static bearer token, and a private CA.
 */
import type { OptionSpec } from "./option_spec.ts";
import { registerSecret } from "../util/redact.ts";

/** How to authenticate to the registry and whom to trust. */
export interface RegistryAuth {
  /** `user:password` (HTTP basic). */
  userInfo?: string;
  /** A static bearer token. */
  bearerToken?: string;
  /** PEM file of the CA that signed the registry's certificate. */
  caFile?: string;
}

function userInfo(text: string): string {
  const colon = text.indexOf(":");
  if (colon <= 0) {
    throw new Error(
      "--registry-user-info must be user:password (Confluent's basic.auth.user.info)",
    );
  }
  return registerSecret(text);
}

/** The registry options of both commands. */
export const REGISTRY_AUTH_OPTIONS = {
  registryUserInfo: {
    flag: "--registry-user-info <user:password>",
    env: "GATEWAY_REGISTRY_USER_INFO",
    help: "Schema Registry basic auth, as Confluent's basic.auth.user.info (prefer the variable)",
    parse: userInfo,
    secret: true,
  },
  registryBearerToken: {
    flag: "--registry-bearer-token <token>",
    env: "GATEWAY_REGISTRY_BEARER_TOKEN",
    help: "Schema Registry static bearer token (bearer.auth.token)",
    parse: (text: string) => {
      if (text.trim() === "") throw new Error("--registry-bearer-token is empty");
      return registerSecret(text.trim());
    },
    secret: true,
  },
  registryCa: {
    flag: "--registry-ca <pem file>",
    env: "GATEWAY_REGISTRY_CA",
    help: "CA certificate(s) of a registry with a private CA (https)",
    parse: (text: string) => {
      if (text.trim() === "") throw new Error("--registry-ca is empty");
      return text;
    },
  },
} satisfies Record<string, OptionSpec<string>>;

/**
 * The credentials a registry URL carries (`https://user:pass@host`), moved out of it: the URL
 * without them, and the user info (registered as a secret).
 */
export function splitRegistryUrl(url: string): { url: string; userInfo?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === "" && parsed.password === "") return { url };
  const info = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString().replace(/\/+$/, ""), userInfo: registerSecret(info) };
}

/** The `Authorization` header value, if any (bearer wins over basic, as in Confluent's client). */
export function authorizationHeader(auth: RegistryAuth | undefined): string | undefined {
  if (auth?.bearerToken) return `Bearer ${auth.bearerToken}`;
  if (auth?.userInfo) {
    const bytes = new TextEncoder().encode(auth.userInfo);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return `Basic ${btoa(bin)}`;
  }
  return undefined;
}

/** Flags over file, for the sink (and produce's flags alone). */
export function resolveRegistryAuth(
  flags: RegistryAuth,
  file: RegistryAuth = {},
  urlUserInfo?: string,
): RegistryAuth {
  const out: RegistryAuth = {};
  const userInfo = flags.userInfo ?? file.userInfo ?? urlUserInfo;
  const bearer = flags.bearerToken ?? file.bearerToken;
  const ca = flags.caFile ?? file.caFile;
  if (userInfo) out.userInfo = registerSecret(userInfo);
  if (bearer) out.bearerToken = registerSecret(bearer);
  if (ca) out.caFile = ca;
  return out;
}
