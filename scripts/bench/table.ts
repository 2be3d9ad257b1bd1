/** Prints benchmark rows as an aligned text table. */
export type Row = Record<string, string | number>;

export function printTable(title: string, rows: Row[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const cell = (v: string | number) =>
    typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(1)) : v;
  const widths = cols.map((c) =>
    Math.max(c.length, ...rows.map((r) => String(cell(r[c] ?? "")).length))
  );
  const line = (vals: string[]) =>
    "| " + vals.map((v, i) => v.padEnd(widths[i])).join(" | ") + " |";
  console.log(`\n${title}`);
  console.log(line(cols));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(cols.map((c) => String(cell(r[c] ?? "")))));
}

export function rssMiB(pid?: number): number {
  const path = pid ? `/proc/${pid}/status` : "/proc/self/status";
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(path));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function peakRssMiB(pid?: number): number {
  const path = pid ? `/proc/${pid}/status` : "/proc/self/status";
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(path));
  return m ? Number(m[1]) / 1024 : NaN;
}
