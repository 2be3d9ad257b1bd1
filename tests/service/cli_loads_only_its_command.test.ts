/**
 * Each command's code is loaded only when that command runs: main.ts's static
 * module graph holds commander and the dispatcher, nothing more; `produce`
 * never reaches the sink or the MongoDB driver; `sink` never reaches noble or
 * the produce pipeline. Every command module is still a (dynamic) literal
 * import, so `deno compile` embeds them all.
 */
import assert from "node:assert/strict";
import { COMMANDS, commandsFor } from "../../src/cli/program.ts";
import { REPO, runGateway } from "../_support/gateway_process.ts";

const ROOT_URL = new URL("../../", import.meta.url);

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface ModuleInfo {
  specifier: string;
  dependencies?: Dependency[];
}

async function graph(entry: string): Promise<Map<string, ModuleInfo>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: ModuleInfo[] };
  return new Map(info.modules.map((m) => [m.specifier, m]));
}

/** Specifiers reached from `entry` through static imports only (npm packages as `npm:name`). */
async function staticClosure(entry: string): Promise<Set<string>> {
  const modules = await graph(entry);
  const root = new URL(entry, ROOT_URL).href;
  const seen = new Set<string>();
  const todo = [root];
  while (todo.length > 0) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of modules.get(s)?.dependencies ?? []) {
      const target = d.code?.specifier;
      if (!target || d.isDynamic) continue;
      if (target.startsWith("npm:")) {
        seen.add(`npm:${/^npm:\/?(@?[^@/]+(?:\/[^@/]+)?)/.exec(target)![1]}`);
      } else todo.push(target);
    }
  }
  return seen;
}

const local = (set: Set<string>, dir: string) =>
  [...set].filter((s) => s.startsWith(new URL(`${dir}/`, ROOT_URL).href));
const npm = (set: Set<string>) => [...set].filter((s) => s.startsWith("npm:")).sort();

Deno.test("main.ts statically loads only commander and the dispatcher", async () => {
  const closure = await staticClosure("main.ts");
  assert.deepEqual(npm(closure), ["npm:commander"]);
  for (const dir of ["src/sink", "src/kafka", "src/ble", "src/produce", "src/spool", "src/avro"]) {
    assert.deepEqual(local(closure, dir), [], `${dir} is not loaded before a command runs`);
  }
});

Deno.test("gateway produce never loads the sink or the MongoDB driver", async () => {
  const closure = await staticClosure("src/cli/produce_command.ts");
  assert.ok(closure.has("npm:kafkajs"), "the closure is real: produce needs kafkajs");
  assert.ok(!closure.has("npm:mongodb"), "mongodb is not in produce's module graph");
  assert.deepEqual(local(closure, "src/sink"), []);
});

Deno.test("gateway sink never loads noble or the produce pipeline", async () => {
  const closure = await staticClosure("src/cli/sink_command.ts");
  assert.ok(closure.has("npm:mongodb"), "the closure is real: the sink needs mongodb");
  assert.ok(!closure.has("npm:@stoprocent/noble"));
  assert.deepEqual(local(closure, "src/ble"), []);
  assert.deepEqual(local(closure, "src/produce"), []);
});

Deno.test("every command module is a literal dynamic import of the dispatcher (deno compile embeds it)", async () => {
  const modules = await graph("main.ts");
  const program = modules.get(new URL("src/cli/program.ts", ROOT_URL).href)!;
  const dynamic = (program.dependencies ?? []).filter((d) => d.isDynamic).map((d) =>
    d.code?.specifier.replace(/^.*\/src\/cli\//, "")
  ).sort();
  assert.deepEqual(
    dynamic,
    COMMANDS.map((c) => `${c.name.replaceAll("-", "_")}_command.ts`).sort(),
  );
});

Deno.test("the dispatcher loads the command named, or all of them for help and unknown commands", async () => {
  assert.deepEqual(commandsFor(["produce", "--simulate", "1"]), ["produce"]);
  assert.deepEqual(commandsFor(["kcql", "check", "x"]), ["kcql"]);
  assert.deepEqual(commandsFor(["--help"]), COMMANDS.map((c) => c.name));
  assert.deepEqual(commandsFor(["nosuch"]), COMMANDS.map((c) => c.name));
  const help = await runGateway(["--help"]);
  assert.equal(help.code, 0);
  for (const c of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${c.name}\\b`, "m"));
  const unknown = await runGateway(["nosuch"]);
  assert.equal(unknown.code, 2, "an unknown command is a usage error");
  assert.match(unknown.stderr, /unknown command 'nosuch'/);
});
