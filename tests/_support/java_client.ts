/** The Java Kafka client (the broker's own libs, installed by scripts/services) producing. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installDir } from "../../scripts/services/install.ts";
import { servicesHome } from "../../scripts/services/paths.ts";
import { BROKERS } from "./kafka.ts";

const SOURCE = fileURLToPath(new URL("./JavaProducer.java", import.meta.url));

/** Writes `count` JSON records (`{"bid":"J<i>","n":i,"codec":...}`) to each topic with its codec. */
export async function javaProduce(count: number, topics: Record<string, string>): Promise<void> {
  const libs = join(installDir(servicesHome(Deno.env.toObject()), "kafka"), "libs");
  const out = await new Deno.Command("java", {
    args: [
      "-cp",
      `${libs}/*`,
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
