/**
 * Which tests are unit tests and which need services, by rule, so the split of tests/ into
 * tests/unit/ and tests/service/ stays true as tests are added.
 *
 * A unit test needs only Deno and the process itself: no service (Kafka, the registry, FerretDB),
 * no child process (the gateway, Python, Java, Chromium, `mount`), no socket (not even one it
 * listens on itself), no mount. Everything else is a service test. The rule reads a test's
 * source: the helpers it imports from tests/_support/ ({@linkcode SERVICE_HELPERS}) and the
 * calls it makes itself ({@linkcode SERVICE_CALLS}).
 *
 * `deno run -A scripts/tests_layout.ts` lists every test with its kind and the reason;
 * `--move` moves each tests/*.test.ts (a straggler added flat, e.g. by a merge) into its folder
 * with `git mv`, rewrites its relative paths for the deeper folder, and names a unit test after
 * the one module it covers when no other unit test covers that module; it also moves a test in
 * the wrong folder to the other, and repairs `../src/`-style paths that a merge wrote into a test
 * already moved (run it after merging a branch that predates the split). `--check` exits 1 when
 * a test lies directly in tests/ or in the wrong folder. `--root DIR` works on another checkout.
 */
import { basename, join } from "node:path";

/** Where a test belongs. */
export type TestKind = "unit" | "service";

/**
 * Helpers in tests/_support/ that start a service or a process, connect to one, or mount:
 * the module, and the exports that do (`"*"`: every export). A unit test imports none of them.
 */
export const SERVICE_HELPERS: Readonly<Record<string, readonly string[] | "*">> = {
  "ble_emulator.ts": "*", // Bumble in the Python venv: a child process and a socket
  "browser.ts": "*", // Chromium
  "emulated_produce.ts": "*", // the gateway against the emulated radio
  "gateway_process.ts": ["startGateway", "runGateway"], // the gateway as a child process
  "java_client.ts": "*", // the Java Kafka client
  "kafka.ts": "*", // the test broker and registry
  "librdkafka.ts": "*", // Python's confluent-kafka
  "ops_http.ts": "*", // a running gateway's HTTP endpoints
  "permissions_after_command.ts": "*", // run as a child process
  "print_heap_limit.ts": "*", // run as a child process
  "private_ferretdb.ts": "*", // a FerretDB of its own
  "produce.ts": "*", // `produce` as a child process against the broker
  "prometheus.ts": "*", // Python's prometheus_client parser
  "pty.ts": "*", // a pseudo-terminal from the host's /dev/ptmx
  "secured_kafka.ts": "*", // a broker with TLS and SASL
  "sink.ts": "*", // the broker and FerretDB
  "sink_runtime.ts": "*", // committed offsets from the broker, TCP relays
  "small_disk.ts": "*", // a small file system, mounted
  "tcp_proxy.ts": "*", // sockets
  "tmpfs.ts": "*", // a tmpfs, mounted
  "sigint_over_hci_bindings.ts": "*", // run as a child process (from branch ble-fix)
};

/**
 * Helpers in tests/_support/ that need nothing outside the process. Every helper is in this list
 * or in {@linkcode SERVICE_HELPERS} (tests/unit/tests_layout.test.ts checks), so a new one is
 * classified when it is added.
 */
export const PURE_HELPERS: readonly string[] = ["avro_bytes.ts", "bson.ts", "fake_clock.ts"];

/** Calls in a test's own source that make it a service test, each with the reason. */
export const SERVICE_CALLS: readonly (readonly [RegExp, string])[] = [
  [/\bDeno\.Command\b|\bDeno\.run\(|node:child_process/, "runs a child process"],
  [/\bDeno\.(listen|listenTls|serve|connect|connectTls|listenDatagram)\b/, "opens a socket"],
  [/\bfetch\(/, "makes an HTTP request"],
  [/\bnew (MongoClient|Kafka)\(/, "connects to a service"],
  [/scripts\/services\/main\.ts/, "drives the services"],
];

/** A test's kind and why. */
export interface Classification {
  /** Where the test belongs. */
  kind: TestKind;
  /** Why it is a service test (empty for a unit test). */
  reasons: string[];
}

const IMPORT =
  /import\s+(type\s+)?(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\}|\*\s+as\s+[\w$]+)?\s*from\s*"([^"]+)"/g;

/** The tests/_support/ modules `source` imports, each with the value names it takes. */
export function supportImports(source: string): Map<string, string[] | "*"> {
  const found = new Map<string, string[] | "*">();
  for (const m of source.matchAll(IMPORT)) {
    const [, typeOnly, defaultName, named, spec] = m;
    const at = spec.match(/(?:^|\/)_support\/([\w.]+\.ts)$/);
    if (!at || typeOnly) continue;
    const names = named === undefined
      ? "*"
      : named.split(",").map((n) => n.trim()).filter((n) => n && !n.startsWith("type "))
        .map((n) => n.split(/\s+as\s+/)[0]);
    const all = defaultName || names === "*" ? "*" : names;
    const before = found.get(at[1]);
    found.set(at[1], before === "*" || all === "*" ? "*" : [...(before ?? []), ...all]);
  }
  // A helper run as a child process is named by path, not imported.
  for (const m of source.replaceAll(IMPORT, "").matchAll(/_support\/([\w.]+\.ts)/g)) {
    if (!found.has(m[1]) && SERVICE_HELPERS[m[1]] === "*") found.set(m[1], "*");
  }
  return found;
}

/** Classifies one test by its source. */
export function classify(source: string): Classification {
  const reasons: string[] = [];
  for (const [module, names] of supportImports(source)) {
    const service = SERVICE_HELPERS[module];
    if (service === undefined) continue;
    const used = service === "*"
      ? names
      : names === "*"
      ? service
      : names.filter((n) => service.includes(n));
    if (used === "*" || used.length > 0) {
      reasons.push(`uses _support/${module}${used === "*" ? "" : ` (${used.join(", ")})`}`);
    }
  }
  for (const [pattern, reason] of SERVICE_CALLS) {
    if (pattern.test(source)) reasons.push(reason);
  }
  return { kind: reasons.length > 0 ? "service" : "unit", reasons };
}

/**
 * `source` rewritten for a test moved one folder deeper (tests/x.test.ts to tests/unit/ or
 * tests/service/): `./_support/` becomes `../_support/`, and paths that left tests/ with `../`
 * (imports, `new URL(...)`, `join(dirname(...), "..")`) leave two folders.
 */
export function deepen(source: string): string {
  return source
    .replaceAll(/(["'`])\.\/_support\//g, "$1../_support/")
    .replaceAll(/(["'`])\.\.\/(?!_support\/)/g, "$1../../")
    .replaceAll(/new URL\((["'`])\.\.\1/g, "new URL($1../..$1")
    .replaceAll(/(import\.meta\.(?:url\)\)|dirname)\s*,\s*)(["'])\.\.\2/g, "$1$2..$2, $2..$2");
}

/** The top-level entries of the repository a test reaches with `../` from tests/. */
const TOP = "src|scripts|schemas|deploy|docs|README\\.md|main\\.ts|deno\\.json|gateway|denow";

/**
 * `source` of a test already in tests/unit/ or tests/service/ with the paths a merge brought in
 * written for tests/ itself made right: `./_support/` becomes `../_support/`, and `../src/` (any
 * top-level entry) `../../src/`. Paths already right are left alone, so this is idempotent.
 */
export function repair(source: string): string {
  return source
    .replaceAll(/(["'`])\.\/_support\//g, "$1../_support/")
    .replaceAll(new RegExp(`(["'\`])\\.\\./(${TOP})(?=[/"'\`])`, "g"), "$1../../$2");
}

/**
 * The name a unit test gets: after the one module under src/ it imports
 * (`src/util/log_episodes.ts` gives `util_log_episodes.test.ts`, a folder's `mod.ts` the
 * folder), when `covering` (how many unit tests import only that module) is 1 and its own
 * name shares a word with the module's path (else the module is a tool of the test, not its
 * subject); else its own name.
 */
export function unitName(file: string, source: string, covering: (module: string) => number) {
  const module = coveredModule(source);
  if (module === undefined || covering(module) !== 1) return basename(file);
  const stem = module.replace(/\/mod\.ts$|\.ts$/, "").replaceAll("/", "_");
  const words = (s: string) => s.split(/[_./]/).filter((w) => w.length >= 3);
  const own = words(basename(file).replace(/\.test\.ts$/, ""));
  if (!words(stem).some((w) => own.includes(w))) return basename(file);
  return `${stem}.test.ts`;
}

/** The one module under src/ that `source` imports, if it imports exactly one. */
export function coveredModule(source: string): string | undefined {
  const modules = new Set(
    [...source.matchAll(/from\s*"(?:\.\.\/)+src\/([^"]+\.ts)"/g)].map((m) => m[1]),
  );
  return modules.size === 1 ? [...modules][0] : undefined;
}

/** A test file under tests/, its kind, and where it belongs. */
export interface Placement {
  /** Path relative to the root, e.g. `tests/x.test.ts`. */
  file: string;
  /** The classification. */
  classified: Classification;
  /** The folder it is in: `""` (tests/ itself), `unit` or `service`. */
  folder: "" | TestKind;
}

/** Every test under `root`/tests, in tests/ itself and in both folders. */
export async function placements(root: string): Promise<Placement[]> {
  const out: Placement[] = [];
  for (const folder of ["", "unit", "service"] as const) {
    const dir = join(root, "tests", folder);
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const names = entries.filter((e) => e.isFile && e.name.endsWith(".test.ts"))
      .map((e) => e.name).sort();
    for (const name of names) {
      const file = join("tests", folder, name);
      out.push({ file, folder, classified: classify(await Deno.readTextFile(join(root, file))) });
    }
  }
  return out;
}

/**
 * Moves every test lying directly in `root`/tests into its folder (with `git mv` when `git` is
 * true, so history follows), rewrites its paths and names unit tests after their module; moves a
 * test in the wrong folder to the right one; and {@linkcode repair}s paths in both folders.
 * Returns `[from, to]` per change (`from === to`: paths repaired in place).
 */
export async function moveStragglers(root: string, git = true): Promise<[string, string][]> {
  const all = await placements(root);
  const sources = new Map<string, string>();
  for (const p of all) sources.set(p.file, await Deno.readTextFile(join(root, p.file)));
  const unitModules = all.filter((p) => p.classified.kind === "unit")
    .map((p) => coveredModule(sources.get(p.file)!));
  const covering = (m: string) => unitModules.filter((u) => u === m).length;
  const moves: [string, string][] = [];
  for (const p of all.filter((p) => p.folder === "")) {
    const source = sources.get(p.file)!;
    const kind = p.classified.kind;
    let name = kind === "unit" ? unitName(p.file, source, covering) : basename(p.file);
    if (exists(join(root, "tests", kind, name))) name = basename(p.file);
    const to = join("tests", kind, name);
    if (exists(join(root, to))) throw new Error(`${p.file}: ${to} exists already`);
    await Deno.mkdir(join(root, "tests", kind), { recursive: true });
    if (git) await run(root, ["git", "mv", p.file, to]);
    else await Deno.rename(join(root, p.file), join(root, to));
    await Deno.writeTextFile(join(root, to), deepen(source));
    moves.push([p.file, to]);
  }
  // Tests in a folder: paths a merge wrote for tests/ itself, and tests now in the wrong folder
  // (a merge gave a unit test a service helper: it moves, at the same depth).
  for (const p of all.filter((p) => p.folder !== "")) {
    const source = sources.get(p.file)!;
    const fixed = repair(source);
    let at = p.file;
    if (p.folder !== p.classified.kind) {
      at = join("tests", p.classified.kind, basename(p.file));
      if (exists(join(root, at))) throw new Error(`${p.file}: ${at} exists already`);
      await Deno.mkdir(join(root, "tests", p.classified.kind), { recursive: true });
      if (git) await run(root, ["git", "mv", p.file, at]);
      else await Deno.rename(join(root, p.file), join(root, at));
      moves.push([p.file, at]);
    }
    if (fixed !== source) {
      await Deno.writeTextFile(join(root, at), fixed);
      if (at === p.file) moves.push([p.file, p.file]);
    }
  }
  await renameReferences(root, moves.filter(([from, to]) => from !== to));
  return moves;
}

const TEXT = /\.(ts|md|yml|yaml|json|txt|sh)$/;
const SKIP = new Set([".git", "node_modules", ".tools", ".services", "dist"]);

/**
 * Rewrites each `from` path named in the repository's text files to its `to`, then any other
 * `tests/<name>.test.ts` (or glob, `tests/service/ble_emulated_*.test.ts`) that names no file but names
 * files in exactly one of tests/unit/ and tests/service/, to that folder.
 */
async function renameReferences(root: string, moves: [string, string][]): Promise<void> {
  const inFolder = new Map<TestKind, string[]>();
  for (const kind of ["unit", "service"] as const) {
    try {
      inFolder.set(kind, [...Deno.readDirSync(join(root, "tests", kind))].map((e) => e.name));
    } catch {
      inFolder.set(kind, []);
    }
  }
  const resolve = (name: string): string | undefined => {
    if (!name.includes("*") && exists(join(root, "tests", name))) return undefined;
    const re = new RegExp(`^${name.replaceAll(".", "\\.").replaceAll("*", "[\\w]*")}$`);
    const kinds = [...inFolder].filter(([, names]) => names.some((n) => re.test(n)));
    return kinds.length === 1 ? `tests/${kinds[0][0]}/${name}` : undefined;
  };
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(root, dir))) {
      const path = join(dir, e.name);
      if (e.isDirectory && !SKIP.has(e.name)) await walk(path);
      else if (e.isFile && TEXT.test(e.name)) {
        const text = await Deno.readTextFile(join(root, path));
        let out = text;
        for (const [from, to] of moves) {
          out = out.replaceAll(new RegExp(`(?<![\\w/])${from.replaceAll(".", "\\.")}`, "g"), to);
        }
        out = out.replaceAll(
          /(?<![\w/])tests\/([\w*]+\.test\.ts)/g,
          (whole, name: string) => resolve(name) ?? whole,
        );
        if (out !== text) await Deno.writeTextFile(join(root, path), out);
      }
    }
  };
  await walk("");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cwd: string, cmd: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    stderr: "piped",
  })
    .output();
  if (code !== 0) throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`);
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--root");
  const root = at >= 0 ? args.splice(at, 2)[1] : new URL("..", import.meta.url).pathname;
  const unknown = args.filter((a) => !["--move", "--check", "--no-git"].includes(a));
  if (unknown.length > 0 || root === undefined) {
    console.error(
      `tests_layout: unknown argument ${unknown.join(" ")}; ` +
        "usage: tests_layout.ts [--move [--no-git] | --check] [--root DIR]",
    );
    Deno.exit(2);
  }
  if (args.includes("--move")) {
    const moves = await moveStragglers(root, !args.includes("--no-git"));
    for (const [from, to] of moves) {
      console.log(from === to ? `repaired paths in ${to}` : `moved ${from} -> ${to}`);
    }
    // A deeper path can push an import past the line width.
    if (moves.length > 0) {
      await run(root, [Deno.execPath(), "fmt", "--quiet", ...moves.map(([, to]) => to)]);
    }
  }
  let wrong = 0;
  for (const p of await placements(root)) {
    const { kind, reasons } = p.classified;
    const misplaced = p.folder !== kind;
    if (misplaced) wrong++;
    if (!args.includes("--check") || misplaced) {
      console.log(
        `${misplaced ? "MISPLACED " : ""}${kind.padEnd(7)} ${p.file}` +
          (reasons.length > 0 ? `  (${reasons.join("; ")})` : ""),
      );
    }
  }
  if (args.includes("--check") && wrong > 0) {
    console.error(`tests_layout: ${wrong} test(s) not in their folder; run with --move`);
    Deno.exit(1);
  }
}
