/** The Java Kafka client (the broker's own libs, installed by scripts/services) producing. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installDir } from "../../scripts/services/install.ts";
import { servicesHome } from "../../scripts/services/paths.ts";
import { BROKERS } from "./kafka.ts";

const SOURCE = fileURLToPath(new URL("./JavaProducer.java", import.meta.url));
const CONSUMER = fileURLToPath(new URL("./JavaConsumer.java", import.meta.url));

function libs(): string {
  return join(installDir(servicesHome(Deno.env.toObject()), "kafka"), "libs");
}

/** Writes `count` JSON records (`{"bid":"J<i>","n":i,"codec":...}`) to each topic with its codec. */
export async function javaProduce(count: number, topics: Record<string, string>): Promise<void> {
  const out = await new Deno.Command("java", {
    args: [
      "-cp",
      `${libs()}/*`,
      SOURCE,
      BROKERS.join(","),
      String(count),
      ...Object.entries(topics).map(([codec, topic]) => `${codec}=${topic}`),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Java producer failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Reads each topic from the beginning with the Java client until it has its count: the values. */
export async function javaConsume(
  counts: Record<string, number>,
  timeoutSeconds = 60,
): Promise<Record<string, Uint8Array[]>> {
  const out = await new Deno.Command("java", {
    args: [
      "-cp",
      `${libs()}/*`,
      CONSUMER,
      BROKERS.join(","),
      String(timeoutSeconds),
      ...Object.entries(counts).map(([topic, n]) => `${topic}=${n}`),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Java consumer failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
  const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  const result: Record<string, Uint8Array[]> = {};
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    if (!line.startsWith("{")) continue;
    const r = JSON.parse(line) as { topic: string; values: string[] };
    result[r.topic] = r.values.filter(Boolean).map(hex);
  }
  return result;
}
