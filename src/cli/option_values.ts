/** Parsers for option values: each error says which option and what was expected. */
import { InvalidArgumentError, Option } from "commander";
import { parseByteSize, SIZE_UNITS_HELP } from "../util/byte_size.ts";
import type { DurationBounds } from "../util/duration.ts";
import { choice, durationIn, wholeNumber } from "../config/setting_kinds.ts";

/**
 * A duration option (src/util/duration.ts: one duration grammar for every option, variable and
 * file key). The value is in the option's own unit (`bounds.unit`), as a plain number has always
 * been: `--stats-interval 2m` is 120 (seconds), `--retry-interval 10s` is 10000 (ms).
 */
export function duration(what: string, bounds: DurationBounds): (value: string) => number {
  return durationIn(bounds).flag(what);
}

/** A whole number from 1 to `max`: the flag face of the setting kind `wholeNumber`. */
export function positiveInt(
  what: string,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return wholeNumber(1, max).flag(what);
}

/**
 * An on/off option that its environment variable can set too: `--json` alone is on; the variable
 * (or `--json no`) says yes/no, true/false, on/off or 1/0 — anything else is a usage error, so
 * `GATEWAY_STATUS_JSON=false` is off, not on.
 */
export function switchOption(flag: string, help: string, env: string): Option {
  return new Option(`${flag} [yes|no]`, help).env(env).preset("yes").argParser((value: string) => {
    const v = String(value).trim().toLowerCase();
    if (["yes", "true", "on", "1"].includes(v)) return true;
    if (["no", "false", "off", "0", ""].includes(v)) return false;
    throw new InvalidArgumentError(
      `${flag} must be yes or no (true/false, on/off, 1/0), got "${value}"`,
    );
  });
}

/** One of `choices` (written in lower case), in any case: the flag face of `choice`. */
export function oneOf<T extends string>(what: string, choices: readonly T[]): (value: string) => T {
  return choice(choices).flag(what);
}

/** `268435456`, `256MB`, `256MiB`, `1gb`: sizes in bytes (1 KB = 1024 bytes). */
/** A size option, parsed strictly (src/util/byte_size.ts: one size grammar for every option). */
export function byteSize(what: string) {
  return (value: string): number => {
    let n: number;
    try {
      n = parseByteSize(value);
    } catch (error) {
      throw new InvalidArgumentError(`${what}: ${(error as Error).message}`);
    }
    if (n <= 0) {
      throw new InvalidArgumentError(`${what} must be more than 0 bytes (${SIZE_UNITS_HELP})`);
    }
    return n;
  };
}

export function httpUrl(what: string) {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${what} must be an http(s) URL, got "${value}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidArgumentError(`${what} must be an http(s) URL, got "${value}"`);
    }
    return value.replace(/\/+$/, "");
  };
}
