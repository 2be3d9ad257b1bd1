/**
 * Parses Prometheus text with the reference parser (Python's
 * prometheus_client.parser), so a malformed exposition fails the test.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

const PARSER = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "samples": [
        {"name": s.name, "labels": s.labels, "value": None if math.isnan(s.value) else s.value}
        for s in f.samples]})
print(json.dumps(out))
`;

export async function parseMetrics(text: string): Promise<Family[]> {
  const child = new Deno.Command("python3", {
    args: ["-c", PARSER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(
      `prometheus_client could not parse /metrics: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The value of the sample `name` with exactly these labels (a subset match), or undefined. */
export function sample(
  families: Family[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** Every sample called `name`. */
export function samples(families: Family[], name: string): Sample[] {
  return families.flatMap((f) => f.samples.filter((s) => s.name === name));
}

/** Fetches and parses `url`/metrics. */
export async function scrape(url: string): Promise<Family[]> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return await parseMetrics(await res.text());
}
