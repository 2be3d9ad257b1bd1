/**
 * What the ops tests (metrics, status page, systemd units) need on the
 * machine, installed when missing and skipped quickly when present:
 * Python's prometheus_client (the reference text-format parser), Debian's
 * chromium (the status page in a real browser) and systemd (systemd-analyze).
 */

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<void> {
  console.log(`test: ${cmd} ${args.join(" ")}`);
  const out = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code})`);
}

/** Debian packages whose command is missing. */
async function missingDebianPackages(): Promise<string[]> {
  const missing: string[] = [];
  if (!(await succeeds("chromium", ["--version"]))) missing.push("chromium");
  if (!(await succeeds("systemd-analyze", ["--version"]))) missing.push("systemd");
  return missing;
}

export async function ensureOpsTestTools(): Promise<void> {
  if (!(await succeeds("python3", ["-c", "import prometheus_client.parser"]))) {
    await run("python3", ["-m", "pip", "install", "--quiet", "prometheus_client"]);
  }
  const packages = await missingDebianPackages();
  if (packages.length > 0) {
    const sudo = Deno.uid() === 0 ? [] : ["sudo"];
    const [cmd, ...pre] = [...sudo, "apt-get"];
    await run(cmd, [...pre, "update", "-qq"]);
    await run(cmd, [...pre, "install", "-y", "-qq", "--no-install-recommends", ...packages]);
  }
}
