/** Readiness probes: each asks the service something only a working instance can answer. */
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";

/** Outcome of one probe. */
export type ProbeResult = { ok: true; detail: string } | { ok: false; reason: string };

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kafka answers Metadata: an admin client connects and describes a cluster with a broker. */
export async function probeKafka(broker: string, timeoutMs = 5_000): Promise<ProbeResult> {
  const admin = new Kafka({
    clientId: "gateway-services-probe",
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_500,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  }).admin();
  const work = (async () => {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("cluster has no broker yet");
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  })();
  try {
    return { ok: true, detail: await withTimeout(work, timeoutMs, "kafka describeCluster") };
  } catch (err) {
    work.catch(() => {});
    return { ok: false, reason: reasonOf(err) };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The registry's Confluent-compatible API lists subjects with HTTP 200. */
export async function probeRegistry(ccompatUrl: string, timeoutMs = 5_000): Promise<ProbeResult> {
  try {
    const response = await fetch(`${ccompatUrl}/subjects`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    if (response.status !== 200) {
      return {
        ok: false,
        reason: `GET /subjects answered ${response.status}: ${body.slice(0, 200)}`,
      };
    }
    return { ok: true, detail: `subjects: ${body.slice(0, 80)}` };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/** The MongoDB wire protocol answers `ping` through the official driver. */
export async function probeMongo(url: string, timeoutMs = 5_000): Promise<ProbeResult> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: Math.min(timeoutMs, 3_000),
    connectTimeoutMS: Math.min(timeoutMs, 3_000),
    directConnection: true,
  });
  try {
    const work = client.db("admin").command({ ping: 1 });
    const reply = await withTimeout(work, timeoutMs, "mongo ping");
    work.catch(() => {});
    return reply.ok === 1
      ? { ok: true, detail: "ping ok" }
      : { ok: false, reason: `ping answered ${JSON.stringify(reply)}` };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  } finally {
    await client.close().catch(() => {});
  }
}

/** Whether something accepts TCP connections on host:port (used only to spot port clashes). */
export async function portInUse(host: string, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: host, port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
