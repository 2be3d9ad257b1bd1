import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const KCQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "sink", "kcql");

/** The modules of src/sink/kcql each module imports (type-only imports too), by file name. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const text = Deno.readTextFileSync(join(dir, entry.name));
    const targets: string[] = [];
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)) {
      const spec = m[1];
      if (!spec.startsWith(".")) continue;
      const target = resolve(dir, spec);
      if (dirname(target) === resolve(dir)) targets.push(target.slice(resolve(dir).length + 1));
    }
    graph.set(entry.name, targets);
  }
  return graph;
}

/** A cycle in `graph` as a list of modules, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

Deno.test("the modules of src/sink/kcql import each other without a cycle", () => {
  const graph = importGraph(KCQL_DIR);
  assert.ok(graph.size > 5, `read the kcql modules (${[...graph.keys()].join(", ")})`);
  assert.ok(graph.get("semantics.ts")?.includes("plan_types.ts"), "the import scan sees imports");
  assert.equal(findCycle(graph)?.join(" → "), undefined);
});

Deno.test("the cycle finder finds a cycle when there is one", () => {
  const graph = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]);
  assert.deepEqual(findCycle(graph), ["a.ts", "b.ts", "c.ts", "a.ts"]);
});

Deno.test("the parser, semantics and plan read one way: parser → semantics → plan", () => {
  const graph = importGraph(KCQL_DIR);
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (graph.get(from) ?? []).some((n) => reaches(n, to, seen));
  };
  assert.ok(reaches("plan.ts", "semantics.ts"));
  assert.ok(reaches("plan.ts", "parser.ts"));
  assert.ok(!reaches("semantics.ts", "plan.ts"), "semantics does not import plan.ts");
  assert.ok(!reaches("parser.ts", "semantics.ts"), "the parser does not import semantics");
  assert.ok(!reaches("fields.ts", "plan.ts") && !reaches("properties.ts", "plan.ts"));
});
