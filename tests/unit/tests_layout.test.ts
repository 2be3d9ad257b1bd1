/**
 * The split of tests/ holds: a test in tests/unit/ needs only Deno and the process (no helper
 * from tests/_support/ that starts a service or a process, no child process, no socket), a test
 * in tests/service/ needs more, and no test lies directly in tests/ (a new test must choose).
 * The rule is scripts/tests_layout.ts; `--move` puts stragglers where they belong.
 *
 * The sample sources below are spliced from pieces so this file does not itself match the rule.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  classify,
  deepen,
  moveStragglers,
  placements,
  PURE_HELPERS,
  repair,
  SERVICE_HELPERS,
} from "../../scripts/tests_layout.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SUPPORT = "_" + "support/";
const CHILD = "Deno." + "Command";
const UP = "." + "./";

Deno.test("no test lies directly in tests/: each is in tests/unit/ or tests/service/", async () => {
  const flat = (await placements(ROOT)).filter((p) => p.folder === "").map((p) => p.file);
  assert.deepEqual(flat, [], "run `deno run -A scripts/tests_layout.ts --move`");
});

Deno.test("every test in tests/unit/ needs no service, and every one in tests/service/ does", async () => {
  const all = await placements(ROOT);
  const wrong = all.filter((p) => p.folder !== "" && p.folder !== p.classified.kind)
    .map((p) => `${p.file}: ${p.classified.kind} (${p.classified.reasons.join("; ")})`);
  assert.deepEqual(wrong, []);
  assert.ok(all.filter((p) => p.folder === "unit").length > 0, "some unit tests");
  assert.ok(all.filter((p) => p.folder === "service").length > 0, "some service tests");
});

Deno.test("every helper in tests/_support/ is listed as starting something or as pure", () => {
  const unlisted = [...Deno.readDirSync(join(ROOT, "tests", SUPPORT))]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => e.name)
    .filter((n) => SERVICE_HELPERS[n] === undefined && !PURE_HELPERS.includes(n));
  assert.deepEqual(unlisted, [], "add each to SERVICE_HELPERS or PURE_HELPERS");
  assert.deepEqual(PURE_HELPERS.filter((n) => SERVICE_HELPERS[n] !== undefined), []);
});

Deno.test("a helper that starts a process makes a service test; its pure exports do not", () => {
  const from = (names: string, module: string) =>
    `import { ${names} } from "./${SUPPORT}${module}";\n`;
  assert.equal(classify(from("uniqueName, waitFor", "gateway_process.ts")).kind, "unit");
  assert.deepEqual(classify(from("uniqueName, runGateway", "gateway_process.ts")), {
    kind: "service",
    reasons: [`uses ${SUPPORT}gateway_process.ts (runGateway)`],
  });
  assert.equal(classify(from("BROKERS", "kafka.ts")).kind, "service");
  assert.equal(classify(`import type { Broker } from "./${SUPPORT}kafka.ts";`).kind, "unit");
  assert.equal(classify(`import * as k from "./${SUPPORT}kafka.ts";`).kind, "service");
  assert.equal(classify(from("varint", "avro_bytes.ts")).kind, "unit");
  assert.equal(classify(`const script = "tests/${SUPPORT}print_heap_limit.ts";`).kind, "service");
});

Deno.test("a child process, a socket, a request or a client of a service makes a service test", () => {
  for (
    const call of [
      `new ${CHILD}("mount")`,
      "await Deno." + "listen({ port: 0 })",
      "await Deno." + "connect({ port: 9092 })",
      "await fet" + 'ch("http://x")',
      "new Mongo" + "Client(url)",
    ]
  ) {
    assert.equal(classify(call).kind, "service", call);
  }
  assert.equal(classify('const broker = "127.0.0.1:9092"; // data, not a connection').kind, "unit");
});

Deno.test("a moved test's paths leave one folder more", () => {
  assert.equal(
    deepen(
      `import { a } from "./${SUPPORT}x.ts";\nimport { b } from "${UP}src/b.ts";\n` +
        `new URL("${UP}README.md", import.meta.url); new URL("..", import.meta.url);\n` +
        'join(dirname(fileURLToPath(import.meta.url)), "..", "src");\njoin(zip, "..");\n',
    ),
    `import { a } from "../${SUPPORT}x.ts";\nimport { b } from "../../src/b.ts";\n` +
      'new URL("../../README.md", import.meta.url); new URL("../..", import.meta.url);\n' +
      'join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");\njoin(zip, "..");\n',
  );
});

Deno.test("--move puts each straggler in its folder, named after its module when it is a unit test", async () => {
  const root = await Deno.makeTempDir({ prefix: "tests_layout_" });
  try {
    await Deno.mkdir(join(root, "tests", "unit"), { recursive: true });
    await Deno.mkdir(join(root, "src"));
    const write = (path: string, text: string) => Deno.writeTextFile(join(root, path), text);
    await write(
      "tests/duration_bounds.test.ts",
      `import { d } from "${UP}src/util/duration.ts";\n`,
    );
    await write("tests/launcher.test.ts", `import { d } from "${UP}src/util/duration.ts";\n`);
    await write("tests/spawns.test.ts", `import { x } from "${UP}src/x.ts";\nnew ${CHILD}("x");\n`);
    await write("src/notes.md", "see tests/spawns.test.ts and tests/launcher.test.ts\n");
    const moves = await moveStragglers(root, false);
    assert.deepEqual(moves, [
      // Two unit tests import util/duration.ts: neither is named after it.
      ["tests/duration_bounds.test.ts", "tests/unit/duration_bounds.test.ts"],
      ["tests/launcher.test.ts", "tests/unit/launcher.test.ts"],
      ["tests/spawns.test.ts", "tests/service/spawns.test.ts"],
    ]);
    assert.equal(
      await Deno.readTextFile(join(root, "tests/service/spawns.test.ts")),
      `import { x } from "../../src/x.ts";\nnew ${CHILD}("x");\n`,
    );
    assert.equal(
      await Deno.readTextFile(join(root, "src/notes.md")),
      "see tests/service/spawns.test.ts and tests/unit/launcher.test.ts\n",
    );
    await Deno.remove(join(root, "tests/unit/launcher.test.ts"));
    await write("tests/duration_units.test.ts", `import { d } from "${UP}src/util/duration.ts";\n`);
    await Deno.remove(join(root, "tests/unit/duration_bounds.test.ts"));
    assert.deepEqual(await moveStragglers(root, false), [
      ["tests/duration_units.test.ts", "tests/unit/util_duration.test.ts"],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("paths a merge wrote for tests/ into a moved test are repaired, and right ones kept", () => {
  const merged = `import { a } from "./${SUPPORT}x.ts";\nimport { b } from "${UP}src/b.ts";\n` +
    `import { c } from "../../src/c.ts";\nnew URL("${UP}schemas/s.avsc", import.meta.url);\n`;
  const right = `import { a } from "../${SUPPORT}x.ts";\nimport { b } from "../../src/b.ts";\n` +
    'import { c } from "../../src/c.ts";\nnew URL("../../schemas/s.avsc", import.meta.url);\n';
  assert.equal(repair(merged), right);
  assert.equal(repair(right), right);
});

Deno.test("--move moves a test in the wrong folder to the other and repairs paths in place", async () => {
  const root = await Deno.makeTempDir({ prefix: "tests_layout_" });
  try {
    await Deno.mkdir(join(root, "tests", "unit"), { recursive: true });
    await Deno.mkdir(join(root, "tests", "service"), { recursive: true });
    const write = (path: string, text: string) => Deno.writeTextFile(join(root, path), text);
    await write("tests/unit/now_spawns.test.ts", `new ${CHILD}("x");\n`);
    await write("notes.md", "tests/merged.test.ts, tests/now_*.test.ts, tests/gone.test.ts\n");
    await write("tests/unit/merged.test.ts", `import { b } from "${UP}src/b.ts";\n`);
    assert.deepEqual(await moveStragglers(root, false), [
      ["tests/unit/merged.test.ts", "tests/unit/merged.test.ts"],
      ["tests/unit/now_spawns.test.ts", "tests/service/now_spawns.test.ts"],
    ]);
    assert.equal(
      await Deno.readTextFile(join(root, "tests/unit/merged.test.ts")),
      'import { b } from "../../src/b.ts";\n',
    );
    // References to tests moved before (or by glob) follow them when one folder has them.
    assert.equal(
      await Deno.readTextFile(join(root, "notes.md")),
      "tests/unit/merged.test.ts, tests/service/now_*.test.ts, tests/gone.test.ts\n",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
