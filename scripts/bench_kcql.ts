/**
 * `deno task bench:kcql`: how long parsing KCQL takes as the text grows, to
 * show it is linear. Prints one table: for each input (N statements on one
 * line or one per line; a key list of N names in PK, in IGNORE), its size,
 * the best of a few `parseKcql` and `kcqlCheck` runs (wall clock, and CPU
 * time for parseKcql), and the CPU time per statement or name: linear time
 * shows as a flat last column. No services needed.
 */
import process from "node:process";
import { kcqlCheck } from "../src/sink/kcql/check.ts";
import { parseKcql } from "../src/sink/kcql/plan.ts";
import { printTable, type Row } from "./bench/table.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 3);

function statements(n: number, separator: string): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(
      `UPSERT INTO c${i} SELECT bid, loc.lat AS lat, _key.site, _header.trace FROM t${i} ` +
        `IGNORE raw PK bid, time BATCH = 50 WITH_FLUSH_SIZE = 10`,
    );
  }
  return parts.join(separator);
}

function names(n: number, separator = ", "): string {
  return Array.from({ length: n }, (_, i) => `v.f${i}`).join(separator);
}

/** The fastest of RUNS calls: wall-clock and CPU milliseconds (CPU time is what a busy machine does not inflate). */
function best(fn: () => unknown): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const cases: [string, number, string][] = [];
for (const n of [1_000, 4_000, 10_000]) {
  cases.push([`${n} statements, one line`, n, statements(n, "; ")]);
}
for (const n of [1_000, 4_000, 10_000]) {
  cases.push([`${n} statements, one per line`, n, statements(n, ";\n")]);
}
for (const n of [8_000, 10_000]) {
  cases.push([
    `PK of ${n} names, one line`,
    n,
    `UPSERT INTO c SELECT * FROM t PK ${names(n)}`,
  ]);
  cases.push([
    `IGNORE of ${n} names, one line`,
    n,
    `INSERT INTO c SELECT * FROM t IGNORE ${names(n)}`,
  ]);
}
cases.push([
  "PK of 10000 names, one per line",
  10_000,
  `UPSERT INTO c SELECT * FROM t PK\n${names(10_000, ",\n")}`,
]);

const rows: Row[] = [];
for (const [input, n, text] of cases) {
  const parse = best(() => parseKcql(text));
  const check = best(() => kcqlCheck(text));
  rows.push({
    input,
    "KiB": Math.round(text.length / 1024),
    "parseKcql ms": parse.wall,
    "parseKcql CPU ms": parse.cpu,
    "kcql check ms": check.wall,
    "µs CPU per item": (parse.cpu * 1000) / n,
  });
}
printTable(`KCQL parse time (best of ${RUNS} runs)`, rows);
