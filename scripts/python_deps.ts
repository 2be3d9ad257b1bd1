/**
 * The Python packages the tests use: `confluent-kafka` (librdkafka), to
 * prove that topics written by librdkafka are read and that librdkafka reads
 * what the gateway writes. Installed into a project-local virtual
 * environment (`.tools/venv`), only when it cannot be imported yet, so a
 * second run costs one `python -c`.
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const VENV = `${ROOT}.tools/venv`;
/** The interpreter the tests run their Python helpers with. */
export const TEST_PYTHON = `${VENV}/bin/python`;
export const CONFLUENT_KAFKA = "confluent-kafka==2.16.1";

async function run(cmd: string, args: string[], quiet = false): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: quiet ? "null" : "inherit",
      stderr: quiet ? "null" : "inherit",
    }).output();
    return out.success;
  } catch {
    return false; // not installed at all
  }
}

/** Makes `TEST_PYTHON -c "import confluent_kafka"` work; throws saying what failed. */
export async function ensurePythonTestDeps(): Promise<void> {
  if (await run(TEST_PYTHON, ["-c", "import confluent_kafka"], true)) return;
  console.log(`test: installing ${CONFLUENT_KAFKA} (PyPI) into ${VENV}`);
  if (!(await run(TEST_PYTHON, ["--version"], true))) {
    if (!(await run("python3", ["-m", "venv", VENV]))) {
      throw new Error(
        `could not create a Python virtual environment at ${VENV}: python3 with venv is needed`,
      );
    }
  }
  if (!(await run(TEST_PYTHON, ["-m", "pip", "install", "--quiet", CONFLUENT_KAFKA]))) {
    throw new Error(`pip install ${CONFLUENT_KAFKA} into ${VENV} failed`);
  }
}
