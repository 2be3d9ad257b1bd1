/**
 * The Python packages the tests use: `confluent-kafka` (librdkafka), to
 * prove that topics written by librdkafka are read and that librdkafka reads
 * what the gateway writes; `bumble` (Google's Bluetooth stack), whose virtual
 * controllers are the emulated radio of tests/_support/ble_emulator/. Installed into a project-local virtual
 * environment (`.tools/venv`), only when it cannot be imported yet, so a
 * second run costs one `python -c`.
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const VENV = `${ROOT}.tools/venv`;
/** The interpreter the tests run their Python helpers with. */
export const TEST_PYTHON = `${VENV}/bin/python`;
export const CONFLUENT_KAFKA = "confluent-kafka==2.16.1";
/** Pinned: the emulator works around this version's known gaps (see tests/_support/ble_emulator/). */
export const BUMBLE = "bumble==0.0.236";
const PACKAGES = [CONFLUENT_KAFKA, BUMBLE];

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

/** The check that the pinned packages are importable at their pinned versions. */
const CHECK = [
  "import confluent_kafka, importlib.metadata as m",
  ...PACKAGES.map((p) => p.split("==")).map(([name, v]) =>
    `assert m.version(${JSON.stringify(name)}) == ${JSON.stringify(v)}`
  ),
  "import bumble.controller, bumble.link, bumble.device",
].join("; ");

/** Makes the pinned packages importable by `TEST_PYTHON`; throws saying what failed. */
export async function ensurePythonTestDeps(): Promise<void> {
  if (await run(TEST_PYTHON, ["-c", CHECK], true)) return;
  console.log(`test: installing ${PACKAGES.join(" ")} (PyPI) into ${VENV}`);
  if (!(await run(TEST_PYTHON, ["--version"], true))) {
    if (!(await run("python3", ["-m", "venv", VENV]))) {
      throw new Error(
        `could not create a Python virtual environment at ${VENV}: python3 with venv is needed`,
      );
    }
  }
  if (!(await run(TEST_PYTHON, ["-m", "pip", "install", "--quiet", ...PACKAGES]))) {
    throw new Error(`pip install ${PACKAGES.join(" ")} into ${VENV} failed`);
  }
}
