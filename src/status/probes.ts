/**
 * Readiness probes: does Kafka, the registry, the store answer right now?
 * Each probe is bounded by a timeout and never throws; it says why not.
 */
import type { Kafka } from "kafkajs";
import type { MongoClient } from "mongodb";
import { classifyKafkaError } from "../kafka/failure.ts";
import { deadline } from "../util/retry.ts";
import {
  authorizationHeader,
  type RegistryAuth,
  resolveRegistryAuth,
  splitRegistryUrl,
} from "../config/registry_auth.ts";

/** The answer of one dependency. */
export interface CheckResult {
  up: boolean;
  /** Why it is not up (no secrets: messages of client libraries, URLs without credentials). */
  error?: string;
  /**
   * It answers but refuses the gateway (`auth`: the credentials; `tls`: the certificate), so
   * "does not answer" would send the operator the wrong way. Undefined: it does not answer.
   */
  refuses?: "auth" | "tls";
  /** Epoch ms of the probe. */
  at: number;
}

/** A dependency that answers but refuses the gateway: why, and what it refuses. */
export interface Refusal {
  error: string;
  refuses: "auth" | "tls";
}

/**
 * One probe: resolves with an error message when the dependency does not answer, a
 * {@linkcode Refusal} when it answers but refuses the gateway, else undefined.
 */
export type Probe = (signal: AbortSignal) => Promise<string | Refusal | undefined>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Kafka answers when a fresh admin client can reach a bootstrap broker and
 * describe the cluster (a fresh one each time, so the configured addresses
 * are what is probed, not a connection made earlier).
 */
export function kafkaProbe(kafka: Kafka, timeoutMs = 4000): Probe {
  return async () => {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await deadline(
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        timeoutMs,
        { what: "kafka" },
      );
      return undefined;
    } catch (e) {
      const f = classifyKafkaError(e);
      if (f.kind === "auth" || f.kind === "tls") return { error: f.message, refuses: f.kind };
      return f.kind === "other" ? message(e) : f.message;
    } finally {
      admin.disconnect().catch(() => {});
    }
  };
}

/**
 * The registry answers when its HTTP server does: any status below 500
 * except 401/403 (those mean the registry refuses the gateway's credentials).
 * It is asked with the gateway's own registry credentials and CA (`auth`, and any `user:pass@`
 * in the URL), sent as a header and never written into a message.
 */
export function registryProbe(url: string, auth: RegistryAuth = {}, timeoutMs = 4000): Probe {
  const split = splitRegistryUrl(url);
  const target = new URL("subjects", split.url.endsWith("/") ? split.url : `${split.url}/`);
  const authorization = authorizationHeader(resolveRegistryAuth(auth, {}, split.userInfo));
  const headers: Record<string, string> = authorization ? { authorization } : {};
  let client: Deno.HttpClient | undefined;
  return async (signal) => {
    try {
      if (auth.caFile && !client) {
        client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(auth.caFile)] });
      }
      const res = await fetch(target, {
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        ...(client ? { client } : {}),
      });
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) {
        return {
          error: `registry refuses the gateway's credentials (HTTP ${res.status})`,
          refuses: "auth",
        };
      }
      if (res.status >= 500) return `registry answers HTTP ${res.status}`;
      return undefined;
    } catch (e) {
      return `registry at ${target.origin}: ${message(e)}`;
    }
  };
}

/**
 * MongoDB answers a `ping`. `refusal` tells a refusal (wrong password, untrusted certificate)
 * from a store that does not answer; the sink passes its MongoDB error classifier (this module
 * does not load the driver, which produce never needs).
 */
export function mongoProbe(
  client: MongoClient,
  timeoutMs = 4000,
  refusal: (error: unknown) => Refusal | undefined = () => undefined,
): Probe {
  return async () => {
    try {
      await deadline(client.db("admin").command({ ping: 1 }), timeoutMs, { what: "mongodb" });
      return undefined;
    } catch (e) {
      return refusal(e) ?? message(e);
    }
  };
}
