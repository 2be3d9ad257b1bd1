/**
 * How the gateway process is launched, for the compiled binary (`deno compile`)
 * and the `deno task gateway` alike (deno.json's task spells the same flags; a
 * test keeps the two equal). Measured by `deno task bench:produce`:
 *
 * - `--max-semi-space-size=1`: V8's young generation at 1 MiB per semi-space
 *   instead of growing to 8-16 MiB. The gateway allocates little per reading;
 *   about 4 MiB of RSS less.
 * - `--optimize-for-size`: V8 favours memory over speed (smaller heap growth
 *   steps, less inlining). About 4% slower on the sink's Avro→BSON loop.
 * - `--no-code-cache`: no V8 code cache. With it, every function of every
 *   cached module is deserialized as bytecode at start, used or not, and the
 *   cache file is mapped: about 3 MiB of RSS for a start-up some 100 ms faster.
 *
 * Not used, though smaller: `--lite-mode`, `--jitless` or `--max-opt=0|1`
 * (about 4 MiB less) make avsc's generated decoders 13-35x slower, which the
 * sink cannot afford, and V8 flags are one set for all commands.
 */
export const GATEWAY_V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=1",
  "--optimize-for-size",
];

/** The runtime flags given to `deno run` / `deno compile`, before the entry point. */
export const GATEWAY_RUNTIME_FLAGS: readonly string[] = [
  "--no-code-cache",
  `--v8-flags=${GATEWAY_V8_FLAGS.join(",")}`,
];
