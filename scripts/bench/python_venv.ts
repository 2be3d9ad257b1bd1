/**
 * A project-local Python venv for the benchmarks' reference rows
 * (`.tools/bench-produce-venv`), created and filled with pip the first time, reused after.
 */
import { join } from "node:path";

/** What the reference rows need: confluent-kafka with its Avro serializer (fastavro, httpx...). */
export const BENCH_PYTHON_PACKAGES = ["confluent-kafka[avro]==2.16.1"];
const PROBE =
  "import confluent_kafka, fastavro; from confluent_kafka.schema_registry.avro import AvroSerializer";

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const o = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { ok: o.success, out: dec.decode(o.stdout) + dec.decode(o.stderr) };
  } catch (error) {
    return { ok: false, out: String(error) };
  }
}

/** The venv's python, installing what is missing (idempotent; quick when present). */
export async function benchPython(root: string): Promise<string> {
  const dir = join(root, ".tools", "bench-produce-venv");
  const python = join(dir, "bin", "python");
  if ((await run(python, ["-c", PROBE])).ok) return python;
  console.error(`bench: installing ${BENCH_PYTHON_PACKAGES.join(" ")} into ${dir}`);
  const venv = await run("python3", ["-m", "venv", dir]);
  if (!venv.ok) throw new Error(`python3 -m venv ${dir} failed:\n${venv.out}`);
  const pip = await run(python, ["-m", "pip", "install", "--quiet", ...BENCH_PYTHON_PACKAGES]);
  if (!pip.ok) {
    throw new Error(`pip install ${BENCH_PYTHON_PACKAGES.join(" ")} failed:\n${pip.out}`);
  }
  const probe = await run(python, ["-c", PROBE]);
  if (!probe.ok) throw new Error(`the bench venv cannot import confluent-kafka:\n${probe.out}`);
  return python;
}
