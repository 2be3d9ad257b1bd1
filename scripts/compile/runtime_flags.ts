/**
 * How the gateway process is launched, for the compiled binary (`deno compile`)
 * and the checkout's `./gateway` launcher alike: both read runtime_flags.txt beside
 * this file, the one definition of the flags. Measured by `deno task bench:produce` and
 * `deno task bench:sink-compare`:
 *
 * - `--max-semi-space-size=1`: V8's young generation at 1 MiB per semi-space
 *   instead of growing to 8-16 MiB. The gateway allocates little per reading;
 *   about 4 MiB of RSS less.
 * - `--heap-growing-percent=50`: after each full GC the old generation may
 *   grow to 1.5x what survived before the next one, instead of the up to 4x
 *   V8 allows on a machine with gigabytes of memory. This is what bounds the
 *   sink's RSS (a 200k-record backlog: 125-131 MiB against 188-191 MiB with
 *   the semi-space flag alone) at the same records/s and CPU as the sink before
 *   issue 7 (`deno task bench:sink-compare`, 9 alternating rounds: 99%). It
 *   sets no heap limit: a sink whose BATCH really holds more gets a larger
 *   heap, never a heap-limit crash a cap like `--max-old-space-size` would add.
 *   It replaced `--optimize-for-size`, which bounded memory as well (factor
 *   1.1, less inlining) but cost the sink 11% of its rate and 1.3x the CPU.
 * - `--no-code-cache`: no V8 code cache. With it, every function of every
 *   cached module is deserialized as bytecode at start, used or not, and the
 *   cache file is mapped: about 3 MiB of RSS for a start-up some 100 ms faster.
 *
 * Not used, though smaller: `--lite-mode`, `--jitless` or `--max-opt=0|1`
 * (about 4 MiB less) make avsc's generated decoders 13-35x slower, which the
 * sink cannot afford, and V8 flags are one set for all commands.
 */

/** The runtime flags given to `deno run` / `deno compile`, before the entry point. */
export const GATEWAY_RUNTIME_FLAGS: readonly string[] = parseRuntimeFlags(
  Deno.readTextFileSync(new URL("./runtime_flags.txt", import.meta.url)),
);

/** The V8 flags among them (`--v8-flags=a,b`), one per entry. */
export const GATEWAY_V8_FLAGS: readonly string[] = GATEWAY_RUNTIME_FLAGS
  .filter((f) => f.startsWith("--v8-flags="))
  .flatMap((f) => f.slice("--v8-flags=".length).split(","));

/** The flags of runtime_flags.txt: one a line, blank lines and `#` comments left out. */
export function parseRuntimeFlags(text: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}
