/**
 * The sink's record path runs one way, io → record → io: the pure part (src/sink/record, and the
 * values, kcql and shape folders it builds on) imports nothing from src/sink/io, kafkajs or the
 * MongoDB driver, directly or through the modules it imports (BSON values come from the `bson`
 * package, which has no I/O). Type-only imports count too.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PURE = ["record", "values", "kcql", "shape"].map((d) => join(ROOT, "src", "sink", d));
const IO_DIR = join(ROOT, "src", "sink", "io");
const FORBIDDEN_PACKAGES = ["kafkajs", "mongodb"];

/** Every import/export specifier of a module (static, type-only and dynamic). */
function specifiers(file: string): string[] {
  const text = Deno.readTextFileSync(file);
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)) {
    out.push(m[1]);
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) out.push(m[1]);
  return out;
}

/** A package specifier's package name ("npm:mongodb@6/x" and "mongodb/x" are "mongodb"). */
function packageOf(spec: string): string {
  const bare = spec.replace(/^npm:/, "");
  const parts = bare.split("/");
  const name = bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return name.replace(/(.)@.*$/, "$1");
}

/** What a module reaches that it must not, following relative imports: `[path, why]`. */
function violations(entries: string[]): [string, string][] {
  const seen = new Set<string>();
  const found: [string, string][] = [];
  const queue = [...entries];
  const via = new Map<string, string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const chain = () => {
      const path: string[] = [];
      for (let f: string | undefined = file; f; f = via.get(f)) path.unshift(relative(ROOT, f));
      return path.join(" → ");
    };
    if (file.startsWith(IO_DIR + "/")) {
      found.push([chain(), "is in src/sink/io"]);
      continue;
    }
    for (const spec of specifiers(file)) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (!via.has(target) && !seen.has(target)) via.set(target, file);
        queue.push(target);
      } else if (FORBIDDEN_PACKAGES.includes(packageOf(spec))) {
        found.push([chain(), `imports ${spec}`]);
      }
    }
  }
  return found;
}

function modulesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => join(dir, e.name));
}

Deno.test("sink/record, values, kcql and shape reach nothing of sink/io, kafkajs or mongodb", () => {
  const entries = PURE.flatMap(modulesIn);
  assert.ok(
    entries.some((f) => f.endsWith("/record/kcql_pipeline.ts")),
    "the record folder is read",
  );
  assert.deepEqual(violations(entries), []);
});

Deno.test("the import check sees a forbidden import, direct or through another module", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      join(dir, "a.ts"),
      'import type { X } from "./b.ts";\nexport type Y = X;\n',
    );
    Deno.writeTextFileSync(
      join(dir, "b.ts"),
      'import type {\n  Db,\n} from "npm:mongodb@6.22.0";\nexport type X = Db;\n',
    );
    Deno.writeTextFileSync(join(dir, "c.ts"), 'export const k = await import("kafkajs");\n');
    const found = violations([join(dir, "a.ts"), join(dir, "c.ts")]).sort();
    assert.equal(found.length, 2);
    assert.match(found[0][0], /a\.ts → .*b\.ts$/);
    assert.equal(found[0][1], "imports npm:mongodb@6.22.0");
    assert.match(found[1][0], /c\.ts$/);
    assert.equal(found[1][1], "imports kafkajs");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
