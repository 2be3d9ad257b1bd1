/** Running install tools (mvn, go, tar) to completion, with their output kept for errors. */

/** Options of one tool run. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Appended to the error message when the tool fails. */
  what: string;
}

/** Runs `cmd args` and resolves when it exits 0; otherwise throws with its last output lines. */
export async function runTool(cmd: string, args: string[], opts: RunOptions): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`${opts.what}: "${cmd}" is not installed or not on PATH`);
    }
    throw err;
  }
  if (output.success) return;
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const tail = text.trimEnd().split("\n").slice(-40).join("\n");
  throw new Error(
    `${opts.what}: \`${cmd} ${args.join(" ")}\` exited with ${output.code}\n${tail}`,
  );
}
