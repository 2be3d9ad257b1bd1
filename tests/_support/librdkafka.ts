/** librdkafka (Python confluent-kafka, installed by scripts/test.ts) producing and consuming. */
import { fileURLToPath } from "node:url";
import { TEST_PYTHON } from "../../scripts/python_deps.ts";
import { BROKERS } from "./kafka.ts";

const SCRIPT = fileURLToPath(new URL("./librdkafka_client.py", import.meta.url));

export interface RdRecord {
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

async function python(args: string[]): Promise<string> {
  const out = await new Deno.Command(TEST_PYTHON, {
    args: [SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `librdkafka ${args[0]} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/** Produces `count` JSON records (`{"bid":"P<i>","n":i,...}`, key `k<i>`) compressed with `codec`. */
export async function librdkafkaProduce(topic: string, codec: string, count: number) {
  await python(["produce", BROKERS.join(","), topic, codec, String(count)]);
}

/** Reads up to `count` records of `topic` from the beginning with librdkafka. */
export async function librdkafkaConsume(
  topic: string,
  count: number,
  timeoutSeconds = 60,
): Promise<RdRecord[]> {
  const text = await python([
    "consume",
    BROKERS.join(","),
    topic,
    String(count),
    String(timeoutSeconds),
  ]);
  const hex = (h: string | null) =>
    h === null ? null : Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  return text.trim().split("\n").filter(Boolean).map((line) => {
    const r = JSON.parse(line);
    return { partition: r.partition, offset: r.offset, key: hex(r.key), value: hex(r.value) };
  });
}
